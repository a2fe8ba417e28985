"""The rules of the monitoring procedure, pure: no ORM, no settings (domain.md §3.5, §3.8).

Holds:
- `CaseKind`, `State`, `Action`, `Level`: the vocabulary of a case.
- `Transition`, `TRANSITIONS`: THE table of allowed transitions (kind, action, from-state,
  to-state, roles allowed, whether a different person than the step's submitter must act, and
  which level is responsible). Services and the table test both read it; nothing else decides.
- `transition_for`, `TransitionRefusal`, `check_transition`: look a move up and judge it.
- `state_level`, `forward_actions`, `escalated_level`: whose task a case is, and escalation.
- `notice_first_day`, `notice_earliest_end`, `notice_period_ok`, `notice_over`: the notice
  period of at least `notice_min_days` full days in Beijing time.
- `due_date`, `is_overdue`: deadlines counted in calendar days.
- `IncomeMonth`, `EliminationFacts`, `elimination_refusals`: the risk
  elimination guard; every refusal reason it finds, never just the first.
- `water_secure`, `WaterFacts`, `WaterLimits`: the four drinking-water indicators (domain.md §4).
- `elimination_rate`: eliminated persons / persons ever identified (domain.md §3.9).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from zhenxing.monitoring.errors import MonitoringErrorCode

BEIJING = ZoneInfo("Asia/Shanghai")

# Role codes as stored on accounts (zhenxing.core.roles.Role values); a test checks them.
VILLAGE_OFFICER = "village_officer"
CADRE = "cadre"
TOWN_STAFF = "town_staff"
DISTRICT_STAFF = "district_staff"


class CaseKind(enum.StrEnum):
    IDENTIFICATION = "identification"
    ELIMINATION = "elimination"


class State(enum.StrEnum):
    VERIFYING = "verifying"  # 待入户核实
    VERIFIED = "verified"  # 已入户核实
    AUTHORISED = "authorised"  # 已承诺授权
    COMPARED = "compared"  # 已信息比对
    EVALUATED = "evaluated"  # 已民主评议
    IN_NOTICE = "in_notice"  # 公示中
    NOTICED = "noticed"  # 公示期满
    TOWN_REVIEWED = "town_reviewed"  # 乡镇已审核
    COUNTY_APPROVED = "county_approved"  # 县级已审定
    INCLUDED = "included"  # 已纳入监测 (final)
    REJECTED = "rejected"  # 不予纳入 (final)
    ELIMINATED = "eliminated"  # 风险已消除 (final)
    NOT_ELIMINATED = "not_eliminated"  # 风险未消除，继续监测 (final)


FINAL_STATES = frozenset({State.INCLUDED, State.REJECTED, State.ELIMINATED, State.NOT_ELIMINATED})


class Action(enum.StrEnum):
    VERIFY = "verify"
    AUTHORISE = "authorise"
    COMPARE = "compare"
    EVALUATE = "evaluate"
    PUBLISH_NOTICE = "publish_notice"
    CLOSE_NOTICE = "close_notice"
    TOWN_REVIEW = "town_review"
    COUNTY_APPROVE = "county_approve"
    INCLUDE = "include"
    REJECT = "reject"


class Level(enum.IntEnum):
    VILLAGE = 1
    TOWN = 2
    COUNTY = 3


@dataclass(frozen=True)
class Transition:
    kind: CaseKind
    action: Action
    from_state: State
    to_state: State
    roles: frozenset[str]
    four_eyes: bool  # the actor must not be whoever submitted the step under review
    level: Level  # who is responsible for taking this step


_V = frozenset({VILLAGE_OFFICER, CADRE, TOWN_STAFF})  # in the household: officer, cadre, town
_VO = frozenset({VILLAGE_OFFICER, TOWN_STAFF})  # the village's own records
_T = frozenset({TOWN_STAFF, DISTRICT_STAFF})  # a town's review; the county steps in when late
_C = frozenset({DISTRICT_STAFF})

_I, _E = CaseKind.IDENTIFICATION, CaseKind.ELIMINATION
S, A, L = State, Action, Level

TRANSITIONS: tuple[Transition, ...] = (
    # identification (识别): 入户核实 → 承诺授权 → 信息比对 → 民主评议 → 公示
    # → 乡镇审核 → 县级审定 → 纳入监测
    Transition(_I, A.VERIFY, S.VERIFYING, S.VERIFIED, _V, False, L.VILLAGE),
    Transition(_I, A.AUTHORISE, S.VERIFIED, S.AUTHORISED, _V, False, L.VILLAGE),
    Transition(_I, A.COMPARE, S.AUTHORISED, S.COMPARED, _T, False, L.TOWN),
    Transition(_I, A.EVALUATE, S.COMPARED, S.EVALUATED, _VO, False, L.VILLAGE),
    Transition(_I, A.PUBLISH_NOTICE, S.EVALUATED, S.IN_NOTICE, _VO, False, L.VILLAGE),
    Transition(_I, A.CLOSE_NOTICE, S.IN_NOTICE, S.NOTICED, _VO, False, L.VILLAGE),
    Transition(_I, A.TOWN_REVIEW, S.NOTICED, S.TOWN_REVIEWED, _T, True, L.TOWN),
    Transition(_I, A.COUNTY_APPROVE, S.TOWN_REVIEWED, S.COUNTY_APPROVED, _C, True, L.COUNTY),
    Transition(_I, A.INCLUDE, S.COUNTY_APPROVED, S.INCLUDED, _C, False, L.COUNTY),
    # 不予纳入 at each review: village evaluation, town review, county approval
    Transition(_I, A.REJECT, S.COMPARED, S.REJECTED, _VO, False, L.VILLAGE),
    Transition(_I, A.REJECT, S.NOTICED, S.REJECTED, _T, True, L.TOWN),
    Transition(_I, A.REJECT, S.TOWN_REVIEWED, S.REJECTED, _C, True, L.COUNTY),
    # risk elimination (风险消除) mirrors it: 入户核实 → 民主评议 → 公示 → 乡镇审核 → 县级审定
    Transition(_E, A.VERIFY, S.VERIFYING, S.VERIFIED, _V, False, L.VILLAGE),
    Transition(_E, A.EVALUATE, S.VERIFIED, S.EVALUATED, _VO, False, L.VILLAGE),
    Transition(_E, A.PUBLISH_NOTICE, S.EVALUATED, S.IN_NOTICE, _VO, False, L.VILLAGE),
    Transition(_E, A.CLOSE_NOTICE, S.IN_NOTICE, S.NOTICED, _VO, False, L.VILLAGE),
    Transition(_E, A.TOWN_REVIEW, S.NOTICED, S.TOWN_REVIEWED, _T, True, L.TOWN),
    Transition(_E, A.COUNTY_APPROVE, S.TOWN_REVIEWED, S.ELIMINATED, _C, True, L.COUNTY),
    Transition(_E, A.REJECT, S.VERIFIED, S.NOT_ELIMINATED, _VO, False, L.VILLAGE),
    Transition(_E, A.REJECT, S.NOTICED, S.NOT_ELIMINATED, _T, True, L.TOWN),
    Transition(_E, A.REJECT, S.TOWN_REVIEWED, S.NOT_ELIMINATED, _C, True, L.COUNTY),
)

_BY_KEY = {(t.kind, t.action, t.from_state): t for t in TRANSITIONS}


class TransitionRefusal(enum.StrEnum):
    NO_SUCH_STEP = "no_such_step"  # not allowed from this state (or at all for this kind)
    ROLE = "role"  # the role may not take this step
    SAME_PERSON = "same_person"  # four eyes: the submitter may not approve


def transition_for(kind: str, action: str, from_state: str) -> Transition | None:
    try:
        key = (CaseKind(kind), Action(action), State(from_state))
    except ValueError:
        return None
    return _BY_KEY.get(key)


def check_transition(
    *,
    kind: str,
    action: str,
    from_state: str,
    role: str,
    actor_id: int | None,
    submitter_id: int | None,
) -> Transition | TransitionRefusal:
    """The transition if `role` (person `actor_id`) may take it now, else why not."""
    transition = transition_for(kind, action, from_state)
    if transition is None:
        return TransitionRefusal.NO_SUCH_STEP
    if role not in transition.roles:
        return TransitionRefusal.ROLE
    if transition.four_eyes and actor_id is not None and actor_id == submitter_id:
        return TransitionRefusal.SAME_PERSON
    return transition


def forward_actions(kind: str, state: str) -> list[Transition]:
    """Every step that can be taken from `state` (the forward one first, then rejections)."""
    found = [t for t in TRANSITIONS if t.kind == kind and t.from_state == state]
    return sorted(found, key=lambda t: t.action == Action.REJECT)


def state_level(kind: str, state: str) -> Level | None:
    """The level responsible for a case in `state`: that of its forward (non-reject) step."""
    for t in forward_actions(kind, state):
        if t.action != Action.REJECT:
            return t.level
    return None


def escalated_level(level: Level) -> Level:
    """An overdue case also appears on the next level's task list (village → town → county)."""
    return Level(min(level + 1, Level.COUNTY))


def level_of_role(role: str) -> Level | None:
    return {
        VILLAGE_OFFICER: Level.VILLAGE,
        CADRE: Level.VILLAGE,
        TOWN_STAFF: Level.TOWN,
        DISTRICT_STAFF: Level.COUNTY,
    }.get(role)


# ---------------------------------------------------------------- public notice period


def beijing_date(instant: datetime) -> date:
    if instant.tzinfo is None:
        raise ValueError("an aware datetime is required")
    return instant.astimezone(BEIJING).date()


def notice_first_day(published_at: datetime) -> date:
    """The first full day of a notice: the publication day itself only when it was published
    at midnight (Beijing), else the next day. A notice posted at 10:00 does not count its
    first morning as a day."""
    local = published_at.astimezone(BEIJING)
    first = local.date()
    if local.time() != datetime.min.time():
        first += timedelta(days=1)
    return first


def notice_earliest_end(published_at: datetime, min_days: int) -> date:
    """The earliest allowed last day (inclusive) of a notice of `min_days` full days."""
    return notice_first_day(published_at) + timedelta(days=min_days - 1)


def notice_period_ok(published_at: datetime, end_date: date, min_days: int) -> bool:
    return end_date >= notice_earliest_end(published_at, min_days)


def notice_over(end_date: date, now: datetime) -> bool:
    """True once the last day of the notice has fully passed in Beijing."""
    return beijing_date(now) > end_date


def notice_running(end_date: date, published_at: datetime, now: datetime) -> bool:
    return published_at <= now and not notice_over(end_date, now)


# ---------------------------------------------------------------- deadlines


def due_date(start: date, days: int) -> date:
    return start + timedelta(days=days)


def is_overdue(due_on: date | None, today: date) -> bool:
    return due_on is not None and today > due_on


# ---------------------------------------------------------------- drinking water


@dataclass(frozen=True)
class WaterFacts:
    litres: int
    scarce_area: bool
    quality: str  # lab_test | on_site | unassessed | failed
    piped: bool
    trip_minutes: int
    horizontal_m: int
    vertical_m: int
    outage_days: int


@dataclass(frozen=True)
class WaterLimits:
    litres_normal: int = 35
    litres_scarce: int = 20
    trip_minutes_max: int = 20
    horizontal_max: int = 800
    vertical_max: int = 80
    outage_days_max: int = 36


def water_secure(water: WaterFacts, limits: WaterLimits) -> bool:
    """All four indicators pass: quantity, quality, convenience (any one way), guarantee."""
    enough = water.litres >= (limits.litres_scarce if water.scarce_area else limits.litres_normal)
    quality = water.quality in ("lab_test", "on_site")
    convenient = (
        water.piped
        or water.trip_minutes <= limits.trip_minutes_max
        or water.horizontal_m <= limits.horizontal_max
        or water.vertical_m <= limits.vertical_max
    )
    return enough and quality and convenient and water.outage_days <= limits.outage_days_max


# ---------------------------------------------------------------- risk elimination guard


@dataclass(frozen=True)
class IncomeMonth:
    month: date  # the first day of the month observed
    per_capita_fen: int  # annualised per-capita net income (trailing 12 months), fen
    threshold_fen: int  # the monitoring threshold of the month's year, fen


@dataclass(frozen=True)
class Refusal:
    code: MonitoringErrorCode
    params: dict[str, str | int]

    @property
    def message_zh(self) -> str:
        return self.code.zh.format(**self.params)

    @property
    def message_en(self) -> str:
        return self.code.en.format(**self.params)

    @property
    def message(self) -> str:
        return f"{self.message_zh} / {self.message_en}"


@dataclass(frozen=True)
class EliminationFacts:
    as_of: date
    monitored: bool
    has_labour: bool
    income: tuple[IncomeMonth, ...]
    months_required: int
    food_clothing_secure: bool
    education_secure: bool
    medical_secure: bool
    house_grade: str
    water_secure: bool
    open_risks: int
    measures_done: int


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + (month.month - 1) + n
    return date(index // 12, index % 12 + 1, 1)


def income_window(as_of: date, months: int) -> list[date]:
    """The `months` full calendar months before the month of `as_of`, oldest first."""
    current = first_of_month(as_of)
    return [add_months(current, -i) for i in range(months, 0, -1)]


def _yuan(fen: int) -> str:
    return str((Decimal(fen) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def elimination_refusals(facts: EliminationFacts) -> list[Refusal]:
    """Every reason the household's risk may not be marked eliminated; empty = allowed."""
    if not facts.monitored:
        return [Refusal(MonitoringErrorCode.ELIMINATION_NOT_MONITORED, {})]
    reasons: list[Refusal] = []
    if not facts.has_labour:
        reasons.append(Refusal(MonitoringErrorCode.ELIMINATION_NO_LABOUR, {}))
    observed = {first_of_month(m.month): m for m in facts.income}
    for month in income_window(facts.as_of, facts.months_required):
        label = f"{month:%Y-%m}"
        seen = observed.get(month)
        if seen is None:
            reasons.append(
                Refusal(
                    MonitoringErrorCode.ELIMINATION_INCOME_MISSING,
                    {"month": label, "months": facts.months_required},
                )
            )
        elif seen.per_capita_fen <= seen.threshold_fen:
            reasons.append(
                Refusal(
                    MonitoringErrorCode.ELIMINATION_INCOME_BELOW,
                    {
                        "month": label,
                        "amount": _yuan(seen.per_capita_fen),
                        "threshold": _yuan(seen.threshold_fen),
                    },
                )
            )
    if not facts.food_clothing_secure:
        reasons.append(Refusal(MonitoringErrorCode.ELIMINATION_FOOD_CLOTHING, {}))
    if not facts.education_secure:
        reasons.append(Refusal(MonitoringErrorCode.ELIMINATION_EDUCATION, {}))
    if not facts.medical_secure:
        reasons.append(Refusal(MonitoringErrorCode.ELIMINATION_MEDICAL, {}))
    if facts.house_grade not in ("A", "B"):
        reasons.append(
            Refusal(MonitoringErrorCode.ELIMINATION_HOUSING, {"grade": facts.house_grade or "?"})
        )
    if not facts.water_secure:
        reasons.append(Refusal(MonitoringErrorCode.ELIMINATION_WATER, {}))
    if facts.open_risks:
        reasons.append(
            Refusal(MonitoringErrorCode.ELIMINATION_OPEN_RISK, {"count": facts.open_risks})
        )
    if facts.measures_done < 1:
        reasons.append(Refusal(MonitoringErrorCode.ELIMINATION_NO_MEASURE, {}))
    return reasons


# ---------------------------------------------------------------- indicators


def elimination_rate(eliminated_persons: int, identified_persons: int) -> Decimal | None:
    """Percent, two decimals half up: persons whose risk was eliminated / persons ever
    identified as monitored (domain.md §3.9: 27,256 / 54,851 = 49.69 %)."""
    if identified_persons <= 0:
        return None
    rate = Decimal(eliminated_persons * 100) / Decimal(identified_persons)
    return rate.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
