"""Every supervision read, scoped to the actor: region rows through `accounts.scope`, household
rows through `households.selectors.filter_by_household_scope`.

Holds `commander_of`, `commanders_visible`, `problems_visible`, `problem_get`, `problem_list`,
`items_visible`, `item_get`, `item_list`, `items_owned`, `visits_visible`, `visit_get`,
`finding_get`, `groups_visible`, `group_towns`, `teams_with_flags`, `departments_of`,
`projects_visible`, `project_get`, `region_names`, `commander_home`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from zhenxing.core.roles import Role
from zhenxing.core.scope import ScopeKind, get_in_scope, scope_of
from zhenxing.regions.models import Division
from zhenxing.supervision.choices import ItemStatus, MemberRole, OwnerType, ProblemStatus
from zhenxing.supervision.models import (
    AssistanceGroup,
    Commander,
    CommanderDepartment,
    CommanderTown,
    Department,
    Finding,
    GroupTown,
    Problem,
    ProgressReport,
    Project,
    ResponsibilityItem,
    SupervisionVisit,
    WorkTeam,
    WorkTeamMember,
)


def _county(actor: Any) -> str:
    return getattr(getattr(actor, "region", None), "county_code", "") or ""


def _region(queryset: QuerySet[Any], actor: Any) -> QuerySet[Any]:
    """Rows placed in a county/town/village, through the one region scope rule."""
    return queryset.filter(scope_of(actor).region_q())


def _owned_q(actor: Any) -> Q:
    """The rows whose owner is the actor: its own account (a cadre) or, for town staff and
    village officers, the town or village (and the village's work team) it works for."""
    scope = scope_of(actor)
    q = Q(owner_user_id=actor.pk) if getattr(actor, "pk", None) else Q(pk__in=[])
    if scope.kind != ScopeKind.REGION:
        return q
    role = getattr(actor, "role", "")
    if role == Role.TOWN_STAFF and scope.town_code and not scope.village_code:
        q |= Q(owner_type=OwnerType.TOWN, town_code=scope.town_code)
    if role == Role.VILLAGE_OFFICER and scope.village_code:
        q |= Q(
            owner_type__in=[OwnerType.VILLAGE, OwnerType.WORK_TEAM], village_code=scope.village_code
        )
    if role == Role.DISTRICT_STAFF and not scope.town_code:
        q |= Q(owner_type=OwnerType.DEPARTMENT, county_code=scope.county_code)
    return q


# ------------------------------------------------------------------ commanders


def commander_of(actor: Any) -> Commander | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    return Commander.objects.filter(user_id=actor.pk).first()


def commanders_visible(actor: Any) -> QuerySet[Commander]:
    scope = scope_of(actor)
    if scope.kind not in (ScopeKind.REGION, ScopeKind.PAIRED):
        return Commander.objects.none()
    return Commander.objects.filter(county_code=scope.county_code)


def _commander_q(commander: Commander) -> Q:
    """Rows of the commander's towns and departments: two small reads, then plain `IN` lists
    so the county-led indexes serve each branch of the `OR`."""
    county = commander.county_code
    towns = list(
        CommanderTown.objects.filter(county_code=county, commander=commander).values_list(
            "town_code", flat=True
        )
    )
    depts = list(
        CommanderDepartment.objects.filter(county_code=county, commander=commander).values_list(
            "department_id", flat=True
        )
    )
    return Q(county_code=county, town_code__in=towns) | Q(
        county_code=county, department_id__in=depts
    )


def departments_of(actor: Any) -> QuerySet[Department]:
    return (
        Department.objects.filter(county_code=_county(actor))
        if _county(actor)
        else (Department.objects.none())
    )


# ------------------------------------------------------------------ problems and items


def problems_visible(actor: Any) -> QuerySet[Problem]:
    return Problem.objects.filter(scope_of(actor).region_q() | _owned_q(actor))


def problem_get(actor: Any, pk: int) -> Problem:
    return get_in_scope(
        problems_visible(actor).select_related("commander", "finding__visit", "department"),
        object_type="problem",
        pk=pk,
    )


def problem_list(
    actor: Any,
    *,
    commander: Commander | None = None,
    town_code: str = "",
    department_id: int | None = None,
    status: str = "",
    overdue_on: date | None = None,
    limit: int = 200,
) -> list[Problem]:
    """A problem list per commander, town or department, deadline first (one query)."""
    qs = problems_visible(actor)
    if commander is not None:
        qs = qs.filter(
            _commander_q(commander) | Q(county_code=commander.county_code, commander=commander)
        )
    if town_code:
        qs = qs.filter(county_code=town_code[:6], town_code=town_code)
    if department_id:
        qs = qs.filter(department_id=department_id)
    if status == "open":
        qs = qs.exclude(status=ProblemStatus.VERIFIED)
    elif status in ProblemStatus.values:
        qs = qs.filter(status=status)
    if overdue_on is not None:
        qs = qs.filter(deadline__lt=overdue_on).exclude(status=ProblemStatus.VERIFIED)
    return list(qs.select_related("commander", "department").order_by("deadline", "id")[:limit])


def items_visible(actor: Any) -> QuerySet[ResponsibilityItem]:
    return ResponsibilityItem.objects.filter(scope_of(actor).region_q() | _owned_q(actor))


def item_get(actor: Any, pk: int) -> ResponsibilityItem:
    return get_in_scope(items_visible(actor), object_type="responsibility_item", pk=pk)


def item_list(
    actor: Any,
    *,
    commander: Commander | None = None,
    town_code: str = "",
    department_id: int | None = None,
    owner_type: str = "",
    status: str = "",
    overdue_on: date | None = None,
    limit: int = 200,
) -> list[ResponsibilityItem]:
    qs = items_visible(actor)
    if commander is not None:
        qs = qs.filter(_commander_q(commander))
    if town_code:
        qs = qs.filter(county_code=town_code[:6], town_code=town_code)
    if department_id:
        qs = qs.filter(department_id=department_id)
    if owner_type in OwnerType.values:
        qs = qs.filter(owner_type=owner_type)
    if status in ItemStatus.values:
        qs = qs.filter(status=status)
    if overdue_on is not None:
        qs = qs.filter(due_on__lt=overdue_on, status=ItemStatus.OPEN)
    return list(qs.select_related("department").order_by("due_on", "id")[:limit])


def items_owned(actor: Any, *, limit: int = 50) -> list[ResponsibilityItem]:
    """The open items the actor owns: shown on its home page."""
    return list(
        ResponsibilityItem.objects.filter(_owned_q(actor), status=ItemStatus.OPEN).order_by(
            "due_on", "id"
        )[:limit]
    )


def problems_owned(actor: Any, *, limit: int = 50) -> list[Problem]:
    return list(
        Problem.objects.filter(_owned_q(actor))
        .exclude(status=ProblemStatus.VERIFIED)
        .order_by("deadline", "id")[:limit]
    )


# ------------------------------------------------------------------ visits


def visits_visible(actor: Any) -> QuerySet[SupervisionVisit]:
    return _region(SupervisionVisit.objects.all(), actor)


def visit_get(actor: Any, pk: int) -> SupervisionVisit:
    return get_in_scope(
        visits_visible(actor).select_related("commander", "household"), object_type="visit", pk=pk
    )


def finding_get(actor: Any, pk: int) -> Finding:
    visits = visits_visible(actor).values("pk")
    return get_in_scope(
        Finding.objects.filter(visit_id__in=visits).select_related("visit", "check_item"),
        object_type="finding",
        pk=pk,
    )


# ------------------------------------------------------------------ organisation


def groups_visible(actor: Any) -> QuerySet[AssistanceGroup]:
    county = _county(actor)
    if not county or scope_of(actor).kind != ScopeKind.REGION:
        return AssistanceGroup.objects.none()
    return AssistanceGroup.objects.filter(county_code=county).annotate(n_units=Count("units"))


def group_towns(actor: Any, *, on: date) -> QuerySet[GroupTown]:
    """Assignments in the actor's region; `current` marks those holding on `on`."""
    return (
        _region(GroupTown.objects.all(), actor)
        .select_related("group")
        .order_by("town_code", "-since")
    )


@dataclass(frozen=True)
class TeamRow:
    team: WorkTeam
    members: int
    secretaries: int

    @property
    def no_secretary(self) -> bool:
        return self.secretaries == 0

    @property
    def below_size(self) -> bool:
        return self.members < self.team.size


def teams_with_flags(actor: Any, *, on: date) -> list[TeamRow]:
    """Open teams in scope with their serving members on `on`, flagged (one query)."""
    serving = Q(members__started_on__lte=on) & (
        Q(members__ended_on__isnull=True) | Q(members__ended_on__gte=on)
    )
    teams = _region(WorkTeam.objects.filter(ended_on__isnull=True), actor).annotate(
        n=Count("members", filter=serving),
        s=Count("members", filter=serving & Q(members__role=MemberRole.FIRST_SECRETARY)),
    )
    return [TeamRow(t, t.n, t.s) for t in teams.order_by("village_code")]


def team_members(team: WorkTeam) -> QuerySet[WorkTeamMember]:
    return WorkTeamMember.objects.filter(county_code=team.county_code, team=team)


# ------------------------------------------------------------------ projects


def projects_visible(actor: Any) -> QuerySet[Project]:
    latest = ProgressReport.objects.filter(
        county_code=OuterRef("county_code"), project_id=OuterRef("pk")
    ).order_by("-reported_on", "-id")
    scope = scope_of(actor)
    if scope.kind not in (ScopeKind.REGION, ScopeKind.PAIRED):
        return Project.objects.none()
    # District-level projects are the county's: everyone in the county sees them.
    region = scope.region_q() | Q(county_code=scope.county_code, level="district")
    return Project.objects.filter(region).annotate(
        value=Subquery(latest.values("value")[:1]),
        reported_on=Subquery(latest.values("reported_on")[:1]),
    )


def project_get(actor: Any, pk: int) -> Project:
    return get_in_scope(projects_visible(actor), object_type="project", pk=pk)


def region_names(codes: set[str] | list[str]) -> dict[str, str]:
    return dict(
        Division.objects.filter(code__in=list(codes), valid_to__isnull=True).values_list(
            "code", "name"
        )
    )
