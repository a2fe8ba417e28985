"""R5: anonymous pages are limited per client and a flood writes a bounded number of chained
audit rows."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from zhenxing.audit.models import AuditEvent
from zhenxing.audit.services import verify_chain
from zhenxing.core import ratelimit

pytestmark = pytest.mark.django_db


def _receipt_flood(client: Client, n: int, address: str = "203.0.113.7") -> list[int]:
    client_id = uuid.uuid4()
    return [
        client.get(f"/industry/r/{client_id}/?code=x", REMOTE_ADDR=address).status_code
        for _ in range(n)
    ]


def test_fifty_anonymous_receipt_checks_are_limited_and_write_two_rows(client: Client) -> None:
    # when
    statuses = _receipt_flood(client, 50)

    # then the first 20 get the usual answer, the rest 429
    assert statuses == [404] * 20 + [429] * 30
    events = list(AuditEvent.objects.order_by("seq").values_list("event", "outcome"))
    assert events == [("scope.denied", "denied"), ("ratelimit.refused", "denied")]
    assert verify_chain() == []


def test_under_the_limit_repeated_anonymous_failures_are_audited_once_per_window(
    client: Client, settings: Any
) -> None:
    settings.ZHENXING_RATE_LIMITS = {**settings.ZHENXING_RATE_LIMITS, "receipt": (1000, 60)}

    assert set(_receipt_flood(client, 50)) == {404}

    assert AuditEvent.objects.count() == 1


def test_without_the_bound_every_anonymous_failure_writes_a_row(
    client: Client, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guards removed (no limit, no bound): the defect — 50 requests, 50 chained rows."""
    settings.ZHENXING_RATE_LIMITS = {**settings.ZHENXING_RATE_LIMITS, "receipt": (1000, 60)}
    monkeypatch.setattr(ratelimit, "first_in_window", lambda *args: True)

    _receipt_flood(client, 50)

    assert AuditEvent.objects.filter(event="scope.denied").count() == 50


def test_each_client_has_its_own_count(client: Client) -> None:
    assert _receipt_flood(client, 21, "203.0.113.7")[-1] == 429

    assert _receipt_flood(client, 1, "203.0.113.8") == [404]


def test_the_limit_resets_in_the_next_window(client: Client, time_machine: Any) -> None:
    time_machine.move_to("2025-03-01 10:00:00+08:00", tick=False)
    assert _receipt_flood(client, 21)[-1] == 429

    time_machine.move_to("2025-03-01 10:01:00+08:00", tick=False)

    assert _receipt_flood(client, 1) == [404]


@pytest.mark.parametrize(
    ("path", "group"),
    [
        ("/monitoring/public/declare/", "declaration"),
        ("/monitoring/public/notices/4f0c2d8e-9a51-4b7e-8c3a-2f6d1e0b9a77/", "notice"),
    ],
)
def test_the_public_declaration_and_notice_pages_are_limited(
    client: Client, settings: Any, path: str, group: str
) -> None:
    limit, _ = settings.ZHENXING_RATE_LIMITS[group]

    statuses = [client.get(path).status_code for _ in range(limit + 1)]

    assert statuses[-1] == 429
    assert 429 not in statuses[:-1]
