"""Pure registry calculations.

Holds:
- `per_capita_net_income(lines, members)`: domain.md §3.3 — (income − production costs) ÷
  household members, rounded half-up to the fen.
- `age_on(birth, day)`: full years.
- `compulsory_school_age(birth, day)`: 6–15 inclusive (domain.md §4).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from zhenxing.core.money import round_yuan

SCHOOL_AGE_MIN = 6
SCHOOL_AGE_MAX = 15


@dataclass(frozen=True)
class IncomeItem:
    amount: Decimal
    cost: Decimal = Decimal("0")


def net_income(lines: Iterable[IncomeItem]) -> Decimal:
    total = Decimal("0")
    for line in lines:
        total += line.amount - line.cost
    return total


def per_capita_net_income(lines: Iterable[IncomeItem], members: int) -> Decimal:
    """Net household income per member. A household with no members has none."""
    if members <= 0:
        raise ValueError("a household has at least one member")
    return round_yuan(net_income(lines) / Decimal(members))


def age_on(birth: date, day: date) -> int:
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def compulsory_school_age(birth: date, day: date) -> bool:
    return SCHOOL_AGE_MIN <= age_on(birth, day) <= SCHOOL_AGE_MAX
