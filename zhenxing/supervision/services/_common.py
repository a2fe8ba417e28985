"""Helpers shared by the supervision services: refusals naming the field, the region scope
re-check, and the owner of a problem, item or project."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zhenxing.accounts.models import User
from zhenxing.core.errors import DomainError, NotInScope
from zhenxing.core.roles import Role
from zhenxing.core.scope import scope_of
from zhenxing.regions.models import Division
from zhenxing.supervision.choices import OwnerType
from zhenxing.supervision.errors import SupervisionErrorCode
from zhenxing.supervision.models import Department, WorkTeam


def bad(field: str, zh: str, en: str) -> DomainError:
    return DomainError(SupervisionErrorCode.BAD_VALUE, field=field, field_zh=zh, field_en=en)


def required(value: Any, field: str, zh: str, en: str) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise DomainError(SupervisionErrorCode.REQUIRED, field=field, field_zh=zh, field_en=en)


def region(actor: User | None, code: str, *, level: str, field: str, zh: str, en: str) -> Division:
    """The current division `code` of `level`, in the actor's region scope (the one rule in
    accounts.scope); missing → the field is invalid; outside scope → `NotInScope`."""
    required(code, field, zh, en)
    division = Division.objects.filter(code=code, level=level, valid_to__isnull=True).first()
    if division is None:
        raise bad(field, zh, en)
    if actor is not None and not (
        Division.objects.filter(scope_of(actor).region_q(), pk=division.pk).exists()
    ):
        raise NotInScope("division", code)
    return division


def county_of(actor: User | None, county_code: str = "") -> str:
    code = county_code or getattr(getattr(actor, "region", None), "county_code", "")
    required(code, "county_code", "区县", "County")
    return code


@dataclass(frozen=True)
class Owner:
    owner_type: str
    fields: dict[str, Any]


def owner_of(actor: User | None, county_code: str, owner_type: str, ref: Any) -> Owner:
    """Resolve who owns a problem, item or project. `ref` is a department or team id, a town or
    village code, or a cadre's account id, by `owner_type`."""
    required(owner_type, "owner_type", "责任主体类型", "Owner type")
    if owner_type not in OwnerType.values:
        raise bad("owner_type", "责任主体类型", "Owner type")
    required(ref if not isinstance(ref, int) else str(ref), "owner", "责任主体", "Owner")
    base: dict[str, Any] = {
        "department": None,
        "work_team": None,
        "owner_user": None,
        "town_code": "",
        "village_code": "",
    }
    try:
        if owner_type == OwnerType.DEPARTMENT:
            dept = Department.objects.get(pk=int(ref), county_code=county_code)
            base.update(department=dept, owner_name=dept.name)
        elif owner_type == OwnerType.TOWN:
            town = region(actor, str(ref), level="town", field="owner", zh="责任主体", en="Owner")
            base.update(town_code=town.code, owner_name=town.name)
        elif owner_type == OwnerType.VILLAGE:
            village = region(
                actor, str(ref), level="village", field="owner", zh="责任主体", en="Owner"
            )
            base.update(
                town_code=village.town_code, village_code=village.code, owner_name=village.name
            )
        elif owner_type == OwnerType.WORK_TEAM:
            team = WorkTeam.objects.get(pk=int(ref), county_code=county_code)
            name = Division.objects.filter(code=team.village_code).values_list("name", flat=True)
            base.update(
                work_team=team,
                town_code=team.town_code,
                village_code=team.village_code,
                owner_name=f"{name.first() or team.village_code}驻村工作队",
            )
        else:
            user = User.objects.get(pk=int(ref), role=Role.CADRE, is_active=True)
            codes = user.region
            base.update(
                owner_user=user,
                owner_name=user.full_name or user.username,
                town_code=codes.town_code if codes else "",
                village_code=codes.village_code if codes else "",
            )
    except (Department.DoesNotExist, WorkTeam.DoesNotExist, User.DoesNotExist, ValueError) as e:
        raise bad("owner", "责任主体", "Owner") from e
    if base["town_code"] and not base["town_code"].startswith(county_code):
        raise DomainError(
            SupervisionErrorCode.NOT_IN_COUNTY, field="owner", field_zh="责任主体", field_en="Owner"
        )
    return Owner(owner_type, base)
