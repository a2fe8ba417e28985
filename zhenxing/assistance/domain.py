"""Pure rules of assistance: officer quotas, visit due dates, amounts and dates (no ORM)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal


def officers_needed(households: int, per_officer: int) -> int:
    """`ceil(households / per_officer)` (联系贫困户200户以内配备1人, domain.md §1.5)."""
    if per_officer <= 0:
        raise ValueError("per_officer must be positive")
    return math.ceil(households / per_officer) if households > 0 else 0


@dataclass(frozen=True)
class Due:
    due_on: date
    overdue: bool
    days: int  # days until due (negative: overdue by)


def visit_due(*, last_visit: date | None, since: date, interval_days: int, today: date) -> Due:
    """When the next visit is due: `interval_days` after the last visit, or after the day the
    household came into the visitor's care when it has never been visited."""
    base = last_visit if last_visit is not None else since
    due_on = base + timedelta(days=interval_days)
    days = (due_on - today).days
    return Due(due_on=due_on, overdue=days < 0, days=days)


def amount_error(amount: Decimal | None, *, involves_money: bool, limit: Decimal | None) -> str:
    """'' when the amount is acceptable for the measure kind, else which rule it breaks."""
    if amount is None:
        return ""
    if not involves_money:
        return "no_money"
    if amount < 0 or (limit is not None and amount > limit):
        return "range"
    return ""


def share(part: int, whole: int) -> Decimal:
    """A percentage with one decimal, half up; 0 of 0 is 0."""
    if whole == 0:
        return Decimal("0.0")
    from decimal import ROUND_HALF_UP

    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
