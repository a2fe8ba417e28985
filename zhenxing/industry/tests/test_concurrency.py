"""Concurrent deposits and double submissions on PostgreSQL (security.md M4, M7): threads with
their own connections against committed rows (see the ledger tests' conftest for the flush)."""

from __future__ import annotations

import uuid
from decimal import Decimal as D

import pytest
from django.conf import settings

from zhenxing.core.errors import DomainError
from zhenxing.industry import services
from zhenxing.industry.models import Weighing
from zhenxing.industry.tests.factories import at, build_chain, sign_lu
from zhenxing.ledger.domain import Line
from zhenxing.ledger.models import Account, Entry
from zhenxing.ledger.services import EntrySpec, entry_post, ledger_verify
from zhenxing.ledger.tests.test_concurrency import _race

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="row locks under concurrency are PostgreSQL's; SQLite has one writer at a time",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_a_deposit_paid_from_twenty_screens_at_once_is_paid_once() -> None:
    chain = build_chain(prices=False)
    agreement = sign_lu(chain)
    clerk = chain.users["clerk_a"]

    results = _race(20, lambda i: services.deposit_pay(actor=clerk, agreement=agreement))

    assert all(isinstance(r, Entry) for r in results), results
    assert len({r.pk for r in results}) == 1
    held = Account.objects.get(code__startswith="2201.")
    assert held.balance == D("-5400.00")
    assert ledger_verify().ok


def test_refunds_racing_for_a_paid_deposit_never_overdraw_it() -> None:
    # given 卢家庆's 5,400-yuan deposit, paid
    chain = build_chain(prices=False)
    agreement = sign_lu(chain)
    services.deposit_pay(actor=None, agreement=agreement)
    held = Account.objects.get(code__startswith="2201.").code
    bank = Account.objects.get(code__startswith="1001.").code

    # when 20 threads each refund 600 yuan of it (9 refunds would empty it)
    def refund(i: int) -> Entry:
        return entry_post(
            actor=None,
            spec=EntrySpec(
                f"refund/{i}", "deposit_refund", (Line(held, D("600")), Line(bank, D("-600")))
            ),
        )

    results = _race(20, refund)

    # then exactly 9 succeed and the deposit ends at zero, never below
    assert sum(isinstance(r, Entry) for r in results) == 9, results
    assert {r.code.code for r in results if isinstance(r, DomainError)} == {"ledger.insufficient"}
    assert Account.objects.get(code=held).balance == D("0.00")


def test_a_weighing_submitted_twice_at_once_is_recorded_once() -> None:
    chain = build_chain()
    client_id = uuid.uuid4()

    results = _race(
        8,
        lambda i: services.weighing_record(
            actor=chain.users["clerk_a"],
            season=chain.season,
            point=chain.point_a1,
            household=chain.lu,
            client_id=client_id,
            weighed_at=at(17),
            gross_kg=D("2000"),
        ),
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r.created for r in results) == 1
    assert Weighing.objects.count() == 1
