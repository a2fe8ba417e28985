"""Assistance pages: a cadre's and an officer's households, the household's plan and visits,
the visit form, and the district's reports (coverage, quota, indicators, 六统一)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhenxing.accounts.access import exempt, scoped
from zhenxing.accounts.models import User
from zhenxing.assistance import policies, selectors
from zhenxing.assistance.forms import PairingUploadForm, VisitForm
from zhenxing.assistance.models import (
    Discrepancy,
    ItemStatus,
    OfficerAssignment,
    PlanItem,
    PrintStamp,
)
from zhenxing.assistance.services import (
    VisitDraft,
    discrepancies_refresh,
    discrepancy_resolve,
    item_accept,
    item_reject,
    plans_propose,
    stamp_print,
    visit_record,
)
from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role
from zhenxing.core.scope import get_in_scope
from zhenxing.core.timeutil import business_today
from zhenxing.households.models import CadrePairing, HouseholdFacts, IncomeLine, Member
from zhenxing.households.selectors import household_get

FIELD = (Role.VILLAGE_OFFICER, Role.CADRE)
STAFF = (Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER, Role.SUPERVISOR)
ALL = (*STAFF, Role.CADRE)


def _me(request: HttpRequest) -> Any:
    return request.user


def _county(request: HttpRequest) -> str:
    region = _me(request).region
    return region.county_code if region else ""


def _error(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, DomainError):
        messages.error(request, exc.message_zh)
    else:
        messages.error(request, str(exc))


@scoped(*ALL)
def home_view(request: HttpRequest) -> HttpResponse:
    if _me(request).role in FIELD:
        return redirect("assistance:mine")
    return redirect("assistance:overview")


@scoped(*FIELD)
def mine_view(request: HttpRequest) -> HttpResponse:
    """ "My households": class, plan items due, last and next visit; overdue first."""
    today = business_today()
    rows = selectors.due_list(request.user, today=today)
    return render(
        request,
        "assistance/mine.html",
        {
            "rows": rows,
            "overdue": sum(1 for r in rows if r.due and r.due.overdue),
            "items_due": sum(r.items_due for r in rows),
            "today": today,
        },
    )


@scoped(*ALL)
def household_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = household_get(request.user, pk)
    today = business_today()
    target = selectors.current_targets(household.county_code, [household.pk]).get(household.pk, "")
    items = (
        selectors.items_visible(request.user)
        .filter(county_code=household.county_code, household=household)
        .select_related("kind", "member", "responsible")
        .order_by("-plan__year", "due_on")
    )
    pairings = (
        CadrePairing.objects.filter(county_code=household.county_code, household=household)
        .select_related("cadre")
        .order_by("-since")
    )
    officers = (
        OfficerAssignment.objects.filter(county_code=household.county_code, household=household)
        .select_related("officer")
        .order_by("-since")
    )
    return render(
        request,
        "assistance/household.html",
        {
            "household": household,
            "target": target,
            "items": items,
            "measures": selectors.measures_visible(request.user)
            .filter(county_code=household.county_code, household=household)
            .select_related("kind", "member"),
            "pairings": pairings,
            "officers": officers,
            "visits": selectors.visits_visible(request.user)
            .filter(county_code=household.county_code, household=household)
            .select_related("visitor")[:20],
            "stamps": PrintStamp.objects.filter(
                county_code=household.county_code, household=household
            ).order_by("document", "-version"),
            "can_review": policies.can_review_plan(request.user),
            "can_visit": policies.can_visit(request.user),
            "can_print": policies.can_print(request.user),
            "today": today,
        },
    )


@scoped(Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER)
@require_POST
def item_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_in_scope(selectors.items_visible(request.user), object_type="plan_item", pk=pk)
    try:
        if request.POST.get("action") == "reject":
            item_reject(actor=request.user, item=item, reason=request.POST.get("reason", ""))
            messages.success(request, _("The item was rejected."))
        else:
            responsible = None
            if request.POST.get("responsible"):
                responsible = User.objects.filter(pk=request.POST["responsible"]).first()
            due = request.POST.get("due_on") or None
            item_accept(
                actor=request.user, item=item, responsible=responsible,
                due_on=date.fromisoformat(due) if due else None,
                amount=request.POST.get("amount") or None, note=request.POST.get("note") or None,
            )  # fmt: skip
            messages.success(request, _("The item was accepted and its measure recorded."))
    except (DomainError, ValueError) as exc:
        _error(request, exc)
    return redirect("assistance:household", pk=item.household_id)


def _prefill(household: Any) -> dict[str, Any]:
    """What the visitor confirms instead of re-typing: members, facts, incomes, plan items,
    the latest settled benefit-chain income."""
    incomes = IncomeLine.objects.filter(household=household).order_by("-year", "kind")
    return {
        "members": Member.objects.filter(household=household, status="active").order_by("pk"),
        "facts": HouseholdFacts.objects.filter(household=household).first(),
        "incomes": incomes[:8],
        "settled": incomes.exclude(source_ref="").first(),
        "open_items": PlanItem.objects.filter(
            county_code=household.county_code, household=household, status=ItemStatus.ACCEPTED
        ).select_related("kind", "member"),
    }


def _changed_facts(facts: Any, post: Any) -> dict[str, str]:
    """Only the facts the visitor changed from the pre-filled record."""
    changed = {}
    for key, value in post.items():
        name = key.removeprefix("fact_")
        text = str(value).strip()
        known = key.startswith("fact_") and facts is not None and hasattr(facts, name)
        if known and text and text != str(getattr(facts, name)):
            changed[name] = text
    return changed


@scoped(*FIELD, Role.DISTRICT_STAFF, Role.TOWN_STAFF)
def visit_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = household_get(request.user, pk)
    context = _prefill(household)
    if request.method == "POST":
        form = VisitForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            draft = VisitDraft(
                visited_on=data["visited_on"], met=data["met"], checked=data["checked"],
                findings=data["findings"], differs=data["differs"], hardship=data["hardship"],
                hardship_detail=data["hardship_detail"],
                item_status={
                    int(k.removeprefix("item_")): v
                    for k, v in request.POST.items()
                    if k.startswith("item_") and v in ("started", "done")
                },
                versions={
                    d: data[f"{d}_version"]
                    for d in ("archive", "board", "handbook")
                    if data[f"{d}_version"] is not None
                },
                facts_changes=_changed_facts(context["facts"], request.POST),
            )  # fmt: skip
            photo = request.FILES.get("photo")
            name = (photo.name or "") if photo else ""
            try:
                visit_record(
                    actor=request.user, household=household, draft=draft,
                    photo=photo.file if photo else None, photo_name=name,
                )  # fmt: skip
                messages.success(request, _("The visit was recorded."))
                return redirect("assistance:household", pk=household.pk)
            except (DomainError, PermissionDenied) as exc:
                if isinstance(exc, DomainError) and exc.field in form.fields:
                    form.add_error(exc.field, exc.message_zh)
                else:
                    _error(request, exc)
    else:
        form = VisitForm(initial={"visited_on": business_today()})
    return render(
        request, "assistance/visit.html", {"household": household, "form": form, **context}
    )


# ---------------------------------------------------------------- reports


@scoped(*STAFF)
def overview_view(request: HttpRequest) -> HttpResponse:
    today = business_today()
    return render(
        request,
        "assistance/overview.html",
        {
            "indicators": selectors.indicators(request.user, today=today),
            "coverage": selectors.coverage(request.user),
            "quota": selectors.officer_quota(request.user),
            "can_propose": policies.can_propose_plans(request.user),
            "year": today.year,
        },
    )


@scoped(Role.DISTRICT_STAFF)
@require_POST
def propose_view(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    try:
        counts = plans_propose(actor=request.user, county_code=county, year=business_today().year)
        messages.success(
            request,
            _("Plans proposed: %(plans)s households, %(added)s new items, %(dropped)s dropped.")
            % {
                "plans": counts["plans"],
                "added": counts["items_added"],
                "dropped": counts["items_dropped"],
            },
        )
    except DomainError as exc:
        _error(request, exc)
    return redirect("assistance:overview")


@scoped(*STAFF)
def discrepancies_view(request: HttpRequest) -> HttpResponse:
    village = request.GET.get("village", "")
    return render(
        request,
        "assistance/discrepancies.html",
        {
            "report": selectors.discrepancy_report(request.user, village_code=village),
            "village": village,
            "can_resolve": policies.can_resolve(request.user),
        },
    )


@scoped(Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER)
@require_POST
def discrepancies_refresh_view(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    added = discrepancies_refresh(actor=request.user, county_code=county)
    messages.success(request, _("%(n)s new discrepancies found.") % {"n": added})
    return redirect("assistance:discrepancies")


@scoped(Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER)
@require_POST
def discrepancy_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    found: Discrepancy = get_in_scope(
        selectors.discrepancies_visible(request.user), object_type="discrepancy", pk=pk
    )
    try:
        discrepancy_resolve(
            actor=request.user, discrepancy=found, resolution=request.POST.get("resolution", "")
        )
        messages.success(request, _("Resolved."))
    except DomainError as exc:
        _error(request, exc)
    return redirect("assistance:discrepancies")


@scoped(Role.DISTRICT_STAFF, Role.TOWN_STAFF)
def pairing_import_view(request: HttpRequest) -> HttpResponse:
    from zhenxing.assistance.imports import pairings_import

    report = None
    form = PairingUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = pairings_import(
            actor=request.user, chunks=upload.chunks(), name=upload.name,
            since=business_today(), commit=request.POST.get("commit") == "1",
        )  # fmt: skip
    return render(request, "assistance/pairing_import.html", {"form": form, "report": report})


# ---------------------------------------------------------------- printed documents


@scoped(Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER)
@require_POST
def handbook_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Stamp a new handbook version and return its PDF."""
    from django.http import HttpResponse as Response

    from zhenxing.assistance.handbook import render_handbook

    household = household_get(request.user, pk)
    stamp = stamp_print(actor=request.user, household=household, document="handbook")
    pdf = render_handbook(household, stamp, base_url=request.build_absolute_uri("/")[:-1])
    response = Response(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="handbook-{household.household_no}-v{stamp.version}.pdf"'
    )
    return response


@scoped(Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER)
@require_POST
def print_view(request: HttpRequest, pk: int, document: str) -> HttpResponse:
    household = household_get(request.user, pk)
    try:
        stamp = stamp_print(actor=request.user, household=household, document=document)
        messages.success(request, _("Printed version v%(v)s.") % {"v": stamp.version})
    except DomainError as exc:
        _error(request, exc)
    return redirect("assistance:household", pk=household.pk)


@scoped(Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER)
@require_POST
def village_handbooks_view(request: HttpRequest, code: str) -> HttpResponse:
    from zhenxing.assistance.tasks import village_handbooks_task
    from zhenxing.jobs.services import job_create

    job = job_create(actor=request.user, kind="assistance.village_handbooks")
    village_handbooks_task.enqueue(_me(request).pk, code, str(job.pk))
    messages.success(request, _("The village's handbooks are being printed."))
    return redirect("assistance:job", job_id=job.pk)


@scoped(Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER)
def job_view(request: HttpRequest, job_id: uuid.UUID) -> HttpResponseBase:
    from zhenxing.core.uploads import private_dir
    from zhenxing.jobs.services import job_get

    job = job_get(request.user, job_id)
    if request.GET.get("download") and job.status == "done":
        path = private_dir(job.pk, area="handbooks") / str(job.result.get("file", ""))
        if not path.is_file():
            raise Http404
        return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
    return render(request, "assistance/job.html", {"job": job})


@exempt(reason="the household-facing check page: a signed token, shows only the version")
def check_view(request: HttpRequest, token: str) -> HttpResponse:
    from zhenxing.assistance.handbook import check_payload

    data = check_payload(token)
    if data is None:
        raise Http404
    latest = (
        PrintStamp.objects.filter(household_id=data["h"], document="handbook")
        .order_by("-version")
        .first()
    )
    return render(
        request,
        "assistance/check.html",
        {"version": data["v"], "latest": latest, "current": latest and latest.version == data["v"]},
    )
