"""A small benefit-chain world for tests, built through the real services.

`build_chain()` → `Chain`: a county with two villages, registry households, one enterprise,
two cooperatives with points and members, the 2021 season (雨水 2021-02-18 18:43:58), and one
user per role that matters (district staff, a clerk for each cooperative, an enterprise clerk,
town staff, a security administrator).

Helpers: `at(day, hh, mm)` (a Beijing instant in February 2021), `weigh(chain, household, kg,
when, point=None)` (records through `weighing_record` as the point's clerk).
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal as D
from typing import Any

from zhenxing.accounts.models import User
from zhenxing.accounts.tests.factories import UserFactory
from zhenxing.core.roles import Role
from zhenxing.core.timeutil import BEIJING
from zhenxing.households.models import Household
from zhenxing.households.tests.factories import MemberDraftFactory, household
from zhenxing.industry import services
from zhenxing.industry.models import (
    Cooperative,
    Enterprise,
    PurchasePoint,
    Season,
    Weighing,
)
from zhenxing.regions.models import Division
from zhenxing.regions.services import division_create

COUNTY = "500102"
TOWN = "500102104"
VILLAGE_A = "500102104201"
VILLAGE_B = "500102104202"
_numbers = itertools.count(1)


def at(day: int, hour: int = 9, minute: int = 0, second: int = 0, month: int = 2) -> datetime:
    return datetime(2021, month, day, hour, minute, second, tzinfo=BEIJING)


@dataclass
class Chain:
    season: Season
    enterprise: Enterprise
    coop_a: Cooperative
    coop_b: Cooperative
    point_a1: PurchasePoint
    point_a2: PurchasePoint
    point_b1: PurchasePoint
    lu: Household  # 卢家庆, member of A, under agreement (60 mu × 3 t)
    a2: Household  # member of A, under agreement
    a3: Household  # member of A, no agreement
    b1: Household  # member of B
    outsider: Household  # a member of no cooperative
    users: dict[str, User] = field(default_factory=dict)


def _regions() -> None:
    start = date(2016, 12, 31)
    for code, name in [
        (COUNTY, "涪陵区"),
        (TOWN, "珍溪镇"),
        (VILLAGE_A, "李寺村"),
        (VILLAGE_A + "001", "一组"),
        (VILLAGE_B, "中乐村"),
        (VILLAGE_B + "001", "一组"),
    ]:
        if not Division.objects.filter(code=code).exists():
            division_create(actor=None, code=code, name=name, valid_from=start)


def registered(name: str, village: str = VILLAGE_A, category: str = "general") -> Household:
    return household(
        household_no=f"{village}001{next(_numbers):04d}",
        group_code=village + "001",
        category=category,
        exit_year=2018 if category == "exited" else None,
        members=[MemberDraftFactory(head=True, name=name)],
    )


def user(role: str, region: str | None = None, **fields: Any) -> User:
    division = Division.objects.get(code=region, valid_to__isnull=True) if region else None
    return UserFactory.create(role=role, region=division, **fields)


def build_chain(*, prices: bool = True) -> Chain:
    # given the regions and the registry
    _regions()
    lu = registered("卢家庆")
    a2 = registered("邓明福", category="exited")
    a3 = registered("张秀英")
    b1 = registered("李建国", VILLAGE_B)
    outsider = registered("王芳", VILLAGE_B)
    # the parties (as the operator at the command line)
    enterprise = services.enterprise_create(actor=None, county_code=COUNTY, name="涪陵榨菜集团")
    coop_a = services.cooperative_create(
        actor=None, village_code=VILLAGE_A, name="李寺榨菜股份合作社"
    )
    coop_b = services.cooperative_create(
        actor=None, village_code=VILLAGE_B, name="中乐榨菜股份合作社"
    )
    point_a1 = services.point_create(
        actor=None, cooperative=coop_a, village_code=VILLAGE_A, name="李寺一号点"
    )
    point_a2 = services.point_create(
        actor=None, cooperative=coop_a, village_code=VILLAGE_A, name="李寺二号点"
    )
    point_b1 = services.point_create(
        actor=None, cooperative=coop_b, village_code=VILLAGE_B, name="中乐一号点"
    )
    joined = date(2020, 9, 1)
    for coop, members in ((coop_a, (lu, a2, a3)), (coop_b, (b1,))):
        for h in members:
            services.membership_add(actor=None, cooperative=coop, household=h, joined_on=joined)
    season = services.season_create(
        actor=None,
        county_code=COUNTY,
        data=services.SeasonInput(
            year=2021, opens_on=date(2021, 1, 20), closes_on=date(2021, 3, 10)
        ),
    )
    users = {
        "district": user(Role.DISTRICT_STAFF, COUNTY, username="district-1"),
        "district2": user(Role.DISTRICT_STAFF, COUNTY, username="district-2"),
        "town": user(Role.TOWN_STAFF, TOWN, username="town-1"),
        "clerk_a": user(Role.COOP_CLERK, username="clerk-a"),
        "clerk_b": user(Role.COOP_CLERK, username="clerk-b"),
        "enterprise": user(Role.ENTERPRISE_CLERK, username="enterprise-1"),
        "unbound": user(Role.COOP_CLERK, username="clerk-unbound"),
        "security": user(Role.SECURITY_ADMIN, username="security-1"),
    }
    services.clerk_bind(actor=None, user=users["clerk_a"], cooperative=coop_a)
    services.clerk_bind(actor=None, user=users["clerk_b"], cooperative=coop_b)
    services.clerk_bind(actor=None, user=users["enterprise"], enterprise=enterprise)
    chain = Chain(
        season, enterprise, coop_a, coop_b, point_a1, point_a2, point_b1, lu, a2, a3, b1,
        outsider, users,
    )  # fmt: skip
    if prices:
        for day in range(15, 21):
            price = D("1450") if day != 16 else D("700")
            services.day_price_set(
                actor=None, season=season, cooperative=coop_a, day=date(2021, 2, day), price=price
            )
            services.day_price_set(
                actor=None,
                season=season,
                cooperative=coop_b,
                day=date(2021, 2, day),
                price=D("750"),
            )
    return chain


def sign_lu(chain: Chain) -> Any:
    """卢家庆's protection agreement: 60 mu × 3,000 kg/mu = 180 t; deposit 5,400 yuan."""
    return services.protection_agreement_sign(
        actor=None,
        season=chain.season,
        cooperative=chain.coop_a,
        household=chain.lu,
        signed_on=date(2020, 10, 1),
        area_mu=D("60"),
        yield_kg_per_mu=3000,
    )


def weigh(
    chain: Chain,
    target: Household,
    kg: str | D,
    when: datetime,
    *,
    point: PurchasePoint | None = None,
    client_id: uuid.UUID | None = None,
    deduction: str = "0",
    **kw: Any,
) -> Weighing:
    point = point or chain.point_a1
    clerk = chain.users["clerk_a" if point.cooperative_id == chain.coop_a.pk else "clerk_b"]
    return services.weighing_record(
        actor=clerk,
        season=chain.season,
        point=point,
        household=target,
        client_id=client_id or uuid.uuid4(),
        weighed_at=when,
        gross_kg=D(kg),
        deduction_kg=D(deduction),
        **kw,
    ).weighing
