"""Households for screening tests, registered through the real registry service."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from zhenxing.core.idnumbers import check_char
from zhenxing.households.models import Household
from zhenxing.households.services import HouseholdDraft, MemberDraft, households_create
from zhenxing.regions.services import division_create
from zhenxing.screening.setup import install_defaults

GROUP = "500102104201006"
_serial = itertools.count(1)


def region_tree() -> None:
    start = date(2016, 12, 31)
    for code, name in [
        ("500102", "涪陵区"),
        ("500102104", "珍溪镇"),
        ("500102104201", "石牛村"),
        (GROUP, "六组"),
        ("500102001", "敦仁街道"),
        ("500102001201", "示例村"),
        ("500102001201001", "一组"),
    ]:
        division_create(actor=None, code=code, name=name, valid_from=start)


def install_rules(year: int = 2025) -> None:
    install_defaults(actor=None, county_code="500102", years=range(year, year + 1))


def id_number(birth: date, female: bool = False) -> str:
    sequence = next(_serial) % 500 * 2 + (0 if female else 1)
    body = f"500102{birth:%Y%m%d}{sequence:03d}"
    return body + check_char(body)


@dataclass
class Person:
    birth: date = date(1980, 5, 1)
    relation: str = "head"
    health: str = "healthy"
    disability_grade: int | None = None
    labour: str = "ordinary"
    work_months: int = 10
    medical_insurance: bool = True
    school_status: str = ""
    name: str = "张三"

    def draft(self) -> MemberDraft:
        number = id_number(self.birth)
        return MemberDraft(
            name=self.name,
            id_number=number,
            sex="M",
            birth_date=self.birth,
            relation=self.relation,
            values={
                "health": self.health,
                "disability_grade": self.disability_grade,
                "labour": self.labour,
                "work_months": self.work_months,
                "medical_insurance": self.medical_insurance,
                "school_status": self.school_status,
            },
        )


@dataclass
class Case:
    """A household that passes every default rule unless a field is changed."""

    members: list[Person] = field(default_factory=lambda: [Person()])
    category: str = "general"
    facts: dict[str, Any] = field(default_factory=dict)
    wage: Decimal = Decimal("30000")
    business: Decimal = Decimal("0")
    cost: Decimal = Decimal("0")
    property: Decimal = Decimal("0")
    transfer: Decimal = Decimal("0")
    medical: Decimal | None = None
    education: Decimal | None = None
    group: str = GROUP

    def register(self, year: int = 2025) -> Household:
        facts = {
            "house_grade": "A",
            "water_litres": 50,
            "water_piped": True,
            "water_quality": "on_site",
        } | self.facts
        incomes = {
            "income_wage": self.wage,
            "income_business": self.business,
            "cost_business": self.cost,
            "income_property": self.property,
            "income_transfer": self.transfer,
            "spending_medical": self.medical,
            "spending_education": self.education,
        }
        draft = HouseholdDraft(
            household_no=f"{self.group}{next(_serial):05d}",
            group_code=self.group,
            category=self.category,
            exit_year=2018 if self.category == "exited" else None,
            address="",
            phone=None,
            bank_account=None,
            members=[m.draft() for m in self.members],
            facts=facts,
            income_year=year,
            incomes={k: v for k, v in incomes.items() if v is not None},
        )
        [household] = households_create(actor=None, drafts=[draft], source="test")
        return household


def result_row(*, run: Any, household: Household, rule_set: Any, **decision: Any) -> Any:
    """A result row made directly, for tests that need only a decision: its snapshot is
    neutral (no income, no flags of any kind)."""
    from zhenxing.screening.dsl import Type
    from zhenxing.screening.indicators import INDICATORS
    from zhenxing.screening.models import Result

    empty = {Type.TEXT: "", Type.BOOL: False}
    snapshot = {name: empty.get(d.type, 0) for name, d in INDICATORS.items()}
    snapshot.update(
        category=household.category,
        food_secure=True,
        clothing_secure=True,
        water_quality="unassessed",
    )
    return Result.objects.create(
        run=run,
        household=household,
        county_code=household.county_code,
        town_code=household.town_code,
        village_code=household.village_code,
        rule_set=rule_set,
        **snapshot,
        **decision,
    )
