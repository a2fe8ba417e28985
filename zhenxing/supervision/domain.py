"""Pure supervision rules: period overlap, overdue, progress against a target, response-time
statistics of warnings, and the share of households a secretary has visited.

Holds `periods_overlap`, `is_overdue`, `progress_percent`, `over_target`, `WarningRow`,
`StageStats`, `AreaResponse`, `response_by_area`, `slowest_open`, `coverage_share`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

STAGES = ("verify", "identify", "measure")


def periods_overlap(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    """Two closed periods (None = open-ended) share at least one day."""
    return (b_end is None or a_start <= b_end) and (a_end is None or b_start <= a_end)


def is_overdue(deadline: date, *, closed: bool, today: date) -> bool:
    return not closed and deadline < today


def progress_percent(value: Decimal, target: Decimal) -> Decimal:
    """Percent of the target reached, one decimal, ROUND_HALF_UP; a zero target counts 0."""
    if target <= 0:
        return Decimal("0.0")
    return (value * 100 / target).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def over_target(value: Decimal, target: Decimal) -> bool:
    return target > 0 and value > target


@dataclass(frozen=True)
class WarningRow:
    """One warning (a monitoring lead) and the dates it was answered, None while pending."""

    lead_id: int
    town_code: str
    village_code: str
    channel: str
    found_on: date
    verified_on: date | None
    identified_on: date | None
    measure_on: date | None

    def stage_date(self, stage: str) -> date | None:
        return {
            "verify": self.verified_on,
            "identify": self.identified_on,
            "measure": self.measure_on,
        }[stage]


@dataclass
class StageStats:
    answered: int = 0
    within: int = 0
    days_total: int = 0
    pending: int = 0
    pending_late: int = 0

    @property
    def mean_days(self) -> Decimal | None:
        if not self.answered:
            return None
        return (Decimal(self.days_total) / self.answered).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def within_percent(self) -> Decimal | None:
        """Share answered within the deadline, of those answered or already late."""
        whole = self.answered + self.pending_late
        if not whole:
            return None
        return (Decimal(self.within) * 100 / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class AreaResponse:
    code: str
    warnings: int = 0
    stages: dict[str, StageStats] = field(default_factory=lambda: {s: StageStats() for s in STAGES})


def response_by_area(
    rows: Iterable[WarningRow], *, deadlines: Mapping[str, int], today: date, level: str
) -> list[AreaResponse]:
    """Per town (`level="town"`) or village: for each stage the number answered, the share
    answered within its deadline (days from the warning), the mean days, and those pending."""
    areas: dict[str, AreaResponse] = {}
    for row in rows:
        code = row.town_code if level == "town" else row.village_code
        area = areas.setdefault(code, AreaResponse(code))
        area.warnings += 1
        for stage in STAGES:
            stats = area.stages[stage]
            limit = deadlines[stage]
            done = row.stage_date(stage)
            if done is None:
                stats.pending += 1
                if (today - row.found_on).days > limit:
                    stats.pending_late += 1
                continue
            days = max(0, (done - row.found_on).days)
            stats.answered += 1
            stats.days_total += days
            if days <= limit:
                stats.within += 1
    return [areas[k] for k in sorted(areas)]


@dataclass(frozen=True)
class OpenWarning:
    row: WarningRow
    stage: str  # the first stage not yet reached
    age_days: int
    late: bool


def slowest_open(
    rows: Iterable[WarningRow], *, deadlines: Mapping[str, int], today: date, limit: int = 20
) -> list[OpenWarning]:
    """Warnings not yet answered to the last stage, oldest first."""
    pending: list[OpenWarning] = []
    for row in rows:
        stage = next((s for s in STAGES if row.stage_date(s) is None), None)
        if stage is None:
            continue
        age = (today - row.found_on).days
        pending.append(OpenWarning(row, stage, age, age > deadlines[stage]))
    pending.sort(key=lambda w: (-w.age_days, w.row.lead_id))
    return pending[:limit]


def coverage_share(visited: int, households: int) -> Decimal | None:
    if households <= 0:
        return None
    return (Decimal(visited) * 100 / households).quantize(Decimal("0.1"), ROUND_HALF_UP)
