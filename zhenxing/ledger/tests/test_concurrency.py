"""Concurrency on PostgreSQL (security.md M4, M7): many threads, each with its own connection,
against committed rows. SQLite serialises writers by design, so these run on PostgreSQL only.

Threads only see committed rows, so these tests use a transactional database; the flush that
empties it afterwards needs the audit table's TRUNCATE trigger off for a moment, which the
ledger tests' conftest does for transactional tests only (see there).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal as D
from typing import Any

import pytest
from django.conf import settings
from django.db import connections

from zhenxing.core.errors import DomainError
from zhenxing.ledger.models import Account, Entry, Posting
from zhenxing.ledger.services import ledger_verify
from zhenxing.ledger.tests.factories import bank_and_deposit, entry

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="row locks under concurrency are PostgreSQL's; SQLite has one writer at a time",
    ),
    pytest.mark.django_db(transaction=True),
]


def _race(workers: int, work: Callable[[int], Any]) -> list[Any]:
    """Start `workers` threads at once; each returns its result or its exception."""
    barrier = threading.Barrier(workers)
    results: list[Any] = [None] * workers

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # collected and asserted on by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_twenty_refunds_race_for_a_deposit_that_covers_seven() -> None:
    # given a deposit holding exactly 7 refunds of 30 yuan
    bank_and_deposit(held="210.00")

    # when 20 threads each try to refund 30 yuan at the same moment
    results = _race(
        20,
        lambda i: entry(f"refund-{i}", ("2201.T", "30.00"), ("1001.T", "-30.00")),
    )

    # then exactly 7 succeed, the others are refused for insufficient balance, none overdraws
    ok = [r for r in results if isinstance(r, Entry)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(ok) == 7, results
    assert len(refused) == 13
    assert {r.code.code for r in refused} == {"ledger.insufficient"}
    assert Account.objects.get(code="2201.T").balance == D("0.00")
    assert ledger_verify().ok


def test_concurrent_replays_of_one_key_post_once() -> None:
    bank_and_deposit()

    results = _race(10, lambda i: entry("same-key", ("1001.T", "5400.00"), ("2201.T", "-5400.00")))

    assert all(isinstance(r, Entry) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Posting.objects.count() == 2
    assert Account.objects.get(code="2201.T").balance == D("-5400.00")


def test_concurrent_same_key_with_another_payload_is_refused() -> None:
    bank_and_deposit()

    results = _race(
        8,
        lambda i: entry(
            "contested", ("1001.T", f"{10 + i % 2}.00"), ("2201.T", f"-{10 + i % 2}.00")
        ),
    )

    winners = {r.pk for r in results if isinstance(r, Entry)}
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(winners) == 1
    assert refused
    assert {r.code.code for r in refused} == {"ledger.key_conflict"}
    assert Entry.objects.count() == 1
