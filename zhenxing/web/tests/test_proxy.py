"""R4 and the request id: behind a TLS reverse proxy only configured proxies are believed
about the client's address and scheme; the request id is never the client's choice."""

from __future__ import annotations

import http.client
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from waitress.server import create_server

from zhenxing.audit.models import AuditEvent
from zhenxing.core.proxy import client_address
from zhenxing.web.management.commands.serve import waitress_options

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"
CLIENT = "203.0.113.7"
BAD_LOGIN = {"username": "nobody", "password": "wrong-password-1A"}


@pytest.fixture
def secure(settings: Any) -> Any:
    """ZHENXING_SECURE=1 as base.py sets it, with one trusted proxy."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ZHENXING_TRUSTED_PROXIES = [PROXY, "10.0.1.0/24"]
    return settings


def _failed_login_ip(client: Client, **meta: Any) -> str | None:
    client.post("/login/", BAD_LOGIN, **meta)
    return AuditEvent.objects.filter(event="login.failed").latest("seq").ip


def test_https_at_the_trusted_proxy_is_not_redirected_again(client: Client, secure: Any) -> None:
    response = client.get("/login/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 200


def test_a_client_claiming_https_itself_is_still_redirected(client: Client, secure: Any) -> None:
    response = client.get("/login/", REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_the_audit_row_carries_the_client_address_from_the_trusted_proxy(
    client: Client, secure: Any
) -> None:
    ip = _failed_login_ip(
        client,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_X_FORWARDED_FOR=f"198.51.100.1, {CLIENT}",
    )

    assert ip == CLIENT


def test_a_forwarded_for_from_an_untrusted_peer_is_ignored(client: Client, secure: Any) -> None:
    ip = _failed_login_ip(
        client, REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_FOR="192.0.2.99", secure=True
    )

    assert ip == CLIENT


def test_without_the_trusted_proxy_setting_the_proxy_address_is_audited(
    client: Client, secure: Any
) -> None:
    """The configuration removed: the proxy is not believed, as before the fix."""
    secure.ZHENXING_TRUSTED_PROXIES = []

    ip = _failed_login_ip(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT, secure=True)

    assert ip == PROXY


@pytest.mark.parametrize(
    ("forwarded_for", "expected"),
    [
        (CLIENT, CLIENT),
        (f"{CLIENT}, 10.0.1.9", CLIENT),  # a second trusted proxy in the chain
        (f"192.0.2.1, {CLIENT}", CLIENT),  # the left-most hop is the client's own claim
        ("", PROXY),
        ("not-an-address", PROXY),
        (f"{CLIENT}, garbage, 10.0.1.9", "10.0.1.9"),
    ],
)
def test_the_client_is_the_rightmost_untrusted_hop(
    secure: Any, forwarded_for: str, expected: str
) -> None:
    assert client_address(PROXY, forwarded_for) == expected


def test_rate_limits_count_each_client_behind_the_proxy(client: Client, secure: Any) -> None:
    def check(address: str) -> int:
        return client.get(
            "/industry/r/4f0c2d8e-9a51-4b7e-8c3a-2f6d1e0b9a77/?code=x",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=address,
            HTTP_X_FORWARDED_PROTO="https",
        ).status_code

    assert [check(CLIENT) for _ in range(21)][-1] == 429
    assert check("203.0.113.8") == 404


# --- X-Request-ID (defect 12) -----------------------------------------------------------------


def test_a_client_cannot_choose_its_request_id(client: Client, secure: Any) -> None:
    response = client.post(
        "/login/", BAD_LOGIN, REMOTE_ADDR=CLIENT, HTTP_X_REQUEST_ID="client-0123456789", secure=True
    )

    row = AuditEvent.objects.get(event="login.failed")
    assert row.request_id != "client-0123456789"
    assert re.fullmatch(r"[0-9a-f]{32}", row.request_id)
    assert response["X-Request-ID"] == row.request_id


def test_the_trusted_proxys_well_formed_request_id_is_kept(client: Client, secure: Any) -> None:
    proxied: dict[str, Any] = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_PROTO": "https"}
    client.post("/login/", BAD_LOGIN, HTTP_X_REQUEST_ID="proxy-0123456789", **proxied)
    client.post("/login/", BAD_LOGIN, HTTP_X_REQUEST_ID="<script>", **proxied)

    first, second = AuditEvent.objects.filter(event="login.failed").order_by("seq")
    assert first.request_id == "proxy-0123456789"
    assert re.fullmatch(r"[0-9a-f]{32}", second.request_id)


# --- the real server ----------------------------------------------------------------------------


@pytest.fixture
def waitress_port(secure: Any) -> Iterator[int]:
    # A fresh handler: SecurityMiddleware reads SECURE_SSL_REDIRECT when it is built.
    server = create_server(WSGIHandler(), **waitress_options("127.0.0.1", 0, 2))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield int(server.effective_port)
    finally:
        server.close()
        thread.join(timeout=5)


def _get_login(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/login/", headers={"X-Forwarded-Proto": "https"})
    status = connection.getresponse().status
    connection.close()
    return status


@pytest.mark.parametrize(("trusted", "status"), [(["127.0.0.1"], 200), ([], 301)])
def test_zhenxing_serve_behind_a_proxy_answers_without_a_redirect_loop(
    secure: Any, waitress_port: int, trusted: list[str], status: int
) -> None:
    secure.ZHENXING_TRUSTED_PROXIES = trusted

    assert _get_login(waitress_port) == status
