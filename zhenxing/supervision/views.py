"""Supervision pages: the commander's home, visits → findings → problems, problem detail
(rectification with evidence, verification), the responsibility list, organisation,
infrastructure projects and the gap list, and the response-time report."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zhenxing.accounts.access import scoped
from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role
from zhenxing.core.timeutil import business_today
from zhenxing.households.selectors import households_visible
from zhenxing.supervision import policies, reports, selectors, services
from zhenxing.supervision.choices import (
    ItemStatus,
    OwnerType,
    Pillar,
    ProblemStatus,
    Stage,
)
from zhenxing.supervision.errors import SupervisionErrorCode
from zhenxing.supervision.models import CheckItem

READERS = (Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER, Role.CADRE, Role.SUPERVISOR)
OFFICE = (Role.DISTRICT_STAFF, Role.SUPERVISOR)


def _error(request: HttpRequest, exc: DomainError) -> None:
    zh = (get_language() or "zh-hans").startswith("zh")
    messages.error(request, exc.message_zh if zh else exc.message_en)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


def _owner_choices(actor: Any) -> dict[str, Any]:
    return {
        "owner_types": OwnerType.choices,
        "departments": selectors.departments_of(actor),
    }


@require_http_methods(["GET"])
@scoped(*READERS)
def home_view(request: HttpRequest) -> HttpResponse:
    """The commander's home: problems due and overdue, its towns' and departments' overdue
    items, the slowest open warnings in its towns; for owners, their own items and problems."""
    today = business_today()
    commander = selectors.commander_of(request.user)
    context: dict[str, Any] = {
        "commander": commander,
        "today": today,
        "owned_items": selectors.items_owned(request.user),
        "owned_problems": selectors.problems_owned(request.user),
    }
    if commander is not None:
        problems = selectors.problem_list(request.user, commander=commander, status="open")
        context["problems"] = problems
        context["overdue_count"] = sum(1 for p in problems if p.deadline < today)
        context["items_overdue"] = selectors.item_list(
            request.user, commander=commander, overdue_on=today, limit=50
        )
        towns = set(commander.town_rows.values_list("town_code", flat=True))
        report = reports.response_report(
            request.user,
            since=today - timedelta(days=365),
            until=today,
            today=today,
            town_codes=towns,
            slowest=10,
        )
        context["slowest"] = report.slowest
        context["names"] = report.names
        context["stage_labels"] = dict(Stage.choices)
    return render(request, "supervision/home.html", context)


@require_http_methods(["GET", "POST"])
@scoped(*OFFICE)
def visit_new_view(request: HttpRequest) -> HttpResponse:
    commanders = selectors.commanders_visible(request.user)
    own = selectors.commander_of(request.user)
    checks = list(CheckItem.objects.all())
    if request.method == "POST":
        post = request.POST
        commander = commanders.filter(pk=_int(post.get("commander")) or 0).first()
        household = None
        if post.get("household"):
            household = (
                households_visible(request.user)
                .filter(household_no=post["household"].strip())
                .first()
            )
        try:
            if commander is None:
                raise DomainError(
                    services.problems.SupervisionErrorCode.REQUIRED,
                    field="commander",
                    field_zh="督战指挥长",
                    field_en="Commander",
                )
            if post.get("household") and household is None:
                raise DomainError(
                    SupervisionErrorCode.BAD_VALUE,
                    field="household",
                    field_zh="户编号",
                    field_en="Household number",
                )
            findings = [
                services.FindingDraft(
                    post.get(f"check_{i}", ""), post.get(f"text_{i}", ""), household
                )
                for i in range(1, 4)
                if post.get(f"text_{i}", "").strip()
            ]
            visit = services.visit_record(
                actor=request.user,  # type: ignore[arg-type]
                commander=commander,
                visited_on=_date(post.get("visited_on")),  # type: ignore[arg-type]
                town_code=post.get("town", ""),
                village_code=post.get("village", ""),
                household=household,
                companions=post.get("companions", ""),
                checked=post.getlist("checked"),
                summary=post.get("summary", ""),
                findings=findings,
            )
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect("supervision:visit", pk=visit.pk)
    towns = reports.towns_in_scope(request.user)
    return render(
        request,
        "supervision/visit_new.html",
        {
            "commanders": commanders,
            "own": own,
            "checks": checks,
            "towns": towns,
            "today": business_today(),
            "post": request.POST,
        },
    )


@require_http_methods(["GET"])
@scoped(*READERS)
def visit_view(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(request.user, pk)
    findings = list(visit.findings.select_related("check_item", "problem"))
    names = selectors.region_names({visit.town_code, visit.village_code})
    checks = dict(CheckItem.objects.values_list("code", "name"))
    return render(
        request,
        "supervision/visit.html",
        {
            "visit": visit,
            "findings": findings,
            "names": names,
            "checked": [checks.get(c, "") for c in visit.checked],
            "can_assign": policies.can_assign_problem(request.user),
            "default_deadline": visit.visited_on + timedelta(days=30),
            **_owner_choices(request.user),
        },
    )


@require_POST
@scoped(*OFFICE)
def problem_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_get(request.user, pk)
    post = request.POST
    owner_type = post.get("owner_type", "")
    owner = post.get(f"owner_{owner_type}", "").strip()
    try:
        problem = services.problem_assign(
            actor=request.user,  # type: ignore[arg-type]
            finding=finding,
            owner_type=owner_type,
            owner=owner,
            deadline=_date(post.get("deadline")),
            title=post.get("title", ""),
        )
    except DomainError as exc:
        _error(request, exc)
        return redirect("supervision:visit", pk=finding.visit_id)
    messages.success(request, _("Problem assigned."))
    return redirect("supervision:problem", pk=problem.pk)


@require_http_methods(["GET"])
@scoped(*READERS)
def problems_view(request: HttpRequest) -> HttpResponse:
    today = business_today()
    get = request.GET
    commander = None
    if get.get("commander"):
        commander = (
            selectors.commanders_visible(request.user)
            .filter(pk=_int(get.get("commander")) or 0)
            .first()
        )
    problems = selectors.problem_list(
        request.user,
        commander=commander,
        town_code=get.get("town", ""),
        department_id=_int(get.get("department")),
        status=get.get("status", "open"),
        overdue_on=today if get.get("overdue") else None,
    )
    names = selectors.region_names({p.town_code for p in problems})
    return render(
        request,
        "supervision/problems.html",
        {
            "problems": problems,
            "today": today,
            "names": names,
            "commanders": selectors.commanders_visible(request.user),
            "departments": selectors.departments_of(request.user),
            "towns": reports.towns_in_scope(request.user),
            "statuses": ProblemStatus.choices,
            "get": get,
        },
    )


@require_http_methods(["GET"])
@scoped(*READERS)
def problem_view(request: HttpRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get(request.user, pk)
    return render(
        request,
        "supervision/problem.html",
        {
            "problem": problem,
            "today": business_today(),
            "evidence": list(problem.evidence.all()),
            "names": selectors.region_names({problem.town_code, problem.village_code}),
            "can_rectify": policies.can_rectify(request.user)
            and problem.status == ProblemStatus.OPEN,
            "can_verify": policies.can_verify(request.user)
            and problem.status == ProblemStatus.RECTIFIED
            and request.user.pk not in (problem.owner_user_id, problem.rectified_by_id),
        },
    )


@require_POST
@scoped(*READERS)
def problem_rectify_view(request: HttpRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get(request.user, pk)
    upload = request.FILES.get("file")
    try:
        if upload is not None:
            services.problem_evidence_add(
                actor=request.user,  # type: ignore[arg-type]
                problem=problem,
                name=upload.name or "",
                chunks=upload.chunks(),
            )
        services.problem_rectify(
            actor=request.user,  # type: ignore[arg-type]
            problem=problem,
            rectification=request.POST.get("rectification", ""),
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Rectification reported."))
    return redirect("supervision:problem", pk=pk)


@require_POST
@scoped(Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.SUPERVISOR)
def problem_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get(request.user, pk)
    try:
        services.problem_verify(
            actor=request.user,  # type: ignore[arg-type]
            problem=problem,
            accept=request.POST.get("accept") == "1",
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Verification recorded."))
    return redirect("supervision:problem", pk=pk)


@require_http_methods(["GET", "POST"])
@scoped(*READERS)
def items_view(request: HttpRequest) -> HttpResponse:
    today = business_today()
    if request.method == "POST":
        try:
            owner_type = request.POST.get("owner_type", "")
            services.item_create(
                actor=request.user,  # type: ignore[arg-type]
                title=request.POST.get("title", ""),
                pillar=request.POST.get("pillar", ""),
                owner_type=owner_type,
                owner=request.POST.get(f"owner_{owner_type}", "").strip(),
                due_on=_date(request.POST.get("due_on")),
            )
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Item added."))
            return redirect("supervision:items")
    get = request.GET
    mine = get.get("mine") == "1"
    items = (
        selectors.items_owned(request.user, limit=200)
        if mine
        else selectors.item_list(
            request.user,
            town_code=get.get("town", ""),
            department_id=_int(get.get("department")),
            owner_type=get.get("owner_type", ""),
            status=get.get("status", ""),
            overdue_on=today if get.get("overdue") else None,
        )
    )
    return render(
        request,
        "supervision/items.html",
        {
            "items": items,
            "today": today,
            "mine": mine,
            "get": get,
            "owned_ids": {i.pk for i in selectors.items_owned(request.user, limit=500)},
            "can_manage": policies.can_manage_items(request.user),
            "pillars": Pillar.choices,
            "statuses": ItemStatus.choices,
            "towns": reports.towns_in_scope(request.user),
            "names": selectors.region_names({i.town_code for i in items}),
            **_owner_choices(request.user),
        },
    )


@require_POST
@scoped(*READERS)
def item_done_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_get(request.user, pk)
    if item.pk not in {i.pk for i in selectors.items_owned(request.user, limit=500)} and not (
        policies.can_manage_items(request.user)
    ):
        raise Http404
    try:
        services.item_complete(actor=request.user, item=item)  # type: ignore[arg-type]
    except DomainError as exc:
        _error(request, exc)
    return redirect(
        "supervision:home" if request.POST.get("next") == "home" else "supervision:items"
    )


@require_http_methods(["GET"])
@scoped(*READERS)
def organisation_view(request: HttpRequest) -> HttpResponse:
    today = business_today()
    groups = list(selectors.groups_visible(request.user).prefetch_related("units"))
    assignments = list(selectors.group_towns(request.user, on=today))
    teams = selectors.teams_with_flags(request.user, on=today)
    commanders = list(
        selectors.commanders_visible(request.user).prefetch_related(
            "town_rows", "dept_rows__department"
        )
    )
    codes = {a.town_code for a in assignments} | {t.team.village_code for t in teams}
    codes |= {r.town_code for c in commanders for r in c.town_rows.all()}
    return render(
        request,
        "supervision/organisation.html",
        {
            "groups": groups,
            "assignments": assignments,
            "teams": teams,
            "today": today,
            "commanders": commanders,
            "names": selectors.region_names(codes),
            "flagged": [t for t in teams if t.no_secretary or t.below_size],
        },
    )


@require_http_methods(["GET"])
@scoped(*READERS)
def projects_view(request: HttpRequest) -> HttpResponse:
    projects = list(selectors.projects_visible(request.user).order_by("kind", "category", "code"))
    return render(
        request,
        "supervision/projects.html",
        {
            "projects": projects,
            "names": selectors.region_names(
                {p.town_code for p in projects} | {p.village_code for p in projects}
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@scoped(*READERS)
def project_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(request.user, pk)
    if request.method == "POST":
        try:
            services.progress_report(
                actor=request.user,  # type: ignore[arg-type]
                project=project,
                reported_on=_date(request.POST.get("reported_on")),  # type: ignore[arg-type]
                value=request.POST.get("value", ""),
                note=request.POST.get("note", ""),
            )
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Progress reported."))
            return redirect("supervision:project", pk=pk)
    return render(
        request,
        "supervision/project.html",
        {
            "project": project,
            "reports": project.reports.select_related("reporter"),
            "milestones": project.milestones.all(),
            "today": business_today(),
            "can_report": policies.can_report_progress(request.user),
        },
    )


@require_http_methods(["GET"])
@scoped(*READERS)
def gaps_view(request: HttpRequest) -> HttpResponse:
    rows, standards, total = reports.gap_list(request.user)
    names = selectors.region_names({r.village.town_code for r in rows})
    return render(
        request,
        "supervision/gaps.html",
        {"rows": rows, "standards": standards, "total": total, "names": names},
    )


@require_http_methods(["GET"])
@scoped(*READERS)
def response_view(request: HttpRequest) -> HttpResponse:
    today = business_today()
    since = _date(request.GET.get("since")) or date(today.year, 1, 1)
    until = _date(request.GET.get("until")) or today
    report = reports.response_report(request.user, since=since, until=until, today=today)
    return render(
        request,
        "supervision/response.html",
        {
            "report": report,
            "since": since,
            "until": until,
            "stages": Stage.choices,
            "stage_labels": dict(Stage.choices),
        },
    )
