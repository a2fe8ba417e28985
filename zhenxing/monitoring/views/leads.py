"""Lead pages: the lead list, a new lead (visit finding or officer-filled declaration), accept,
dismiss, leads from the latest screening; and the officer's review of unmatched public
declarations (link to a household, or dismiss)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zhenxing.accounts.access import scoped
from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role
from zhenxing.monitoring import policies, selectors, services
from zhenxing.monitoring.models import Channel, DeclarationStatus, LeadStatus
from zhenxing.monitoring.views._common import OFFICE, PAGE_SIZE, STAFF, _error, _names, _today
from zhenxing.screening.models import RiskType


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
    declarations = selectors.declarations_visible(request.user).filter(
        status=DeclarationStatus.UNMATCHED
    )
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
