"""Pure rules: the transition table, the notice period, deadlines, the elimination guard."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from zhenxing.core.roles import Role
from zhenxing.monitoring import domain
from zhenxing.monitoring.domain import (
    BEIJING,
    EliminationFacts,
    IncomeMonth,
    State,
    TransitionRefusal,
)
from zhenxing.monitoring.errors import MonitoringErrorCode

UTC = ZoneInfo("UTC")


def test_the_table_names_real_roles_and_every_state_is_reachable() -> None:
    roles = {r for t in domain.TRANSITIONS for r in t.roles}
    assert roles <= set(Role.values)
    for kind in domain.CaseKind:
        reached = {State.VERIFYING} | {t.to_state for t in domain.TRANSITIONS if t.kind == kind}
        starts = {t.from_state for t in domain.TRANSITIONS if t.kind == kind}
        assert starts <= reached
        assert not (starts & domain.FINAL_STATES)


def test_review_steps_need_four_eyes() -> None:
    for t in domain.TRANSITIONS:
        if t.action in (domain.Action.TOWN_REVIEW, domain.Action.COUNTY_APPROVE):
            assert t.four_eyes


@pytest.mark.parametrize(
    ("role", "actor", "submitter", "expected"),
    [
        ("town_staff", 1, 2, "ok"),
        ("town_staff", 1, 1, TransitionRefusal.SAME_PERSON),
        ("village_officer", 1, 2, TransitionRefusal.ROLE),
        ("district_staff", 3, None, "ok"),
    ],
)
def test_check_transition(role: str, actor: int, submitter: int | None, expected: object) -> None:
    result = domain.check_transition(
        kind="identification", action="town_review", from_state="noticed", role=role,
        actor_id=actor, submitter_id=submitter,
    )  # fmt: skip
    if expected == "ok":
        assert isinstance(result, domain.Transition)
    else:
        assert result == expected


def test_no_step_out_of_order() -> None:
    result = domain.check_transition(
        kind="identification", action="include", from_state="verifying",
        role="district_staff", actor_id=1, submitter_id=2,
    )  # fmt: skip
    assert result == TransitionRefusal.NO_SUCH_STEP


@pytest.mark.parametrize(
    ("published", "earliest"),
    [
        (datetime(2025, 3, 3, 10, 0, tzinfo=BEIJING), date(2025, 3, 8)),
        (datetime(2025, 3, 3, 0, 0, tzinfo=BEIJING), date(2025, 3, 7)),
        (datetime(2025, 3, 3, 23, 59, tzinfo=BEIJING), date(2025, 3, 8)),
        # 16:30 UTC on 2 March is 00:30 on 3 March in Beijing
        (datetime(2025, 3, 2, 16, 30, tzinfo=UTC), date(2025, 3, 8)),
    ],
)
def test_a_notice_runs_five_full_days(published: datetime, earliest: date) -> None:
    assert domain.notice_earliest_end(published, 5) == earliest
    assert domain.notice_period_ok(published, earliest, 5)
    assert not domain.notice_period_ok(published, date.fromordinal(earliest.toordinal() - 1), 5)


def test_notice_is_over_only_after_its_last_day() -> None:
    end = date(2025, 3, 8)
    assert not domain.notice_over(end, datetime(2025, 3, 8, 23, 59, tzinfo=BEIJING))
    assert domain.notice_over(end, datetime(2025, 3, 9, 0, 0, tzinfo=BEIJING))


def test_deadlines() -> None:
    assert domain.due_date(date(2025, 3, 1), 15) == date(2025, 3, 16)
    assert not domain.is_overdue(date(2025, 3, 16), date(2025, 3, 16))
    assert domain.is_overdue(date(2025, 3, 16), date(2025, 3, 17))


def test_escalation_goes_one_level_up() -> None:
    assert domain.escalated_level(domain.Level.VILLAGE) == domain.Level.TOWN
    assert domain.escalated_level(domain.Level.TOWN) == domain.Level.COUNTY
    assert domain.state_level("identification", "verifying") == domain.Level.VILLAGE
    assert domain.state_level("identification", "noticed") == domain.Level.TOWN


def test_elimination_rate_is_by_persons() -> None:
    assert domain.elimination_rate(27_256, 54_851) == Decimal("49.69")
    assert domain.elimination_rate(0, 0) is None


AS_OF = date(2025, 7, 15)
THRESHOLD = 800_000


def _facts(**changes: object) -> EliminationFacts:
    income = tuple(
        IncomeMonth(month=m, per_capita_fen=900_000, threshold_fen=THRESHOLD)
        for m in domain.income_window(AS_OF, 6)
    )
    base = EliminationFacts(
        as_of=AS_OF, monitored=True, has_labour=True, income=income, months_required=6,
        food_clothing_secure=True, education_secure=True, medical_secure=True, house_grade="A",
        water_secure=True, open_risks=0, measures_done=1,
    )  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


def _codes(facts: EliminationFacts) -> list[MonitoringErrorCode]:
    return [r.code for r in domain.elimination_refusals(facts)]


def test_the_window_is_the_six_full_months_before() -> None:
    assert domain.income_window(AS_OF, 6)[0] == date(2025, 1, 1)
    assert domain.income_window(AS_OF, 6)[-1] == date(2025, 6, 1)
    assert domain.income_window(date(2025, 2, 1), 3) == [
        date(2024, 11, 1), date(2024, 12, 1), date(2025, 1, 1),
    ]  # fmt: skip


E = MonitoringErrorCode


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"monitored": False}, [E.ELIMINATION_NOT_MONITORED]),
        ({"has_labour": False}, [E.ELIMINATION_NO_LABOUR]),
        ({"food_clothing_secure": False}, [E.ELIMINATION_FOOD_CLOTHING]),
        ({"education_secure": False}, [E.ELIMINATION_EDUCATION]),
        ({"medical_secure": False}, [E.ELIMINATION_MEDICAL]),
        ({"house_grade": "C"}, [E.ELIMINATION_HOUSING]),
        ({"house_grade": "D"}, [E.ELIMINATION_HOUSING]),
        ({"water_secure": False}, [E.ELIMINATION_WATER]),
        ({"open_risks": 2}, [E.ELIMINATION_OPEN_RISK]),
        ({"measures_done": 0}, [E.ELIMINATION_NO_MEASURE]),
        ({"income": ()}, [E.ELIMINATION_INCOME_MISSING] * 6),
        ({"months_required": 7}, [E.ELIMINATION_INCOME_MISSING]),
    ],
)
def test_every_refusal_reason(changes: dict[str, object], expected: list[object]) -> None:
    assert _codes(_facts(**changes)) == expected


def test_income_at_or_below_the_threshold_is_refused_with_the_month() -> None:
    facts = _facts()
    low = tuple(
        replace(m, per_capita_fen=THRESHOLD) if m.month == date(2025, 3, 1) else m
        for m in facts.income
    )
    refusals = domain.elimination_refusals(replace(facts, income=low))
    assert [r.code for r in refusals] == [E.ELIMINATION_INCOME_BELOW]
    assert "2025-03" in refusals[0].message_zh
    assert "8000.00" in refusals[0].message_en


def test_no_labour_is_refused_even_when_everything_else_holds_and_reasons_accumulate() -> None:
    assert _codes(_facts(has_labour=False)) == [E.ELIMINATION_NO_LABOUR]
    many = _codes(_facts(has_labour=False, water_secure=False, measures_done=0))
    assert many == [E.ELIMINATION_NO_LABOUR, E.ELIMINATION_WATER, E.ELIMINATION_NO_MEASURE]


@pytest.mark.parametrize(
    ("changes", "secure"),
    [
        ({}, True),
        ({"litres": 30}, False),
        ({"litres": 30, "scarce_area": True}, True),
        ({"quality": "failed"}, False),
        ({"quality": "unassessed"}, False),
        ({"piped": False, "trip_minutes": 30, "horizontal_m": 900, "vertical_m": 90}, False),
        ({"piped": False, "trip_minutes": 30, "horizontal_m": 500, "vertical_m": 90}, True),
        ({"outage_days": 37}, False),
    ],
)
def test_water(changes: dict[str, object], secure: bool) -> None:
    water = domain.WaterFacts(
        litres=50, scarce_area=False, quality="on_site", piped=True, trip_minutes=0,
        horizontal_m=0, vertical_m=0, outage_days=0,
    )  # fmt: skip
    assert domain.water_secure(replace(water, **changes), domain.WaterLimits()) is secure  # type: ignore[arg-type]
