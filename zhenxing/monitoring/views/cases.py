"""Case pages: my tasks, the case list, a case's timeline with its step forms, and taking a
step (with attachment metadata). Every view is `@scoped` and reads through the scoped selectors.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zhenxing.accounts.access import scoped
from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role
from zhenxing.core.uploads import MAX_BYTES, UploadErrorCode
from zhenxing.households.choices import MonitoringType
from zhenxing.households.selectors import town_options, village_options
from zhenxing.monitoring import domain, selectors, services
from zhenxing.monitoring.models import STATE_LABELS
from zhenxing.monitoring.views._common import PAGE_SIZE, STAFF, _error, _names, _today
from zhenxing.screening.models import RiskType


@require_http_methods(["GET"])
@scoped(*STAFF)
def tasks_view(request: HttpRequest) -> HttpResponse:
    today = _today()
    tasks = selectors.tasks_for(request.user, today=today)
    return render(
        request,
        "monitoring/tasks.html",
        {"tasks": tasks, "today": today, "labels": STATE_LABELS},
    )


@require_http_methods(["GET"])
@scoped(*STAFF)
def case_list_view(request: HttpRequest) -> HttpResponse:
    today = _today()
    town = request.GET.get("town", "").strip()
    village = request.GET.get("village", "").strip()
    cases = selectors.case_list(
        request.user,
        town_code=town,
        village_code=village,
        kind=request.GET.get("kind", ""),
        state=request.GET.get("state", ""),
        open_only=request.GET.get("all") != "1",
        overdue_on=today if request.GET.get("overdue") == "1" else None,
    ).select_related("household")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    names = _names([c.village_code for c in page])
    rows = [
        {
            "case": c,
            "village": names.get(c.village_code, c.village_code),
            "overdue": domain.is_overdue(c.due_on, today) and c.is_open,
        }
        for c in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "monitoring/cases.html",
        {
            "page": page,
            "rows": rows,
            "towns": town_options(request.user),
            "villages": village_options(request.user, town) if town else [],
            "town": town,
            "village": village,
            "states": list(STATE_LABELS.items()),
            "query": query.urlencode(),
        },
    )


def _step_context(request: HttpRequest, case: Any) -> dict[str, Any]:
    actions = selectors.case_actions(request.user, case)
    return {
        "case": case,
        "steps": selectors.case_timeline(case),
        "actions": [(t.action, services.ACTION_LABELS.get(t.action, t.action)) for t in actions],
        "action_codes": {t.action for t in actions},
        "types": MonitoringType.choices,
        "risks": RiskType.choices,
        "case_risks": services.risk_types_of(case.risk_mask),
        "today": _today(),
        "overdue": case.is_open and domain.is_overdue(case.due_on, _today()),
        "leads": case.leads.all(),
        "objections": case.objections.all() if case.notice_id else [],
    }


@require_http_methods(["GET"])
@scoped(*STAFF)
def case_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(request.user, pk)
    return render(request, "monitoring/case.html", _step_context(request, case))


def _attachments(request: HttpRequest) -> list[dict[str, Any]]:
    files = request.FILES.getlist("attachments")
    if sum(f.size or 0 for f in files) > MAX_BYTES:
        raise DomainError(UploadErrorCode.TOO_LARGE, size_mb=">20", limit_mb="20")
    return [services.attachment_meta(f.name or "file", f.read()) for f in files]


@require_POST
@scoped(Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER, Role.CADRE)
def case_step_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    case = selectors.case_get(request.user, pk)
    post = request.POST
    data: dict[str, Any] = {
        key: post.get(key, "")
        for key in (
            "monitoring_type",
            "authorised_on",
            "evaluated_on",
            "attendees",
            "votes_for",
            "votes_against",
            "start_date",
        )
        if post.get(key, "") != ""
    }
    data["risk_types"] = post.getlist("risk_types")
    data["consent"] = post.get("consent") == "1"
    data["departments"] = [d for d in post.get("departments", "").split("、") if d.strip()]
    try:
        services.case_advance(
            actor=request.user,  # type: ignore[arg-type]
            case=case,
            action=action,
            notes=post.get("notes", ""),
            attachments=_attachments(request),
            data=data,
        )
        messages.success(request, _("The step was recorded."))
    except DomainError as exc:
        _error(request, exc)
    return redirect("monitoring:case", pk=case.pk)
