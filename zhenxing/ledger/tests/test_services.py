"""Ledger services against a real database: M1–M4, M7 (sequential), four eyes (B6)."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhenxing.accounts.tests.factories import UserFactory
from zhenxing.audit.models import AuditEvent
from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role
from zhenxing.ledger.domain import Line
from zhenxing.ledger.models import Account, Entry, ImmutableError, PendingEntry, Posting
from zhenxing.ledger.selectors import Books, trial_balance
from zhenxing.ledger.services import (
    EntrySpec,
    entries_post_bulk,
    entry_post,
    entry_reverse,
    entry_submit,
    ledger_verify,
    pending_entry_approve,
    pending_entry_reject,
)
from zhenxing.ledger.tests.factories import account, bank_and_deposit, entry, spec

pytestmark = pytest.mark.django_db


def _code(exc: pytest.ExceptionInfo[DomainError]) -> str:
    return exc.value.code.code


def balances() -> dict[str, D]:
    return dict(Account.objects.values_list("code", "balance"))


def test_posting_moves_balances_and_audits_once() -> None:
    _bank, _deposit = bank_and_deposit()

    posted = entry("pay-in", ("1001.T", "5400.00"), ("2201.T", "-5400.00"))

    assert balances() == {"1001.T": D("5400.00"), "2201.T": D("-5400.00")}
    assert posted.total == D("5400.00")
    assert AuditEvent.objects.filter(event="ledger.post", object_id=str(posted.pk)).count() == 1
    assert ledger_verify().ok


def test_unbalanced_entry_is_refused_and_nothing_is_written() -> None:
    bank_and_deposit()

    with pytest.raises(DomainError) as caught:
        entry("bad", ("1001.T", "10.00"), ("2201.T", "-9.99"))

    assert _code(caught) == "ledger.unbalanced"
    assert Entry.objects.count() == 0
    assert Posting.objects.count() == 0
    assert set(balances().values()) == {D("0.00")}


def test_same_key_same_payload_posts_once_and_another_payload_is_refused() -> None:
    bank_and_deposit()
    first = entry("k1", ("1001.T", "30.00"), ("2201.T", "-30.00"))

    again = entry("k1", ("2201.T", "-30.00"), ("1001.T", "30.00"))  # same lines, other order
    with pytest.raises(DomainError) as caught:
        entry("k1", ("1001.T", "31.00"), ("2201.T", "-31.00"))

    assert again.pk == first.pk
    assert _code(caught) == "ledger.key_conflict"
    assert Posting.objects.count() == 2
    assert balances()["2201.T"] == D("-30.00")


def test_a_deposit_cannot_be_refunded_beyond_what_it_holds() -> None:
    bank_and_deposit(held="60.00")
    entry("refund-1", ("2201.T", "30.00"), ("1001.T", "-30.00"))
    entry("refund-2", ("2201.T", "30.00"), ("1001.T", "-30.00"))

    with pytest.raises(DomainError) as caught:
        entry("refund-3", ("2201.T", "30.00"), ("1001.T", "-30.00"))

    assert _code(caught) == "ledger.insufficient"
    assert balances()["2201.T"] == D("0.00")


def test_the_database_refuses_a_cached_balance_on_the_wrong_side() -> None:
    _, deposit = bank_and_deposit(held="10.00")

    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=deposit.pk).update(balance=D("0.01"))


def test_postings_and_entries_refuse_changes_in_python_and_in_the_database() -> None:
    bank_and_deposit(held="10.00")
    posting = Posting.objects.first()
    assert posting is not None
    posted = posting.entry

    posting.amount = D("11.00")
    with pytest.raises(ImmutableError):
        posting.save()
    with pytest.raises(ImmutableError):
        posting.delete()
    with pytest.raises(ImmutableError):
        Posting.objects.filter(pk=posting.pk).update(amount=D("1.00"))
    with pytest.raises(ImmutableError):
        Entry.objects.filter(pk=posted.pk).delete()
    for sql in (
        "UPDATE ledger_posting SET amount = 1 WHERE id = %s",
        "DELETE FROM ledger_posting WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [posting.pk])
    for sql in (
        "UPDATE ledger_entry SET memo = 'x' WHERE id = %s",
        "DELETE FROM ledger_entry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [posted.pk])
    assert Posting.objects.get(pk=posting.pk).amount != D("1.00")


@pytest.mark.skipif(
    "postgresql" not in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
    reason="the balanced-entry trigger is PostgreSQL's; SQLite relies on the service (below)",
)
def test_postgresql_refuses_an_unbalanced_insert_behind_the_service() -> None:
    bank, _deposit = bank_and_deposit()
    posted = entry("ok", ("1001.T", "1.00"), ("2201.T", "-1.00"))

    with (
        pytest.raises(DatabaseError, match="does not balance"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO ledger_posting (entry_id, account_id, amount) VALUES (%s, %s, 500)",
            [posted.pk, bank.pk],
        )


def test_the_service_checks_balance_before_anything_reaches_the_database() -> None:
    # On SQLite nothing below the service would stop an unbalanced entry, so the service
    # refuses before any row is written (and PostgreSQL would refuse it again).
    bank_and_deposit()
    statements: list[str] = []

    def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch), pytest.raises(DomainError):
        entry("bad", ("1001.T", "1.00"), ("2201.T", "-2.00"))

    assert not [s for s in statements if s.lstrip().upper().startswith("INSERT")]


def test_reversal_restores_balances_points_at_the_original_and_is_idempotent() -> None:
    bank_and_deposit()
    original = entry("pay", ("1001.T", "5400.00"), ("2201.T", "-5400.00"))

    reversal = entry_reverse(actor=None, entry=original, memo="错账 wrong amount")
    again = entry_reverse(actor=None, entry=original)

    assert again.pk == reversal.pk
    assert reversal.reverses_id == original.pk
    assert set(balances().values()) == {D("0.00")}
    with pytest.raises(DomainError) as caught:
        entry_reverse(actor=None, entry=reversal)
    assert _code(caught) == "ledger.reversal_of_reversal"
    assert AuditEvent.objects.filter(event="ledger.reverse").count() == 1


def test_four_eyes_above_the_threshold() -> None:
    # given a threshold of 10,000 yuan and two district staff members
    bank_and_deposit()
    alice = UserFactory.create(role=Role.DISTRICT_STAFF)
    bob = UserFactory.create(role=Role.DISTRICT_STAFF)
    big = spec("big", ("1001.T", "10000.01"), ("2201.T", "-10000.01"))
    small = spec("small", ("1001.T", "10000.00"), ("2201.T", "-10000.00"))
    threshold = D("10000.00")

    # then at the threshold one person posts; above it a direct post is refused
    assert isinstance(entry_submit(actor=alice, spec=small, approval_threshold=threshold), Entry)
    with pytest.raises(DomainError) as caught:
        entry_post(actor=alice, spec=big, approval_threshold=threshold)
    assert _code(caught) == "ledger.approval_required"
    with pytest.raises(DomainError) as caught:
        entry_post(actor=alice, spec=big, approval_threshold=threshold, approved_by=alice)
    assert _code(caught) == "ledger.self_approval"

    # when it is submitted it waits; its submitter cannot approve it; someone else can
    pending = entry_submit(actor=alice, spec=big, approval_threshold=threshold)
    assert isinstance(pending, PendingEntry)
    assert not Entry.objects.filter(natural_key="big").exists()
    with pytest.raises(DomainError) as caught:
        pending_entry_approve(actor=alice, pending=pending)
    assert _code(caught) == "ledger.self_approval"
    posted = pending_entry_approve(actor=bob, pending=pending)

    assert posted.approved_by_id == bob.pk
    assert posted.posted_by_id == alice.pk
    assert balances()["2201.T"] == D("-20000.01")
    with pytest.raises(DomainError) as caught:
        pending_entry_reject(actor=bob, pending=pending)
    assert _code(caught) == "ledger.already_decided"


def test_bulk_posting_skips_what_is_posted_and_refuses_what_differs() -> None:
    bank, deposit = bank_and_deposit()
    ids = {"1001.T": bank.pk, "2201.T": deposit.pk}
    specs = [spec(f"b{i}", ("1001.T", f"{i}.00"), ("2201.T", f"-{i}.00")) for i in range(1, 6)]

    with transaction.atomic():
        first = entries_post_bulk(actor=None, specs=specs, account_ids=ids)
    with transaction.atomic():
        second = entries_post_bulk(actor=None, specs=specs, account_ids=ids)

    assert (first.posted, first.skipped, first.total) == (5, 0, D("15.00"))
    assert (second.posted, second.skipped) == (0, 5)
    assert balances()["2201.T"] == D("-15.00")
    changed = [spec("b1", ("1001.T", "9.00"), ("2201.T", "-9.00"))]
    with pytest.raises(DomainError) as caught, transaction.atomic():
        entries_post_bulk(actor=None, specs=changed, account_ids=ids)
    assert _code(caught) == "ledger.key_conflict"


def test_bulk_posting_refuses_a_batch_that_would_overdraw_and_writes_nothing() -> None:
    bank, deposit = bank_and_deposit(held="5.00")
    ids = {"1001.T": bank.pk, "2201.T": deposit.pk}
    refunds = [spec(f"r{i}", ("2201.T", "2.00"), ("1001.T", "-2.00")) for i in range(3)]

    with pytest.raises(DomainError) as caught, transaction.atomic():
        entries_post_bulk(actor=None, specs=refunds, account_ids=ids)

    assert _code(caught) == "ledger.insufficient"
    assert Entry.objects.count() == 1
    assert balances()["2201.T"] == D("-5.00")


def test_verify_finds_a_cached_balance_that_differs_from_its_postings() -> None:
    _, deposit = bank_and_deposit(held="10.00")
    with transaction.atomic():
        Account.objects.filter(pk=deposit.pk).update(balance=D("-9.00"))
        check = ledger_verify()
        assert not check.ok
        assert check.mismatched_accounts == ["2201.T"]
        transaction.set_rollback(True)


def test_trial_balance_sums_to_zero_per_county_and_books_limit_what_clerks_see() -> None:
    bank_and_deposit(held="10.00")
    account("2101.C9", rule="credit", owner_type="cooperative", owner_id=9)
    entry("x", ("1001.T", "3.00"), ("2101.C9", "-3.00"))

    county = trial_balance(Books(county_code="500102"))
    clerk = trial_balance(Books(owners=frozenset({("cooperative", 9)})))

    assert sum(r.balance for r in county) == 0
    assert [(r.chart, r.balance) for r in clerk] == [("2101", D("-3.00"))]
    assert trial_balance(Books()) == []


accounts_strategy = st.sampled_from(["A", "B", "C", "D"])
amounts = st.integers(min_value=1, max_value=10**9)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(accounts_strategy, accounts_strategy, amounts).filter(lambda t: t[0] != t[1]),
        min_size=1,
        max_size=12,
    )
)
def test_any_sequence_of_entries_keeps_the_ledger_at_zero(
    moves: list[tuple[str, str, int]],
) -> None:
    with transaction.atomic():
        for code in "ABCD":
            account(code, kind="asset")
        for i, (debit, credit, fen) in enumerate(moves):
            amount = D(fen) / 100
            entry_post(
                actor=None,
                spec=EntrySpec(f"h{i}", "test", (Line(debit, amount), Line(credit, -amount))),
            )
        check = ledger_verify()
        assert check.ok, check
        assert sum(balances().values()) == 0
        transaction.set_rollback(True)
