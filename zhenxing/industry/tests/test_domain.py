"""Pure rules of the benefit chain: tables of cases, the article's figures, Hypothesis."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhenxing.core.errors import DomainError
from zhenxing.core.timeutil import BEIJING
from zhenxing.industry import domain
from zhenxing.industry.domain import (
    CooperativeFacts,
    HouseholdFacts,
    SeasonTerms,
    before_yushui,
    check_offered_price,
    contracted_grams,
    deposit_for,
    deposit_release,
    dividend_allocation,
    floor_applies,
    line_amount,
    settle_cooperative,
    settle_household,
    weighing_amounts,
    yushui_instant,
)

TERMS = SeasonTerms(
    margin_min=D("150"),
    margin_max=D("200"),
    forfeit_threshold=D("0.8"),
    forfeit_mode="proportional",
)


def bj(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING)


# domain.md §6, lunar_python column
YUSHUI = [
    (2019, "2019-02-19 07:03:58"),
    (2020, "2020-02-19 12:57:00"),
    (2021, "2021-02-18 18:43:58"),
    (2022, "2022-02-19 00:43:01"),
    (2023, "2023-02-19 06:34:17"),
    (2024, "2024-02-19 12:13:12"),
    (2025, "2025-02-18 18:06:34"),
    (2026, "2026-02-18 23:51:56"),
    (2027, "2027-02-19 05:33:29"),
    (2028, "2028-02-19 11:26:02"),
    (2029, "2029-02-18 17:07:56"),
    (2030, "2030-02-18 22:59:57"),
]


@pytest.mark.parametrize(("year", "expected"), YUSHUI)
def test_yushui_instant_matches_the_table_within_a_minute(year: int, expected: str) -> None:
    instant = yushui_instant(year)

    assert instant.tzinfo is not None
    assert abs(instant - bj(expected)) < timedelta(minutes=1)
    assert instant.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(
    ("when", "rule", "before"),
    [
        ("2021-02-18 18:43:57", "instant", True),
        ("2021-02-18 18:43:58", "instant", False),
        ("2021-02-18 10:00:00", "instant", True),
        ("2021-02-18 20:00:00", "day_before", True),
        ("2021-02-18 10:00:00", "day_after", False),
        ("2021-02-17 23:59:59", "day_after", True),
        ("2021-02-19 00:00:00", "day_before", False),
    ],
)
def test_before_yushui_rules(when: str, rule: str, before: bool) -> None:
    assert before_yushui(bj(when), yushui_instant(2021), rule) is before


def test_a_purchase_at_23_55_on_18_february_2026_is_after_yushui() -> None:
    assert before_yushui(bj("2026-02-18 23:51:00"), yushui_instant(2026))
    assert not before_yushui(bj("2026-02-18 23:55:00"), yushui_instant(2026))


def test_before_yushui_compares_instants_not_wall_clocks() -> None:
    utc_just_before = datetime(2021, 2, 18, 10, 43, 57, tzinfo=BEIJING).astimezone(
        tz=None
    )  # any zone: the same instant
    assert before_yushui(utc_just_before, yushui_instant(2021))
    with pytest.raises(ValueError, match="aware"):
        before_yushui(datetime(2021, 2, 18, 10), yushui_instant(2021))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("agreement", "when", "after_too", "applies"),
    [
        (True, "2021-02-16 09:00:00", False, True),
        (True, "2021-02-19 09:00:00", False, False),
        (True, "2021-02-19 09:00:00", True, True),
        (False, "2021-02-16 09:00:00", False, False),
    ],
)
def test_floor_applies_only_before_yushui_to_members_under_agreement(
    agreement: bool, when: str, after_too: bool, applies: bool
) -> None:
    assert (
        floor_applies(
            at=bj(when),
            yushui_at=yushui_instant(2021),
            rule="instant",
            under_agreement=agreement,
            floor_after_yushui=after_too,
        )
        is applies
    )


@pytest.mark.parametrize(
    ("net_g", "day", "applies", "paid", "market", "topup"),
    [
        (2_000_000, "1450", True, "1450", "2900.00", "0.00"),  # above the floor: not binding
        (2_000_000, "700", True, "800", "1400.00", "200.00"),  # (800 − 700) × 2 t
        (2_000_000, "700", False, "700", "1400.00", "0.00"),  # after 雨水: market price
        (1_005, "1", True, "800", "0.00", "0.80"),  # 0.001005 → 0.00; 0.802995 → 0.80
        (5_000, "1", False, "1", "0.01", "0.00"),  # 0.005 rounds half up to 0.01
        (15_000, "0.5", False, "0.5", "0.01", "0.00"),  # 0.0075 → 0.01
        (25_000, "0.5", False, "0.5", "0.01", "0.00"),  # 0.0125 → 0.01 (not 0.02)
        (35_000, "0.5", False, "0.5", "0.02", "0.00"),  # 0.0175 → 0.02
    ],
)
def test_weighing_amounts_table(
    net_g: int, day: str, applies: bool, paid: str, market: str, topup: str
) -> None:
    amounts = weighing_amounts(net_g=net_g, day_price=D(day), floor=D("800"), applies=applies)

    assert (amounts.price_paid, amounts.market, amounts.topup) == (D(paid), D(market), D(topup))
    assert amounts.floor_applied is (D(topup) > 0 or (applies and D(day) < 800))


@given(
    st.integers(min_value=1, max_value=50_000_000),
    st.integers(min_value=1, max_value=300_000).map(lambda f: D(f) / 100),
    st.booleans(),
)
def test_price_paid_is_never_below_the_floor_when_it_applies(
    net_g: int, day: D, applies: bool
) -> None:
    amounts = weighing_amounts(net_g=net_g, day_price=day, floor=D("800"), applies=applies)

    assert amounts.price_paid == (max(day, D("800")) if applies else day)
    assert amounts.topup >= 0
    # the two lines are each rounded once, so together within a fen of price paid × weight
    exact = amounts.price_paid * net_g / 1_000_000
    assert abs(amounts.total - exact) <= D("0.01")


def test_the_articles_grower() -> None:
    # 卢家庆: 60 mu × 3 t/mu = 180 t; 180 t × 1,450 = 261,000 yuan; deposit 180 t × 30 = 5,400
    contracted = contracted_grams(area_mu=D("60"), yield_kg_per_mu=3000)

    assert contracted == 180_000_000
    assert line_amount(D("1450"), contracted) == D("261000.00")
    assert deposit_for(contracted, D("30")) == D("5400.00")
    assert line_amount(D("800"), contracted) == D("144000.00")  # floor revenue, not binding


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({}, "industry.tonnage_required"),
        ({"tonnes_": D("0")}, "industry.tonnage_invalid"),
        ({"tonnes_": D("0.0000001")}, "industry.tonnage_invalid"),
        ({"area_mu": D("-1"), "yield_kg_per_mu": 3000}, "industry.tonnage_invalid"),
    ],
)
def test_contracted_tonnage_refusals(kwargs: dict[str, object], code: str) -> None:
    with pytest.raises(DomainError) as caught:
        contracted_grams(**kwargs)  # type: ignore[arg-type]
    assert caught.value.code.code == code


@pytest.mark.parametrize(
    ("offered", "applies", "code"),
    [
        (None, True, None),
        ("800", True, None),
        ("799.99", True, "industry.price_below_floor"),
        ("900", True, "industry.price_not_day_price"),
        ("700", False, "industry.price_not_day_price"),
    ],
)
def test_offered_price_checks(offered: str | None, applies: bool, code: str | None) -> None:
    expected = D("800") if applies else D("750")
    if code is None:
        check_offered_price(
            D(offered) if offered else None, expected=expected, floor=D("800"), applies=applies
        )
        return
    with pytest.raises(DomainError) as caught:
        check_offered_price(
            D(offered) if offered else None, expected=expected, floor=D("800"), applies=applies
        )
    assert caught.value.code.code == code


@pytest.mark.parametrize(
    ("delivered_t", "mode", "refund", "forfeit"),
    [
        (180, "proportional", "5400.00", "0.00"),  # performed
        (144, "proportional", "5400.00", "0.00"),  # exactly 80 %
        (143, "proportional", "4290.00", "1110.00"),  # 37/180 of 5,400 forfeited
        (0, "proportional", "0.00", "5400.00"),
        (100, "full", "0.00", "5400.00"),
        (100, "none", "5400.00", "0.00"),
    ],
)
def test_forfeiture_rule(delivered_t: int, mode: str, refund: str, forfeit: str) -> None:
    got = deposit_release(
        held=D("5400.00"),
        contracted_g=180_000_000,
        delivered_g=delivered_t * 1_000_000,
        threshold=D("0.8"),
        mode=mode,
    )

    assert got == (D(refund), D(forfeit))


def test_household_statement_of_the_article() -> None:
    facts = HouseholdFacts(
        cooperative_id=1,
        household_id=2,
        weighings=90,
        net_g=180_000_000,
        amount_market=D("261000.00"),
        amount_topup=D("0.00"),
        contracted_g=180_000_000,
        deposit_paid=D("5400.00"),
    )

    result = settle_household(facts, TERMS)

    assert result.purchases == D("261000.00")
    assert (result.deposit_refund, result.deposit_forfeit) == (D("5400.00"), D("0.00"))
    assert result.payable == D("266400.00")


@pytest.mark.parametrize(
    ("revenue", "cost", "costs", "state", "topup", "per_t"),
    [
        # 100 t delivered; guaranteed 150 × 100 = 15,000
        ("120000", "100000", "8000", "below", "3000.00", "120.00"),
        ("120000", "100000", "5000", "within", "0.00", "150.00"),
        ("125000", "100000", "5000", "within", "0.00", "200.00"),
        ("125000.01", "100000", "5000", "above", "0.00", "200.00"),
        ("100000", "110000", "0", "below", "25000.00", "-100.00"),
    ],
)
def test_margin_guarantee(
    revenue: str, cost: str, costs: str, state: str, topup: str, per_t: str
) -> None:
    facts = CooperativeFacts(
        cooperative_id=1,
        purchased_g=100_000_000,
        purchase_cost=D(cost),
        topup_total=D("0"),
        delivered_g=100_000_000,
        revenue=D(revenue),
        costs=D(costs),
    )

    result = settle_cooperative(facts, TERMS)

    assert (result.margin_state, result.margin_topup, result.margin_per_t) == (
        state,
        D(topup),
        D(per_t),
    )
    assert result.payable == D(revenue) + D(topup)


def test_no_deliveries_means_no_margin_check() -> None:
    facts = CooperativeFacts(1, 5_000_000, D("5000"), D("0"))
    assert settle_cooperative(facts, TERMS).margin_state == "none"


def test_dividend_floor_for_a_marginal_household() -> None:
    # 10,000 yuan of shares → at least 500 yuan a year (domain.md §1.3)
    allocation = dividend_allocation(
        D("2000.00"), [(D("10000"), True), (D("190000"), False)], D("0.05")
    )

    assert allocation.parts == [D("500.00"), D("1500.00")]
    with pytest.raises(DomainError) as caught:
        dividend_allocation(D("499.99"), [(D("10000"), True)], D("0.05"))
    assert caught.value.code.code == "industry.dividend_below_floors"


def test_receipt_code_depends_on_every_field_and_the_key() -> None:
    fields = ["id", "1", "2", "2021-02-16T09:00:00+08:00", "2000000", "290000"]
    code = domain.receipt_code(b"k", fields)

    assert len(code) == 11
    assert code[5] == "-"
    assert domain.receipt_code(b"k", fields) == code
    assert domain.receipt_code(b"other", fields) != code
    for i in range(len(fields)):
        changed = [*fields[:i], fields[i] + "0", *fields[i + 1 :]]
        assert domain.receipt_code(b"k", changed) != code


def test_names_are_masked_on_the_public_check() -> None:
    assert domain.mask_name("卢家庆") == "卢**"
    assert domain.mask_name("王") == "王*"


def test_season_bounds_cover_whole_beijing_days() -> None:
    assert domain.in_season(bj("2021-01-20 00:00:00"), date(2021, 1, 20), date(2021, 3, 10))
    assert domain.in_season(bj("2021-03-10 23:59:59"), date(2021, 1, 20), date(2021, 3, 10))
    assert not domain.in_season(bj("2021-03-11 00:00:00"), date(2021, 1, 20), date(2021, 3, 10))
    assert not domain.in_season(bj("2021-01-19 23:59:59"), date(2021, 1, 20), date(2021, 3, 10))
