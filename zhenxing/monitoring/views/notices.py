"""Notice pages for staff: the notice board, publishing a notice for a village's evaluated
cases, a notice with its objections, its PDF and spreadsheet, and recording or resolving an
objection."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zhenxing.accounts.access import scoped
from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role
from zhenxing.monitoring import domain, notices, policies, selectors, services
from zhenxing.monitoring.parameters import params_for
from zhenxing.monitoring.views._common import (
    OFFICE,
    PAGE_SIZE,
    PDF,
    STAFF,
    XLSX,
    _error,
    _file,
    _names,
    _today,
)


@require_http_methods(["GET"])
@scoped(*STAFF)
def notices_view(request: HttpRequest) -> HttpResponse:
    """The notice board: notices in scope, those still running first."""
    board = selectors.notices_visible(request.user).order_by("-end_date", "-published_at")
    page = Paginator(board, PAGE_SIZE).get_page(request.GET.get("page"))
    names = _names([n.village_code for n in page])
    now = timezone.now()
    rows = [
        {
            "notice": n,
            "village": names.get(n.village_code, n.village_code),
            "running": domain.notice_running(n.end_date, n.published_at, now),
        }
        for n in page
    ]
    evaluated = (
        selectors.cases_visible(request.user)
        .filter(state=domain.State.EVALUATED, decided_on__isnull=True)
        .values_list("village_code", flat=True)
        .distinct()
    )
    villages = sorted(set(evaluated))
    return render(
        request,
        "monitoring/notices.html",
        {"page": page, "rows": rows, "villages": villages, "village_names": _names(villages)},
    )


@require_http_methods(["GET", "POST"])
@scoped(Role.TOWN_STAFF, Role.VILLAGE_OFFICER)
def notice_new_view(request: HttpRequest) -> HttpResponse:
    village = request.GET.get("village") or request.POST.get("village") or ""
    candidates = list(
        selectors.cases_visible(request.user)
        .filter(village_code=village, state=domain.State.EVALUATED, decided_on__isnull=True)
        .select_related("household")
        .order_by("kind", "id")
    )
    if request.method == "POST":
        chosen = {int(i) for i in request.POST.getlist("cases") if i.isdigit()}
        try:
            end = date.fromisoformat(request.POST.get("end_date", ""))
            notice = services.notice_publish(
                actor=request.user,  # type: ignore[arg-type]
                cases=[c for c in candidates if c.pk in chosen],
                end_date=end,
            )
        except ValueError:
            messages.error(request, _("The date is not valid."))
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("The notice was published."))
            return redirect("monitoring:notice", pk=notice.pk)
    min_days = params_for(year=_today().year, region_code=village or "000000")
    earliest = domain.notice_earliest_end(timezone.now(), min_days.notice_min_days)
    return render(
        request,
        "monitoring/notice_new.html",
        {
            "village": village,
            "village_name": _names([village]).get(village, village),
            "candidates": candidates,
            "earliest": earliest,
            "min_days": min_days.notice_min_days,
        },
    )


@require_http_methods(["GET"])
@scoped(*STAFF)
def notice_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get(request.user, pk)
    public = notices.notice_public(notice)
    now = timezone.now()
    return render(
        request,
        "monitoring/notice.html",
        {
            "notice": notice,
            "public": public,
            "objections": notice.objections.select_related("case__household"),
            "cases": selectors.cases_visible(request.user).filter(notice=notice),
            "running": domain.notice_running(notice.end_date, notice.published_at, now),
            "can_object": policies.can_record_objection(request.user),
        },
    )


@require_http_methods(["GET"])
@scoped(*STAFF)
def notice_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get(request.user, pk)
    return _file(notices.render_pdf(notices.notice_public(notice)), PDF, f"notice-{pk}.pdf")


@require_http_methods(["GET"])
@scoped(*STAFF)
def notice_xlsx_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get(request.user, pk)
    return _file(notices.render_xlsx(notices.notice_public(notice)), XLSX, f"notice-{pk}.xlsx")


@require_POST
@scoped(*OFFICE)
def objection_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get(request.user, pk)
    case = None
    if request.POST.get("case"):
        case = selectors.case_get(request.user, int(request.POST["case"]))
    try:
        services.objection_record(
            actor=request.user,  # type: ignore[arg-type]
            notice=notice,
            summary=request.POST.get("summary", ""),
            case=case,
        )
        messages.success(request, _("The objection was recorded."))
    except DomainError as exc:
        _error(request, exc)
    return redirect("monitoring:notice", pk=notice.pk)


@require_POST
@scoped(*OFFICE)
def objection_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    objection = selectors.objection_get(request.user, pk)
    try:
        services.objection_resolve(
            actor=request.user,  # type: ignore[arg-type]
            objection=objection,
            resolution=request.POST.get("resolution", ""),
            upheld=request.POST.get("upheld") == "1",
        )
    except DomainError as exc:
        _error(request, exc)
    return redirect("monitoring:notice", pk=objection.notice_id)
