"""Organisation: departments, assistance groups and member units, group↔town assignments
with history, resident work teams and members, commanders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction

from zhenxing.accounts.access import require_allowed
from zhenxing.accounts.models import User
from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record
from zhenxing.core.errors import DomainError
from zhenxing.supervision import domain, policies
from zhenxing.supervision.choices import CadreLevel, MemberRole
from zhenxing.supervision.errors import SupervisionErrorCode
from zhenxing.supervision.models import (
    AssistanceGroup,
    Commander,
    CommanderDepartment,
    CommanderTown,
    Department,
    GroupTown,
    MemberUnit,
    WorkTeam,
    WorkTeamMember,
)
from zhenxing.supervision.services._common import bad, county_of, region, required


def _audit(actor: User | None, obj: object, kind: str, **detail: object) -> None:
    record(
        AuditEventType.SUPERVISION_RECORD,
        actor=actor,
        obj=obj,
        username="" if actor else "命令行 CLI",
        detail={"kind": kind, **detail},
    )


def department_create(*, actor: User | None, name: str, county_code: str = "") -> Department:
    require_allowed(policies.can_manage_organisation(actor), actor, "department_create")
    county = county_of(actor, county_code)
    required(name, "name", "部门名称", "Department")
    with transaction.atomic():
        dept, _ = Department.objects.get_or_create(county_code=county, name=name.strip())
        _audit(actor, dept, "department")
    return dept


def group_create(
    *, actor: User | None, name: str, lead_unit: str, units: Sequence[str], county_code: str = ""
) -> AssistanceGroup:
    require_allowed(policies.can_manage_organisation(actor), actor, "group_create")
    county = county_of(actor, county_code)
    required(name, "name", "扶贫集团名称", "Group name")
    names = [u.strip() for u in units if u.strip()]
    if not names:
        raise DomainError(
            SupervisionErrorCode.REQUIRED,
            field="units",
            field_zh="成员单位",
            field_en="Member units",
        )
    if (
        len(set(names)) != len(names)
        or MemberUnit.objects.filter(county_code=county, name__in=names).exists()
    ):
        raise bad("units", "成员单位（重复）", "Member units (duplicate)")
    with transaction.atomic():
        group = AssistanceGroup.objects.create(
            county_code=county, name=name.strip(), lead_unit=lead_unit.strip()
        )
        MemberUnit.objects.bulk_create(
            [MemberUnit(county_code=county, group=group, name=n) for n in names]
        )
        _audit(actor, group, "group", units=len(names))
    return group


def group_assign_town(
    *,
    actor: User | None,
    group: AssistanceGroup,
    town_code: str,
    since: date,
    until: date | None = None,
) -> GroupTown:
    """Fix a group to a town from `since` (to `until`); a town has one group on any day."""
    require_allowed(policies.can_manage_organisation(actor), actor, "group_assign_town")
    town = region(actor, town_code, level="town", field="town", zh="乡镇", en="Town")
    required(since, "since", "起始日期", "Since")
    if until is not None and until < since:
        raise DomainError(
            SupervisionErrorCode.DATES, field="until", field_zh="截止日期", field_en="Until"
        )
    with transaction.atomic():
        held = list(
            GroupTown.objects.select_for_update()
            .filter(county_code=group.county_code, town_code=town.code)
            .select_related("group")
        )
        for row in held:
            if domain.periods_overlap(row.since, row.until, since, until):
                raise DomainError(
                    SupervisionErrorCode.TOWN_HAS_GROUP,
                    field="town",
                    town=town.name,
                    group=row.group.name,
                    since=row.since.isoformat(),
                )
        assignment = GroupTown.objects.create(
            county_code=group.county_code,
            group=group,
            town_code=town.code,
            since=since,
            until=until,
            created_by=actor,
        )
        _audit(actor, assignment, "group_town", town=town.code, since=since.isoformat())
    return assignment


def work_team_create(
    *, actor: User | None, village_code: str, started_on: date, size: int = 6
) -> WorkTeam:
    require_allowed(policies.can_manage_organisation(actor), actor, "work_team_create")
    village = region(actor, village_code, level="village", field="village", zh="村", en="Village")
    if not 1 <= size <= 20:
        raise bad("size", "队员定额", "Team size")
    with transaction.atomic():
        if WorkTeam.objects.filter(
            county_code=village.county_code, village_code=village.code, ended_on__isnull=True
        ).exists():
            raise bad("village", "村（已有在驻工作队）", "Village (already has a team)")
        team = WorkTeam.objects.create(
            county_code=village.county_code,
            town_code=village.town_code,
            village_code=village.code,
            size=size,
            started_on=started_on,
        )
        _audit(actor, team, "work_team", village=village.code)
    return team


def work_team_member_add(
    *,
    actor: User | None,
    team: WorkTeam,
    staff_no: str,
    name: str,
    role: str,
    home_unit: str,
    level: str,
    started_on: date,
    ended_on: date | None = None,
) -> WorkTeamMember:
    """A member serves in one village at a time: an overlapping stint elsewhere is refused."""
    require_allowed(policies.can_manage_organisation(actor), actor, "work_team_member_add")
    required(staff_no, "staff_no", "人员编号", "Staff number")
    required(name, "name", "姓名", "Name")
    required(home_unit, "home_unit", "派出单位", "Home unit")
    if role not in MemberRole.values:
        raise bad("role", "职务", "Role")
    if level not in CadreLevel.values:
        raise bad("level", "派出层级", "Level")
    if ended_on is not None and ended_on < started_on:
        raise DomainError(
            SupervisionErrorCode.DATES, field="ended_on", field_zh="离村日期", field_en="Left on"
        )
    region(actor, team.village_code, level="village", field="village", zh="村", en="Village")
    with transaction.atomic():
        stints = WorkTeamMember.objects.select_for_update().filter(
            county_code=team.county_code, staff_no=staff_no.strip()
        )
        for stint in stints:
            if domain.periods_overlap(stint.started_on, stint.ended_on, started_on, ended_on):
                raise DomainError(
                    SupervisionErrorCode.MEMBER_ELSEWHERE,
                    field="staff_no",
                    staff_no=staff_no.strip(),
                    start=stint.started_on.isoformat(),
                    village=stint.village_code,
                )
        member = WorkTeamMember.objects.create(
            county_code=team.county_code,
            team=team,
            village_code=team.village_code,
            staff_no=staff_no.strip(),
            name=name.strip(),
            role=role,
            home_unit=home_unit.strip(),
            level=level,
            started_on=started_on,
            ended_on=ended_on,
        )
        _audit(actor, member, "work_team_member", village=team.village_code, role=role)
    return member


def commander_create(
    *,
    actor: User | None,
    name: str,
    title: str,
    town_codes: Sequence[str] = (),
    departments: Sequence[Department] = (),
    user: User | None = None,
    county_code: str = "",
) -> Commander:
    require_allowed(policies.can_manage_organisation(actor), actor, "commander_create")
    county = county_of(actor, county_code)
    required(name, "name", "姓名", "Name")
    required(title, "title", "职务", "Title")
    towns = [
        region(actor, c, level="town", field="towns", zh="督战乡镇", en="Towns") for c in town_codes
    ]
    if any(d.county_code != county for d in departments):
        raise bad("departments", "督战部门", "Departments")
    with transaction.atomic():
        commander = Commander.objects.create(
            county_code=county, name=name.strip(), title=title.strip(), user=user
        )
        CommanderTown.objects.bulk_create(
            [
                CommanderTown(county_code=county, commander=commander, town_code=t.code)
                for t in towns
            ]
        )
        CommanderDepartment.objects.bulk_create(
            [
                CommanderDepartment(county_code=county, commander=commander, department=d)
                for d in departments
            ]
        )
        _audit(actor, commander, "commander", towns=len(towns), departments=len(departments))
    return commander
