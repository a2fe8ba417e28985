"""Monitoring test data, built on the registry's own factories (real services underneath).

- `monitoring_world()`: the registry world (households a1, a2, b1, other; a user per role) plus
  a second district and town user (four eyes), an officer of village A2, the cadre paired with
  a1 too, and a household `sick` in village A1 whose record holds every fact a notice must
  never show (ID, mobile, bank account, serious illness, disability).
- `case_in(state, household, kind, last_actor)`: a case placed directly in a state.
- `make_eliminable(household, today)`: a monitored household that passes the elimination guard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from zhenxing.accounts.models import User
from zhenxing.accounts.tests.factories import UserFactory
from zhenxing.core.roles import Role
from zhenxing.households.models import Household
from zhenxing.households.tests.factories import (
    MemberDraftFactory,
    RegistryWorld,
    build_world,
    household,
    pair,
)
from zhenxing.monitoring import domain
from zhenxing.monitoring.models import Case, IncomeObservation, Measure, Monitoring, Notice
from zhenxing.screening.models import RISK_BITS

SICK_PHONE = "13912345678"
SICK_BANK = "6217000012345678901"


@dataclass(frozen=True)
class MonitoringWorld:
    registry: RegistryWorld
    sick: Household
    users: dict[str, User]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.registry, name)


def monitoring_world() -> MonitoringWorld:
    registry = build_world()
    regions = registry.regions
    users = dict(registry.users)
    users["district2"] = UserFactory.create(
        username="district2-user", role=Role.DISTRICT_STAFF, region=regions.county
    )
    users["town2"] = UserFactory.create(
        username="town2-user", role=Role.TOWN_STAFF, region=regions.town_a
    )
    users["town_b"] = UserFactory.create(
        username="townb-user", role=Role.TOWN_STAFF, region=regions.town_b
    )
    users["officer_a2"] = UserFactory.create(
        username="officera2-user", role=Role.VILLAGE_OFFICER, region=regions.village_a2
    )
    users["submitter"] = UserFactory.create(
        username="submitter-user", role=Role.VILLAGE_OFFICER, region=regions.village_a1
    )
    pair(users["cadre"], registry.a1)
    sick = household(
        household_no="A1-0099",
        group_code="500102100200001",
        phone=SICK_PHONE,
        bank_account=SICK_BANK,
        members=[
            MemberDraftFactory(
                head=True,
                name="赵大勇",
                values={"health": "serious", "labour": "weak", "medical_insurance": True},
            ),
            MemberDraftFactory(
                name="钱小梅",
                sex="F",
                values={
                    "health": "disabled",
                    "disability_grade": 2,
                    "labour": "none",
                    "medical_insurance": True,
                },
            ),
        ],
    )
    return MonitoringWorld(registry, sick, users)


def case_in(
    state: str,
    target: Household,
    *,
    kind: str = domain.CaseKind.IDENTIFICATION,
    last_actor: User | None = None,
    today: date | None = None,
    notice: Notice | None = None,
) -> Case:
    today = today or date.today()  # noqa: DTZ011 — tests pin the clock where it matters
    return Case.objects.create(
        household=target,
        kind=kind,
        state=state,
        opened_on=today,
        due_on=today + timedelta(days=15),
        monitoring_type="marginal" if kind == domain.CaseKind.IDENTIFICATION else "",
        risk_mask=RISK_BITS["illness"],
        last_actor=last_actor,
        notice=notice,
        county_code=target.county_code,
        town_code=target.town_code,
        village_code=target.village_code,
    )


def finished_notice(target: Household, *, now: datetime | None = None) -> Notice:
    """A notice of the household's village whose period ended yesterday."""
    now = now or timezone.now()
    return Notice.objects.create(
        kind="identification",
        title="test",
        published_at=now - timedelta(days=10),
        start_date=(now - timedelta(days=9)).date(),
        end_date=(now - timedelta(days=2)).date(),
        county_code=target.county_code,
        town_code=target.town_code,
        village_code=target.village_code,
    )


def make_monitored(target: Household, *, started_on: date, persons: int = 2) -> Monitoring:
    ident = case_in(domain.State.INCLUDED, target)
    ident.decided_on = started_on
    ident.save(update_fields=["decided_on"])
    target.monitoring_type = "marginal"
    target.save(update_fields=["monitoring_type"])
    return Monitoring.objects.create(
        household=target,
        monitoring_type="marginal",
        risk_mask=RISK_BITS["illness"],
        persons=persons,
        started_on=started_on,
        identification=ident,
        county_code=target.county_code,
        town_code=target.town_code,
        village_code=target.village_code,
    )


def make_eliminable(target: Household, today: date, *, months: int = 6) -> Monitoring:
    """Monitored since a year ago, income above 8,000 yuan for the last `months` months, one
    measure done: the guard passes (with the factory's safe house, water and insurance)."""
    monitoring = make_monitored(target, started_on=today - timedelta(days=365))
    for month in domain.income_window(today, months):
        IncomeObservation.objects.create(
            household=target,
            month=month,
            per_capita_fen=1_200_000,
            source="visit",
            county_code=target.county_code,
            town_code=target.town_code,
            village_code=target.village_code,
        )
    Measure.objects.create(
        household=target,
        kind="industry",
        status="done",
        planned_on=today - timedelta(days=100),
        done_on=today - timedelta(days=90),
        county_code=target.county_code,
        town_code=target.town_code,
        village_code=target.village_code,
    )
    return monitoring
