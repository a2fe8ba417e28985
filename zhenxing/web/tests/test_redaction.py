"""C7 and B4: ID-, phone- and account-shaped values in paths, references and reasons are
redacted before they are audited or logged; the answer is the one any other input gets."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from zhenxing.accounts.tests.factories import sign_in_verified
from zhenxing.audit import services as audit_services
from zhenxing.audit.models import AuditEvent
from zhenxing.audit.services import verify_chain
from zhenxing.core import errors
from zhenxing.core.redaction import PERSONAL_DATA, REDACTED, RedactingFilter, redact
from zhenxing.households.tests.factories import RegistryWorld, build_world

pytestmark = pytest.mark.django_db

ID_NUMBER = "110105194912310021"
PHONE = "13812345678"
BANK = "6222021234567890123"


@pytest.fixture
def world() -> RegistryWorld:
    return build_world()


def _town_client(client: Client, world: RegistryWorld) -> Client:
    client.force_login(world.users["town"])
    return client


def _trail_text() -> str:
    return " ".join(
        f"{e.object_type} {e.object_id} {e.actor_username} {e.detail}"
        for e in AuditEvent.objects.all()
    )


@pytest.mark.parametrize(
    ("path", "object_type"),
    [
        (f"/households/{ID_NUMBER}/", "household"),
        (f"/households/{BANK}/", "household"),
        (f"/regions/{PHONE}/", "division"),
        (f"/regions/{ID_NUMBER}/", "division"),
    ],
)
def test_a_pii_shaped_reference_answers_404_with_a_redacted_scope_denial(
    client: Client, world: RegistryWorld, path: str, object_type: str
) -> None:
    # when
    response = _town_client(client, world).get(path)

    # then
    assert response.status_code == 404
    row = AuditEvent.objects.get(event="scope.denied")
    assert (row.object_type, row.object_id) == (object_type, REDACTED)
    assert row.detail["path"].count(REDACTED) == 1
    assert not PERSONAL_DATA.search(_trail_text())
    assert verify_chain() == []


def test_the_api_answers_404_with_a_redacted_scope_denial(
    client: Client, world: RegistryWorld
) -> None:
    response = _town_client(client, world).get(f"/api/v1/regions/{PHONE}")

    assert response.status_code == 404
    row = AuditEvent.objects.get(event="scope.denied")
    assert row.object_id == REDACTED
    assert row.detail == {"path": f"/api/v1/regions/{REDACTED}"}


def test_an_unmask_reason_holding_a_phone_number_is_kept_redacted(
    client: Client, world: RegistryWorld
) -> None:
    # given
    sign_in_verified(client, world.users["district"])
    member = world.a1.members.get(relation="head")

    # when
    response = client.post(
        f"/households/members/{member.pk}/unmask/", {"reason": "户主说新号是13900001111，核对"}
    )

    # then
    assert response.status_code == 200
    row = AuditEvent.objects.get(event="pii.unmask")
    assert row.detail == {"field": "id_number", "reason": f"户主说新号是{REDACTED}，核对"}
    assert not PERSONAL_DATA.search(_trail_text())


def test_without_redaction_the_same_requests_fail_with_a_server_error(
    client: Client, world: RegistryWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guard removed: the tests above fail without the redaction."""
    monkeypatch.setattr(errors, "redact", lambda text: text)
    monkeypatch.setattr(audit_services, "redact", lambda text: text)
    client.raise_request_exception = False

    assert _town_client(client, world).get(f"/regions/{PHONE}/").status_code == 500
    assert not AuditEvent.objects.filter(event="scope.denied").exists()


def test_log_lines_carry_no_personal_numbers(caplog: pytest.LogCaptureFixture) -> None:
    # given
    logger = logging.getLogger("zhenxing.test")
    logger.addFilter(RedactingFilter())

    # when
    with caplog.at_level(logging.WARNING, logger="zhenxing.test"):
        logger.warning("Not Found: %s", f"/households/{ID_NUMBER}/")
        logger.warning("plain %s", "/households/12/")

    # then
    assert caplog.messages == [f"Not Found: /households/{REDACTED}/", "plain /households/12/"]


def test_the_configured_handlers_redact() -> None:
    handler_filters = [
        f for h in logging.getLogger().handlers for f in h.filters if isinstance(f, RedactingFilter)
    ]
    assert handler_filters


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"身份证{ID_NUMBER}", f"身份证{REDACTED}"),
        ("11010519491231002X号", f"{REDACTED}号"),
        (f"{PHONE},{BANK}", f"{REDACTED},{REDACTED}"),
        ("村代码500102100200，户12", "村代码500102100200，户12"),
    ],
)
def test_redact_blanks_ids_phones_and_accounts_only(text: str, expected: str) -> None:
    assert redact(text) == expected
