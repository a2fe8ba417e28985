"""factory_boy factories for the registry.

`HouseholdFactory()` registers a household through the real `households_create` service (sealed
ID numbers, phones and bank accounts, pinyin, first history versions), so a test sees exactly
what an import would have written. `HouseholdFactory.build()` gives the `HouseholdDraft` only.

- `id_number(birth, sex)`: a valid, unique 18-character ID number (area 500102, check digit).
- `MemberDraftFactory`: one person; `head=True` makes the head.
- `HouseholdFactory(group_code=..., members=[...], phone=..., ...)`.
- `pair(cadre, household)`: a current cadre pairing.
- `build_world()`: households in two towns and two counties, and a user per role (scope tests).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import factory

from zhenxing.accounts.models import User
from zhenxing.accounts.tests.factories import RegionTree, UserFactory, build_region_tree
from zhenxing.core.idnumbers import check_char
from zhenxing.core.roles import Role
from zhenxing.households.models import CadrePairing, Household
from zhenxing.households.services import HouseholdDraft, MemberDraft, households_create

_SEQUENCE = itertools.count(1)
AREA = "500102"


def id_number(birth: date, sex: str = "M", area: str = AREA) -> str:
    """A valid ID number, unique within the test run (the sequence part is a counter)."""
    n = next(_SEQUENCE)
    # Three sequence digits per birth date; the last one's parity is the sex.
    seq = (n % 500) * 2 + (1 if sex == "M" else 0)
    day = date.fromordinal(birth.toordinal() + n // 500)
    body = f"{area}{day:%Y%m%d}{seq:03d}"
    return body + check_char(body)


class MemberDraftFactory(factory.Factory[MemberDraft]):
    class Meta:
        model = MemberDraft

    class Params:
        head = factory.Trait(relation="head")

    name = factory.Iterator(["邓明福", "张秀英", "李建国", "王芳", "刘德华", "陈小红"])
    sex = "M"
    birth_date = date(1970, 5, 1)
    relation = "spouse"
    id_number = factory.LazyAttribute(lambda o: id_number(o.birth_date, o.sex))
    values = factory.LazyFunction(
        lambda: {"health": "healthy", "labour": "ordinary", "medical_insurance": True}
    )


class HouseholdFactory(factory.Factory[HouseholdDraft]):
    """Creates through `households_create(actor=None, ...)` and returns the `Household`."""

    class Meta:
        model = HouseholdDraft

    household_no = factory.Sequence(lambda n: f"T{n:07d}")
    group_code = "500102100200001"
    category = "exited"
    exit_year = 2018
    address = "示例地址"
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    bank_account = factory.Sequence(lambda n: f"62170000{n:011d}")
    members = factory.LazyFunction(lambda: [MemberDraftFactory(head=True)])
    facts = factory.LazyFunction(lambda: {"house_grade": "A", "water_litres": 100})

    @classmethod
    def _create(cls, model_class: type[HouseholdDraft], *args: Any, **kwargs: Any) -> Any:
        draft = model_class(*args, **kwargs)
        return households_create(actor=None, drafts=[draft], source="test")[0]


def household(**kwargs: Any) -> Household:
    """Typed shorthand for `HouseholdFactory(**kwargs)`."""
    return cast(Household, HouseholdFactory.create(**kwargs))


def pair(cadre: Any, target: Household, since: date = date(2024, 1, 1)) -> CadrePairing:
    return CadrePairing.objects.create(cadre=cadre, household=target, since=since)


@dataclass(frozen=True)
class RegistryWorld:
    """Four households in four villages of two counties, and one user per registry role.

    - `a1` in 柳溪示例村 and `a2` in 桃源示例村 (both in 白沙示例镇, town A);
    - `b1` in 石门示例村 (青羊示例乡, town B); `other` in another county;
    - `district` and `supervisor` hold the county, `town` holds town A, `officer` village A1;
      `cadre` works in town A and is paired with `a2` only; `clerk` is a cooperative clerk.
    Heads are named so that "邓明" / "dm" / "dengming" match `a1` and `other` only.
    """

    regions: RegionTree
    a1: Household
    a2: Household
    b1: Household
    other: Household
    users: dict[str, User]

    @property
    def households(self) -> list[Household]:
        return [self.a1, self.a2, self.b1, self.other]

    def oracle(self, role: str) -> set[int]:
        """The ids a role may see, from the world's own definition (not from the selectors)."""
        user = self.users[role]
        if role == "cadre":
            return {self.a2.pk}
        if user.region is None:
            return set()
        prefix = user.region.code
        return {h.pk for h in self.households if h.group_code.startswith(prefix)}


ROLES = {
    "district": (Role.DISTRICT_STAFF, "county"),
    "town": (Role.TOWN_STAFF, "town_a"),
    "officer": (Role.VILLAGE_OFFICER, "village_a1"),
    "cadre": (Role.CADRE, "town_a"),
    "supervisor": (Role.SUPERVISOR, "county"),
    "clerk": (Role.COOP_CLERK, None),
}


def build_world() -> RegistryWorld:
    regions = build_region_tree()
    a1 = household(
        household_no="A1-0001",
        group_code="500102100200001",
        members=[
            MemberDraftFactory(head=True, name="邓明福"),
            MemberDraftFactory(name="张秀英", relation="spouse", sex="F"),
        ],
    )
    a2 = household(
        household_no="A2-0001",
        group_code="500102100201001",
        category="general",
        exit_year=None,
        members=[MemberDraftFactory(head=True, name="王芳", sex="F")],
    )
    b1 = household(
        household_no="B1-0001",
        group_code="500102200200001",
        members=[MemberDraftFactory(head=True, name="李建国")],
    )
    other = household(
        household_no="X1-0001",
        group_code="500103100200001",
        members=[MemberDraftFactory(head=True, name="邓明亮")],
    )
    users: dict[str, User] = {}
    for key, (role, region) in ROLES.items():
        users[key] = UserFactory.create(
            username=f"{key}-user", role=role, region=getattr(regions, region) if region else None
        )
    pair(users["cadre"], a2)
    return RegistryWorld(regions, a1, a2, b1, other, users)
