"""Monitoring pages: my tasks, case list and timeline with the step forms, leads, declarations,
notices (staff board and the public notice), alert import with its report, indicators, and a
household's monitoring dossier (income observations, measures, the elimination guard).

Every staff view is `@scoped` and reads through the scoped selectors; the two public pages are
`@exempt` with their reason: the notice shows only the whitelisted serializer's fields, and the
declaration form reads nothing and answers the same whether or not the person is registered.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zhenxing.accounts.access import exempt, scoped
from zhenxing.accounts.roles import Role
from zhenxing.accounts.scope import scope_of
from zhenxing.core.errors import DomainError
from zhenxing.core.ratelimit import rate_limited
from zhenxing.core.timeutil import business_today
from zhenxing.core.uploads import (
    ALLOWED_SUFFIXES,
    MAX_BYTES,
    UploadErrorCode,
    private_dir,
    remove_private,
    save_upload,
)
from zhenxing.households.choices import MonitoringType
from zhenxing.households.selectors import town_options, village_options
from zhenxing.monitoring import domain, imports, notices, policies, selectors, services
from zhenxing.monitoring.models import (
    STATE_LABELS,
    AlertImport,
    AlertSource,
    Channel,
    IncomeObservation,
    LeadStatus,
    Measure,
    MeasureKind,
    Notice,
)
from zhenxing.monitoring.parameters import params_for
from zhenxing.regions.models import Division
from zhenxing.screening.models import RiskType

STAFF = (Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER, Role.CADRE, Role.SUPERVISOR)
OFFICE = (Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER)
PAGE_SIZE = 50
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _today() -> date:
    return business_today()


def _error(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.message)


def _names(codes: list[str]) -> dict[str, str]:
    return selectors.region_names(codes)


# ---------------------------------------------------------------- tasks and cases


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


# ---------------------------------------------------------------- leads and declarations


@require_http_methods(["GET"])
@scoped(*STAFF)
def leads_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    leads = selectors.leads_visible(request.user).select_related("household")
    if status in LeadStatus.values:
        leads = leads.filter(status=status)
    page = Paginator(leads.order_by("due_on", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/leads.html",
        {
            "page": page,
            "status": status,
            "statuses": LeadStatus.choices,
            "today": _today(),
            "can_accept": policies.can_accept_lead(request.user),
            "can_screen": policies.can_run_screening_leads(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@scoped(Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER, Role.CADRE)
def lead_new_view(request: HttpRequest) -> HttpResponse:
    """A visit finding, or a declaration an officer or cadre fills in for a household."""
    household = selectors.household_in_scope(
        request.user, int(request.GET.get("household") or request.POST.get("household") or 0)
    )
    if request.method == "POST":
        try:
            found = request.POST.get("found_on", "")
            services.lead_record(
                actor=request.user,  # type: ignore[arg-type]
                household=household,
                channel=request.POST.get("channel", ""),
                detail=request.POST.get("detail", ""),
                risk_types=request.POST.getlist("risk_types"),
                found_on=date.fromisoformat(found) if found else None,
            )
        except ValueError:
            messages.error(request, _("The date is not valid."))
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("The lead was recorded."))
            return redirect("monitoring:household", pk=household.pk)
    return render(
        request,
        "monitoring/lead_new.html",
        {
            "household": household,
            "risks": RiskType.choices,
            "channels": [(Channel.VISIT, Channel.VISIT.label),
                         (Channel.DECLARATION, Channel.DECLARATION.label)],
            "today": _today(),
        },
    )  # fmt: skip


@require_POST
@scoped(*OFFICE)
def lead_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    lead = selectors.lead_get(request.user, pk)
    try:
        case = services.lead_accept(actor=request.user, lead=lead)  # type: ignore[arg-type]
    except DomainError as exc:
        _error(request, exc)
        return redirect("monitoring:leads")
    return redirect("monitoring:case", pk=case.pk)


@require_POST
@scoped(*OFFICE)
def lead_dismiss_view(request: HttpRequest, pk: int) -> HttpResponse:
    lead = selectors.lead_get(request.user, pk)
    try:
        services.lead_dismiss(
            actor=request.user,  # type: ignore[arg-type]
            lead=lead,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        _error(request, exc)
    return redirect("monitoring:leads")


@require_POST
@scoped(Role.DISTRICT_STAFF, Role.TOWN_STAFF)
def leads_screening_view(request: HttpRequest) -> HttpResponse:
    try:
        n = services.leads_from_screening(actor=request.user)  # type: ignore[arg-type]
        messages.success(request, _("%(n)s leads were created from the screening.") % {"n": n})
    except DomainError as exc:
        _error(request, exc)
    return redirect("monitoring:leads")


@require_http_methods(["GET"])
@scoped(*OFFICE)
def declarations_view(request: HttpRequest) -> HttpResponse:
    declarations = selectors.declarations_visible(request.user).filter(status="unmatched")
    names = _names([d.village_code for d in declarations[:200]])
    return render(
        request,
        "monitoring/declarations.html",
        {"declarations": declarations[:200], "names": names},
    )


@require_POST
@scoped(*OFFICE)
def declaration_link_view(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = selectors.declaration_get(request.user, pk)
    try:
        household = selectors.household_in_scope(
            request.user, int(request.POST.get("household") or 0)
        )
        services.declaration_link(
            actor=request.user,  # type: ignore[arg-type]
            declaration=declaration,
            household=household,
        )
        messages.success(request, _("A pending lead was created for the household."))
    except DomainError as exc:
        _error(request, exc)
    return redirect("monitoring:declarations")


@require_POST
@scoped(*OFFICE)
def declaration_dismiss_view(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = selectors.declaration_get(request.user, pk)
    try:
        services.declaration_dismiss(
            actor=request.user,  # type: ignore[arg-type]
            declaration=declaration,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        _error(request, exc)
    return redirect("monitoring:declarations")


# ---------------------------------------------------------------- notices


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


def _file(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    response["Cache-Control"] = "no-store"
    return response


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


def _public_notice(public_id: uuid.UUID) -> Notice:
    notice = Notice.objects.filter(public_id=public_id).first()
    if notice is None:
        raise Http404
    return notice


@require_http_methods(["GET"])
@rate_limited("notice")
@exempt("public notice (公示): shows only the whitelisted serializer's fields (security.md D3)")
def public_notice_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    public = notices.notice_public(_public_notice(public_id))
    return render(request, "monitoring/notice_public.html", {"public": public, "id": public_id})


@require_http_methods(["GET"])
@rate_limited("notice")
@exempt("public notice (公示) as PDF: only the whitelisted serializer's fields")
def public_notice_pdf_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    public = notices.notice_public(_public_notice(public_id))
    return _file(notices.render_pdf(public), PDF, "notice.pdf")


def _villages_for_form() -> list[tuple[str, list[Division]]]:
    towns = {d.code: d.name for d in Division.objects.filter(level="town", valid_to__isnull=True)}
    grouped: dict[str, list[Division]] = {}
    for village in Division.objects.filter(level="village", valid_to__isnull=True).order_by("code"):
        grouped.setdefault(towns.get(village.town_code, ""), []).append(village)
    return sorted(grouped.items())


@require_http_methods(["GET", "POST"])
@rate_limited("declaration")
@exempt("public self-declaration form: reads no registry data, answers alike for everyone")
def public_declare_view(request: HttpRequest) -> HttpResponse:
    """农户自主申报. CSRF-protected (Django's middleware), rate-limited per address, and the
    answer never says whether the person is registered nor echoes what was typed."""
    if request.method == "POST":
        try:
            receipt = services.declaration_receive(
                name=request.POST.get("name", ""),
                id_number=request.POST.get("id_number", ""),
                village_code=request.POST.get("village", ""),
                phone=request.POST.get("phone", ""),
                what_happened=request.POST.get("what_happened", ""),
                ip=request.META.get("REMOTE_ADDR") or "",
            )
        except DomainError as exc:
            status = 429 if exc.code.code == "monitoring.rate_limited" else 400
            return render(
                request,
                "monitoring/declare.html",
                {"error": exc, "villages": _villages_for_form()},
                status=status,
            )
        return render(request, "monitoring/declared.html", {"reference": receipt.reference})
    return render(request, "monitoring/declare.html", {"villages": _villages_for_form()})


# ---------------------------------------------------------------- alert import


def _alert_meta(key: uuid.UUID) -> dict[str, Any]:
    try:
        data = json.loads((private_dir(key, "alerts") / "meta.json").read_text("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _alert_file(key: uuid.UUID) -> Path | None:
    for suffix in ALLOWED_SUFFIXES:
        path = private_dir(key, "alerts") / f"alerts{suffix}"
        if path.exists():
            return path
    return None


@require_http_methods(["GET", "POST"])
@scoped(Role.DISTRICT_STAFF)
def alerts_view(request: HttpRequest) -> HttpResponse:
    """Upload → guards → check (every row validated and matched) → the report; the file is
    kept privately until the user commits or discards it."""
    if not policies.can_import_alerts(request.user):
        raise PermissionDenied("alerts_import")
    context: dict[str, Any] = {
        "sources": AlertSource.choices,
        "imports": AlertImport.objects.filter(county_code=scope_of(request.user).county_code)[:20],
        "max_mb": MAX_BYTES // (1024 * 1024),
    }
    if request.method == "POST":
        upload = request.FILES.get("file")
        source = request.POST.get("source", "")
        if upload is None:
            messages.error(request, _("Choose a file to upload."))
            return render(request, "monitoring/alerts.html", context)
        suffix = Path(upload.name or "").suffix.lower()
        key = uuid.uuid4()
        folder = private_dir(key, "alerts")
        path = folder / f"alerts{suffix if suffix in ALLOWED_SUFFIXES else '.bin'}"
        try:
            save_upload(upload.chunks(), path)
            report, _matched = imports.alerts_check(
                path, actor=request.user, source=source, name=upload.name
            )
            (folder / "meta.json").write_text(
                json.dumps({"user": request.user.pk, "source": source,
                            "name": (upload.name or "")[:120]}),
                "utf-8",
            )  # fmt: skip
        except DomainError as exc:
            remove_private(folder)
            _error(request, exc)
            return render(request, "monitoring/alerts.html", context)
        context.update({"report": report, "key": key, "summary": report.summary()})
    return render(request, "monitoring/alerts.html", context)


@require_POST
@scoped(Role.DISTRICT_STAFF)
def alerts_commit_view(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    meta = _alert_meta(key)
    path = _alert_file(key)
    if meta.get("user") != request.user.pk or path is None:
        raise Http404
    try:
        if request.POST.get("discard") == "1":
            messages.info(request, _("The uploaded file was deleted."))
            return redirect("monitoring:alerts")
        report = imports.alerts_import(
            path,
            actor=request.user,
            source=str(meta.get("source", "")),
            commit=True,
            skip_invalid=request.POST.get("skip_invalid") == "1",
            name=str(meta.get("name", "")),
        )
        messages.success(request, _("%(n)s leads were created.") % {"n": report.leads_created})
    except imports.AlertRefused as exc:
        messages.error(request, exc.error.message)
    except DomainError as exc:
        _error(request, exc)
    finally:
        remove_private(private_dir(key, "alerts"))  # D5: the file goes whatever happened
    return redirect("monitoring:alerts")


# ---------------------------------------------------------------- indicators and household


def _period(request: HttpRequest) -> tuple[date, date]:
    today = _today()
    try:
        start = date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = date(today.year, 1, 1)
    try:
        end = date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    return start, max(start, end)


@require_http_methods(["GET"])
@scoped(Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER, Role.SUPERVISOR)
def indicators_view(request: HttpRequest) -> HttpResponse:
    start, end = _period(request)
    data = selectors.indicators(
        request.user, start=start, end=end, today=_today(), town_code=request.GET.get("town", "")
    )
    names = _names([r.code for r in data.rows])
    names.update(
        dict(
            Division.objects.filter(
                code__in=[r.code for r in data.rows], valid_to__isnull=True
            ).values_list("code", "name")
        )
    )
    return render(
        request,
        "monitoring/indicators.html",
        {
            "data": data,
            "names": names,
            "types": MonitoringType.choices,
            "risks": RiskType.choices,
            "start": start,
            "end": end,
        },
    )


@require_http_methods(["GET", "POST"])
@scoped(*STAFF)
def household_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A household's monitoring dossier; POST records income, a measure, or opens elimination."""
    household = selectors.household_in_scope(request.user, pk)
    if request.method == "POST":
        form = request.POST.get("form", "")
        try:
            if form == "income":
                services.income_observe(
                    actor=request.user,  # type: ignore[arg-type]
                    household=household,
                    month=date.fromisoformat(request.POST.get("month", "") + "-01"),
                    per_capita_yuan=request.POST.get("per_capita", ""),
                )
            elif form == "measure":
                done = request.POST.get("done_on", "")
                services.measure_record(
                    actor=request.user,  # type: ignore[arg-type]
                    household=household,
                    kind=request.POST.get("kind", ""),
                    done_on=date.fromisoformat(done) if done else None,
                    note=request.POST.get("note", ""),
                )
            elif form == "measure_done":
                measure = selectors.measure_get(request.user, int(request.POST.get("measure", 0)))
                services.measure_done(actor=request.user, measure=measure)  # type: ignore[arg-type]
            elif form == "elimination":
                case = services.elimination_open(
                    actor=request.user,  # type: ignore[arg-type]
                    household=household,
                    notes=request.POST.get("notes", ""),
                )
                return redirect("monitoring:case", pk=case.pk)
            messages.success(request, _("Saved."))
        except ValueError:
            messages.error(request, _("The date is not valid."))
        except DomainError as exc:
            _error(request, exc)
        return redirect("monitoring:household", pk=household.pk)
    today = _today()
    refusals = []
    if household.monitoring_type:
        facts = selectors.elimination_facts(household, as_of=today)
        refusals = domain.elimination_refusals(facts)
    return render(
        request,
        "monitoring/household.html",
        {
            "household": household,
            "cases": selectors.cases_visible(request.user).filter(household=household),
            "leads": selectors.leads_visible(request.user).filter(household=household)[:50],
            "incomes": IncomeObservation.objects.filter(household=household).order_by("-month")[
                :24
            ],
            "measures": Measure.objects.filter(household=household),
            "measure_kinds": MeasureKind.choices,
            "refusals": refusals,
            "this_month": f"{today:%Y-%m}",
            "last_month": f"{domain.add_months(domain.first_of_month(today), -1):%Y-%m}",
            "today": today,
            "can_eliminate": policies.can_open_elimination(request.user)
            and bool(household.monitoring_type),
        },
    )
