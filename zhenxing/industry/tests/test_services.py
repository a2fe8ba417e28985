"""Benefit-chain services against a real database: purchases, refusals, deposits, settlement
(M5 fault injection), income link, dividends, four eyes."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from zhenxing.audit.models import AuditEvent
from zhenxing.core.errors import DomainError, NotInScope
from zhenxing.households.models import IncomeLine
from zhenxing.industry import selectors, services
from zhenxing.industry.models import (
    CooperativeStatement,
    Delivery,
    HouseholdStatement,
    IndustryMeasure,
    PointDayPrice,
    ProtectionAgreement,
    SettlementRun,
    Weighing,
)
from zhenxing.industry.services import settlement as settlement_services
from zhenxing.industry.tests.factories import Chain, at, build_chain, sign_lu, weigh
from zhenxing.ledger.models import Account, Entry, PendingEntry, Posting
from zhenxing.ledger.services import ledger_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain() -> Chain:
    return build_chain()


def _code(caught: pytest.ExceptionInfo[DomainError]) -> str:
    return caught.value.code.code


def balance(code_prefix: str) -> D:
    return sum((a.balance for a in Account.objects.filter(code__startswith=code_prefix)), D("0.00"))


# ---------------------------------------------------------------- seasons and agreements


def test_season_stores_its_yushui_instant_and_numbers(chain: Chain) -> None:
    season = chain.season
    season.refresh_from_db()

    assert season.yushui_at == datetime(2021, 2, 18, 10, 43, 58, tzinfo=UTC)
    assert (season.floor_price, season.household_deposit_rate, season.coop_deposit_rate) == (
        D("800"),
        D("30"),
        D("30"),
    )
    assert (season.margin_min, season.margin_max) == (D("150"), D("200"))
    with pytest.raises(DomainError) as caught:
        services.season_create(
            actor=None,
            county_code="500102",
            data=services.SeasonInput(
                year=2021, opens_on=date(2021, 1, 20), closes_on=date(2021, 3, 10)
            ),
        )
    assert _code(caught) == "industry.season_exists"


def test_protection_agreement_sets_the_deposit_and_records_the_measure(chain: Chain) -> None:
    agreement = sign_lu(chain)

    assert agreement.contracted_g == 180_000_000
    assert agreement.deposit_amount == D("5400.00")
    measure = IndustryMeasure.objects.get(household=chain.lu)
    assert measure.agreement_id == agreement.pk
    assert "保护价" in measure.description
    with pytest.raises(DomainError) as caught:
        services.protection_agreement_sign(
            actor=None,
            season=chain.season,
            cooperative=chain.coop_a,
            household=chain.outsider,
            signed_on=date(2020, 10, 1),
            tonnes=D("10"),
        )
    assert _code(caught) == "industry.not_member"


def test_deposits_are_ledger_entries_paid_once(chain: Chain) -> None:
    agreement = sign_lu(chain)
    order = services.order_agreement_sign(
        actor=chain.users["enterprise"],
        season=chain.season,
        enterprise=chain.enterprise,
        cooperative=chain.coop_a,
        tonnes=D("3000"),
        signed_on=date(2020, 9, 15),
    )

    first = services.deposit_pay(actor=chain.users["clerk_a"], agreement=agreement)
    again = services.deposit_pay(actor=chain.users["clerk_a"], agreement=agreement)
    services.deposit_pay(actor=chain.users["enterprise"], agreement=order)

    assert isinstance(first, Entry)
    assert again.pk == first.pk
    assert order.deposit_amount == D("90000.00")
    assert balance("2201.") == D("-5400.00")
    assert balance("2202.") == D("-90000.00")
    assert balance("1001.") == D("95400.00")
    assert selectors.deposit_status(agreement) == "paid"
    with pytest.raises(NotInScope):  # another cooperative's clerk
        services.deposit_pay(actor=chain.users["clerk_b"], agreement=agreement)


def test_a_deposit_above_the_threshold_waits_for_a_second_person(chain: Chain) -> None:
    chain.season.approval_threshold = D("1000")
    chain.season.save()
    agreement = sign_lu(chain)

    pending = services.deposit_pay(actor=chain.users["clerk_a"], agreement=agreement)

    assert isinstance(pending, PendingEntry)
    assert selectors.deposit_status(agreement) == "pending"
    assert balance("2201.") == 0


# ---------------------------------------------------------------- purchases


def test_floor_top_up_before_yushui_is_its_own_line(chain: Chain) -> None:
    sign_lu(chain)

    # 16 Feb: the day price is 700, below the floor, and 雨水 is still two days away
    w = weigh(chain, chain.lu, "2000", at(16))

    assert (w.day_price, w.price_paid, w.floor_applied) == (D("700"), D("800"), True)
    assert (w.amount_market, w.amount_topup) == (D("1400.00"), D("200.00"))


def test_no_floor_after_yushui_or_without_agreement(chain: Chain) -> None:
    services.protection_agreement_sign(
        actor=None,
        season=chain.season,
        cooperative=chain.coop_b,
        household=chain.b1,
        signed_on=date(2020, 10, 1),
        tonnes=D("10"),
    )
    point = chain.point_b1

    before = weigh(chain, chain.b1, "1000", at(18, 18, 43, 57), point=point)
    after = weigh(chain, chain.b1, "1000", at(18, 18, 43, 58), point=point)
    no_agreement = weigh(chain, chain.a3, "1000", at(16))

    assert (before.price_paid, before.amount_topup) == (D("800"), D("50.00"))
    assert (after.price_paid, after.amount_topup) == (D("750"), D("0.00"))
    assert (no_agreement.price_paid, no_agreement.floor_applied) == (D("700"), False)


def test_a_repeated_weighing_id_answers_with_the_original(chain: Chain) -> None:
    client_id = uuid.uuid4()
    first = weigh(chain, chain.lu, "1500", at(17), client_id=client_id)

    again = services.weighing_record(
        actor=chain.users["clerk_a"],
        season=chain.season,
        point=chain.point_a1,
        household=chain.lu,
        client_id=client_id,
        weighed_at=at(17, 9, 5),
        gross_kg=D("1500"),
    )

    assert not again.created
    assert again.weighing.pk == first.pk
    assert Weighing.objects.count() == 1
    with pytest.raises(DomainError) as caught:
        weigh(chain, chain.lu, "1600", at(17), client_id=client_id)
    assert _code(caught) == "industry.weighing_id_reused"


BAD_WEIGHINGS: list[tuple[str, dict[str, Any], str]] = [
    ("zero weight", {"kg": "0"}, "industry.weight_not_positive"),
    ("negative weight", {"kg": "-5"}, "industry.weight_not_positive"),
    ("deduction ≥ gross", {"kg": "100", "deduction": "100"}, "industry.weight_not_positive"),
    ("grams beyond precision", {"kg": "1.0001"}, "industry.weight_precision"),
    ("member of no cooperative", {"target": "outsider"}, "industry.not_member"),
    ("member of another cooperative", {"target": "b1"}, "industry.not_member"),
    ("before the season", {"when": at(19, month=1)}, "industry.outside_season"),
    ("after the season", {"when": at(11, month=3)}, "industry.outside_season"),
    ("no day price", {"when": at(25)}, "industry.no_day_price"),
    ("price below the floor", {"price": D("799")}, "industry.price_below_floor"),
    ("price other than the day's", {"price": D("850")}, "industry.price_not_day_price"),
]


@pytest.mark.parametrize(
    ("case", "change", "code"), BAD_WEIGHINGS, ids=[c[0] for c in BAD_WEIGHINGS]
)
def test_bad_weighings_are_refused_with_a_reason_and_write_nothing(
    chain: Chain, case: str, change: dict[str, Any], code: str
) -> None:
    sign_lu(chain)
    target = getattr(chain, change.pop("target", "lu"))
    kg = change.pop("kg", "1000")
    when = change.pop("when", at(16))

    with pytest.raises(DomainError) as caught:
        weigh(chain, target, kg, when, **change)

    assert _code(caught) == code
    assert caught.value.message_zh
    assert caught.value.message_en
    assert Weighing.objects.count() == 0


def test_a_clerk_cannot_weigh_at_a_point_of_another_cooperative(chain: Chain) -> None:
    with pytest.raises(DomainError) as caught:
        services.weighing_record(
            actor=chain.users["clerk_a"],
            season=chain.season,
            point=chain.point_b1,
            household=chain.b1,
            client_id=uuid.uuid4(),
            weighed_at=at(16),
            gross_kg=D("100"),
        )
    assert _code(caught) == "industry.point_other_coop"
    with pytest.raises(PermissionDenied):
        services.weighing_record(
            actor=chain.users["district"],
            season=chain.season,
            point=chain.point_a1,
            household=chain.lu,
            client_id=uuid.uuid4(),
            weighed_at=at(16),
            gross_kg=D("100"),
        )


def test_one_price_per_cooperative_and_day(chain: Chain) -> None:
    # given 16 Feb is priced at 700 at both points of cooperative A
    assert set(PointDayPrice.objects.filter(cooperative=chain.coop_a, day=date(2021, 2, 16))
               .values_list("price", flat=True)) == {D("700")}  # fmt: skip

    # then another price that day is refused, the same price is accepted again
    with pytest.raises(DomainError) as caught:
        services.day_price_set(
            actor=chain.users["clerk_a"],
            season=chain.season,
            cooperative=chain.coop_a,
            day=date(2021, 2, 16),
            price=D("720"),
        )
    assert _code(caught) == "industry.price_not_uniform"
    services.day_price_set(
        actor=chain.users["clerk_a"],
        season=chain.season,
        cooperative=chain.coop_a,
        day=date(2021, 2, 16),
        price=D("700"),
    )
    with pytest.raises(DomainError) as caught:
        services.day_price_set(
            actor=chain.users["clerk_a"],
            season=chain.season,
            cooperative=chain.coop_a,
            day=date(2021, 4, 1),
            price=D("700"),
        )
    assert _code(caught) == "industry.day_outside_season"


# ---------------------------------------------------------------- settlement


def _lu_season(chain: Chain) -> None:
    """卢家庆: 180 t in 90 loads of 2 t at 1,450 yuan/t (17–20 Feb), deposit paid."""
    agreement = sign_lu(chain)
    services.deposit_pay(actor=chain.users["clerk_a"], agreement=agreement)
    for i in range(90):
        weigh(chain, chain.lu, "2000", at(17 + i % 4, 8 + i // 8, i % 8))


def _busy_season(chain: Chain) -> None:
    """卢家庆's season, plus a floor top-up, a short delivery and a cooperative margin."""
    _lu_season(chain)
    a2 = services.protection_agreement_sign(
        actor=None,
        season=chain.season,
        cooperative=chain.coop_a,
        household=chain.a2,
        signed_on=date(2020, 10, 1),
        tonnes=D("10"),
    )
    services.deposit_pay(actor=None, agreement=a2)
    weigh(chain, chain.a2, "3000", at(16, 10))  # 3 t of 10 contracted, with a floor top-up
    weigh(chain, chain.a3, "1234.5", at(17, 11), deduction="34.5")
    weigh(chain, chain.b1, "800", at(17, 12), point=chain.point_b1)
    order = services.order_agreement_sign(
        actor=None,
        season=chain.season,
        enterprise=chain.enterprise,
        cooperative=chain.coop_a,
        tonnes=D("200"),
        signed_on=date(2020, 9, 15),
    )
    services.deposit_pay(actor=None, agreement=order)
    services.delivery_record(
        actor=chain.users["enterprise"],
        agreement=order,
        client_id=uuid.uuid4(),
        delivered_at=at(21),
        net_kg=D("184000"),
        price=D("1500"),
        costs=D("12000"),
    )


def _settle(chain: Chain, **kw: Any) -> SettlementRun:
    run = services.settlement_submit(actor=chain.users["district"], season=chain.season)
    if run.needs_approval:
        services.settlement_approve(actor=chain.users["district2"], run=run)
    return services.settlement_execute(run.pk, **kw)


def test_the_articles_grower_is_settled_as_the_article_says(chain: Chain) -> None:
    _lu_season(chain)

    run = _settle(chain)

    statement = HouseholdStatement.objects.get(household=chain.lu)
    assert run.status == "settled"
    assert statement.net_g == 180_000_000
    assert statement.weighings == 90
    assert statement.purchases == D("261000.00")
    assert statement.amount_topup == D("0.00")  # 1,450 is above the floor
    assert (statement.deposit_paid, statement.deposit_refund) == (D("5400.00"), D("5400.00"))
    assert statement.payable == D("266400.00")
    income = IncomeLine.objects.get(household=chain.lu, kind="business", year=2021)
    assert (income.amount, income.cost, income.source_ref) == (
        D("261000.00"),
        D("0.00"),
        statement.natural_key,
    )
    assert balance(f"2101.S{chain.season.pk}.C{chain.coop_a.pk}.H{chain.lu.pk}") == D("-266400.00")
    assert ledger_verify().ok


def test_a_busy_season_settles_balanced_with_margin_and_forfeiture(chain: Chain) -> None:
    _busy_season(chain)

    _settle(chain)

    a2 = HouseholdStatement.objects.get(household=chain.a2)
    assert (a2.amount_market, a2.amount_topup) == (D("2100.00"), D("300.00"))
    assert (a2.deposit_refund, a2.deposit_forfeit) == (D("90.00"), D("210.00"))  # 3 of 10 t
    a3 = HouseholdStatement.objects.get(household=chain.a3)
    assert (a3.net_g, a3.purchases, a3.deposit_paid) == (1_200_000, D("1740.00"), D("0.00"))
    coop = CooperativeStatement.objects.get(cooperative=chain.coop_a)
    # revenue 184 t × 1,500 = 276,000; cost 261,000 + 2,400 + 1,740; costs 12,000
    assert coop.revenue == D("276000.00")
    assert coop.margin == D("-1140.00")
    assert coop.margin_state == "below"
    assert coop.guaranteed == D("27600.00")
    assert coop.margin_topup == D("28740.00")
    assert coop.deposit_refund == D("6000.00")  # 184 of 200 t ≥ 80 %
    assert coop.payable == D("276000.00") + D("28740.00") + D("6000.00")
    assert balance("2111.") == -coop.payable
    assert balance("6101.") == D("-210.00")
    check = ledger_verify()
    assert check.ok
    assert check.balance_sum == 0


def test_a_rerun_posts_nothing(chain: Chain) -> None:
    _busy_season(chain)
    run = _settle(chain)
    counts = (Entry.objects.count(), Posting.objects.count(), IncomeLine.objects.count())

    again = services.settlement_execute(run.pk)
    SettlementRun.objects.filter(pk=run.pk).update(status="approved")  # as if never finished
    services.settlement_execute(run.pk)

    assert again.status == "settled"
    assert (Entry.objects.count(), Posting.objects.count(), IncomeLine.objects.count()) == counts


def test_recording_stops_once_the_settlement_is_submitted(chain: Chain) -> None:
    _lu_season(chain)
    services.settlement_submit(actor=chain.users["district"], season=chain.season)

    with pytest.raises(DomainError) as caught:
        weigh(chain, chain.lu, "100", at(19))

    assert _code(caught) == "industry.season_settled"


def test_four_eyes_on_a_settlement_above_the_threshold(chain: Chain) -> None:
    chain.season.approval_threshold = D("100000")
    chain.season.save()
    _lu_season(chain)
    run = services.settlement_submit(actor=chain.users["district"], season=chain.season)

    assert run.needs_approval
    with pytest.raises(DomainError) as caught:
        services.settlement_execute(run.pk)
    assert _code(caught) == "industry.awaiting_approval"
    with pytest.raises(DomainError) as caught:
        services.settlement_approve(actor=chain.users["district"], run=run)
    assert _code(caught) == "industry.self_approval"
    assert AuditEvent.objects.filter(event="approval", outcome="denied").count() == 1
    assert not HouseholdStatement.objects.exists()

    services.settlement_approve(actor=chain.users["district2"], run=run)
    settled = services.settlement_execute(run.pk)

    assert settled.status == "settled"
    assert settled.approved_by_id == chain.users["district2"].pk


def _state() -> dict[str, Any]:
    """Everything a settlement leaves behind, independent of row ids."""
    return {
        "entries": sorted(Entry.objects.values_list("natural_key", "payload_hash", "total")),
        "balances": sorted(Account.objects.exclude(balance=0).values_list("code", "balance")),
        "income": sorted(
            IncomeLine.objects.filter(source_ref__startswith="settle/").values_list(
                "household_id", "kind", "amount", "cost", "source_ref"
            )
        ),
        "statements": sorted(HouseholdStatement.objects.values_list("natural_key", "payable")),
        "coops": sorted(CooperativeStatement.objects.values_list("natural_key", "payable")),
        "run": list(SettlementRun.objects.values_list("status", "step")),
    }


class Killed(Exception):
    pass


CHECKPOINTS = 6  # statements, 2 household batches of 2, cooperatives, income, finish


@pytest.mark.parametrize("kill_at", range(CHECKPOINTS))
def test_a_settlement_killed_at_any_step_and_rerun_equals_one_clean_run(
    chain: Chain, monkeypatch: pytest.MonkeyPatch, kill_at: int
) -> None:
    # given a season, and the state one clean run leaves (then rolled back)
    _busy_season(chain)
    run = services.settlement_submit(actor=chain.users["district"], season=chain.season)
    if run.needs_approval:
        services.settlement_approve(actor=chain.users["district2"], run=run)
    seen: list[str] = []
    with transaction.atomic():
        monkeypatch.setattr(settlement_services, "_checkpoint", lambda r, label: seen.append(label))
        services.settlement_execute(run.pk, batch_size=2)
        clean = _state()
        transaction.set_rollback(True)
    assert len(seen) == CHECKPOINTS, seen

    # when the run is killed at checkpoint `kill_at` (its unit of work rolls back) …
    calls = iter(range(CHECKPOINTS))

    def kill(r: SettlementRun, label: str) -> None:
        if next(calls) == kill_at:
            raise Killed(label)

    monkeypatch.setattr(settlement_services, "_checkpoint", kill)
    with pytest.raises(Killed):
        services.settlement_execute(run.pk, batch_size=2)
    assert ledger_verify().ok  # what was committed before the kill balances

    # … and simply run again
    monkeypatch.setattr(settlement_services, "_checkpoint", lambda r, label: None)
    services.settlement_execute(run.pk, batch_size=2)

    # then the end state is exactly that of one clean run
    assert _state() == clean


def test_the_next_screening_snapshot_sees_the_settled_income(chain: Chain) -> None:
    from django.db import connection

    from zhenxing.screening.engine import snapshot_select

    _lu_season(chain)
    _settle(chain)

    sql, params = snapshot_select(county_code="500102", year=2021, as_of=date(2021, 12, 31))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT income_business, industry_income FROM ({sql}) s WHERE household_id = %s",  # noqa: S608 — wraps the engine's own SQL; values are parameters
            [*params, chain.lu.pk],
        )
        row = cursor.fetchone()

    assert row == (26_100_000, 26_100_000)  # fen


# ---------------------------------------------------------------- deliveries


def test_a_delivery_is_idempotent_and_refuses_bad_input(chain: Chain) -> None:
    order = services.order_agreement_sign(
        actor=None,
        season=chain.season,
        enterprise=chain.enterprise,
        cooperative=chain.coop_a,
        tonnes=D("100"),
        signed_on=date(2020, 9, 15),
    )
    cid = uuid.uuid4()
    kwargs: dict[str, Any] = {
        "agreement": order, "client_id": cid, "delivered_at": at(21), "net_kg": D("5000"),
        "price": D("1500"),
    }  # fmt: skip
    first = services.delivery_record(actor=chain.users["clerk_a"], **kwargs)
    again = services.delivery_record(actor=chain.users["clerk_a"], **kwargs)

    assert again.pk == first.pk
    assert first.amount == D("7500.00")
    changes: list[tuple[dict[str, Any], str]] = [
        ({"net_kg": D("0"), "client_id": uuid.uuid4()}, "industry.weight_not_positive"),
        ({"delivered_at": at(1, month=4), "client_id": uuid.uuid4()}, "industry.outside_season"),
        ({"net_kg": D("6000")}, "industry.delivery_id_reused"),
    ]
    for change, code in changes:
        with pytest.raises(DomainError) as caught:
            services.delivery_record(actor=chain.users["clerk_a"], **(kwargs | change))
        assert _code(caught) == code
    with pytest.raises(NotInScope):
        services.delivery_record(
            actor=chain.users["clerk_b"], **(kwargs | {"client_id": uuid.uuid4()})
        )
    assert Delivery.objects.count() == 1


# ---------------------------------------------------------------- dividends


def _publish_marginal(*households: Any) -> None:
    """A published screening run that classes `households` 临界 (rows made directly)."""
    from zhenxing.screening.models import RuleSet, Run
    from zhenxing.screening.tests.factories import result_row

    rule_set = RuleSet.objects.create(name="t", year=2020, region_code="500102", version=1)
    run = Run.objects.create(
        year=2020, county_code="500102", as_of=date(2020, 12, 31), status="published"
    )
    for h in households:
        result_row(run=run, household=h, rule_set=rule_set, stability="marginal")


def test_dividends_floor_marginal_households_and_sum_exactly(chain: Chain) -> None:
    # given shares: 邓明福 (marginal) 10,000, 卢家庆 90,000, 张秀英 100,000
    _publish_marginal(chain.a2)
    for h, amount in ((chain.a2, "10000"), (chain.lu, "90000"), (chain.a3, "100000")):
        services.shareholding_add(
            actor=None, cooperative=chain.coop_a, household=h, source="fund",
            amount=D(amount), since=date(2020, 1, 1),
        )  # fmt: skip

    # when 2,000.01 yuan is distributed (pro rata the marginal household would get 100)
    distribution = services.dividend_plan(
        actor=chain.users["district"], cooperative=chain.coop_a, year=2020, total=D("2000.01")
    )
    entry = services.dividend_approve(actor=chain.users["district2"], distribution=distribution)

    # then it gets 500 (5 %), the rest split 9:10, parts summing exactly
    lines = {line.household_id: line for line in distribution.lines.all()}
    assert lines[chain.a2.pk].amount == D("500.00")
    assert lines[chain.a2.pk].floored
    assert lines[chain.lu.pk].amount + lines[chain.a3.pk].amount == D("1500.01")
    assert {lines[chain.lu.pk].amount, lines[chain.a3.pk].amount} == {D("710.53"), D("789.48")}
    assert entry.total == D("2000.01")
    property_income = dict(
        IncomeLine.objects.filter(kind="property", year=2020).values_list("household_id", "amount")
    )
    assert property_income[chain.a2.pk] == D("500.00")
    assert sum(property_income.values()) == D("2000.01")
    # approving again posts nothing more
    services.dividend_approve(actor=chain.users["district2"], distribution=distribution)
    assert IncomeLine.objects.filter(kind="property").count() == 3
    assert ledger_verify().ok


def test_dividend_four_eyes_above_the_threshold(chain: Chain) -> None:
    services.shareholding_add(
        actor=None, cooperative=chain.coop_a, household=chain.lu, source="cash",
        amount=D("1000000"), since=date(2020, 1, 1),
    )  # fmt: skip
    distribution = services.dividend_plan(
        actor=chain.users["district"], cooperative=chain.coop_a, year=2020, total=D("400000")
    )

    with pytest.raises(DomainError) as caught:
        services.dividend_approve(actor=chain.users["district"], distribution=distribution)

    assert _code(caught) == "industry.self_approval"
    assert not Entry.objects.filter(kind="dividend").exists()


def test_protection_agreements_are_unique_per_season(chain: Chain) -> None:
    sign_lu(chain)
    with pytest.raises(DomainError) as caught:
        sign_lu(chain)
    assert _code(caught) == "industry.agreement_exists"
    assert ProtectionAgreement.objects.count() == 1
