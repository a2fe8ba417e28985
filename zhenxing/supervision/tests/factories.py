"""A supervision world on top of the registry test world: a department, a commander linked to
the supervisor account (over town A and the department), a visit in village A1 with findings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from zhenxing.accounts.models import User
from zhenxing.accounts.tests.factories import UserFactory
from zhenxing.core.roles import Role
from zhenxing.households.tests.factories import RegistryWorld, build_world
from zhenxing.supervision import services
from zhenxing.supervision.models import Commander, Department, Finding, SupervisionVisit

VISIT_DAY = date(2025, 7, 10)


@dataclass
class SupWorld:
    registry: RegistryWorld
    users: dict[str, User]
    dept: Department
    commander: Commander
    visit: SupervisionVisit
    hardship: Finding  # about household a1, a hardship check (medical)
    work: Finding  # an organisational finding, no household

    def __getattr__(self, name: str) -> Any:
        return getattr(self.registry, name)


def sup_world() -> SupWorld:
    registry = build_world()
    regions = registry.regions
    users = dict(registry.users)
    users["district2"] = UserFactory.create(
        username="district2-sup", role=Role.DISTRICT_STAFF, region=regions.county
    )
    users["town_b"] = UserFactory.create(
        username="townb-sup", role=Role.TOWN_STAFF, region=regions.town_b
    )
    users["other_district"] = UserFactory.create(
        username="other-district", role=Role.DISTRICT_STAFF, region=regions.other_county
    )
    dept = services.department_create(actor=None, name="区卫生健康委", county_code="500102")
    commander = services.commander_create(
        actor=None,
        name="徐志红",
        title="区政协主席",
        town_codes=[regions.town_a.code],
        departments=[dept],
        user=users["supervisor"],
        county_code="500102",
    )
    visit = services.visit_record(
        actor=None,
        commander=commander,
        visited_on=VISIT_DAY,
        town_code=regions.town_a.code,
        village_code=regions.village_a1.code,
        household=registry.a1,
        companions="区乡村振兴局",
        checked=["medical", "schooling", "housing"],
        findings=[
            services.FindingDraft("medical", "慢性病报销未及时到位", registry.a1),
            services.FindingDraft("work_team", "驻村工作队考勤记录不全"),
        ],
    )
    hardship, work = list(visit.findings.order_by("id"))
    return SupWorld(registry, users, dept, commander, visit, hardship, work)
