"""Agreement pages: order and protection-price agreements and their deposits.

Holds `agreements_view` and `deposit_view`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhenxing.accounts.access import scoped
from zhenxing.accounts.models import User
from zhenxing.core.errors import DomainError
from zhenxing.industry import forms, policies, selectors, services
from zhenxing.industry.models import (
    Cooperative,
    Season,
)
from zhenxing.industry.views.base import READERS, fail, form_error
from zhenxing.ledger.models import PendingEntry


@scoped(*READERS)
def agreements_view(request: HttpRequest, season_id: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    season = selectors.season_get(actor, season_id)
    scope = selectors.industry_scope(actor)
    if request.method == "POST":
        _agreement_post(request, actor, season, scope)
        return redirect("industry:agreements", season_id=season.pk)
    protection = (
        selectors.protection_agreements_visible(actor)
        .filter(season=season)
        .select_related("household", "cooperative")
        .order_by("cooperative__title", "household__household_no")
    )
    page = Paginator(protection, 50).get_page(request.GET.get("page"))
    orders = list(
        selectors.order_agreements_visible(actor)
        .filter(season=season)
        .select_related("enterprise", "cooperative")
    )
    return render(
        request,
        "industry/agreements.html",
        {
            "season": season,
            "page": page,
            "protection_status": {a.pk: selectors.deposit_status(a) for a in page},
            "orders": orders,
            "order_status": {o.pk: selectors.deposit_status(o) for o in orders},
            "can_sign_order": policies.can_sign_order(actor),
            "can_sign_protection": policies.can_sign_protection(actor)
            and (scope.cooperative_id is not None or scope.is_district),
            "can_pay": policies.can_pay_deposit(actor),
            "enterprises": selectors.enterprises_visible(actor),
            "cooperatives": selectors.cooperatives_visible(actor).order_by("title")[:500],
            "is_district": scope.is_district,
        },
    )


def _agreement_post(request: HttpRequest, actor: User, season: Season, scope: Any) -> None:
    kind = request.POST.get("kind")
    try:
        if kind == "order":
            form: Any = forms.OrderForm(request.POST)
            if form.is_valid():
                services.order_agreement_sign(
                    actor=actor,
                    season=season,
                    enterprise=selectors.enterprise_get(actor, form.cleaned_data["enterprise"]),
                    cooperative=Cooperative.objects.get(
                        pk=form.cleaned_data["cooperative"], county_code=season.county_code
                    ),
                    tonnes=form.cleaned_data["tonnes"],
                    signed_on=form.cleaned_data["signed_on"],
                )
        elif kind == "protection":
            form = forms.ProtectionForm(request.POST)
            if form.is_valid():
                coop_id = scope.cooperative_id or int(request.POST.get("cooperative") or 0)
                household = selectors.household_by_number(actor, form.cleaned_data["household_no"])
                services.protection_agreement_sign(
                    actor=actor,
                    season=season,
                    cooperative=selectors.cooperative_get(actor, coop_id),
                    household=household,
                    signed_on=form.cleaned_data["signed_on"],
                    tonnes=form.cleaned_data["tonnes"],
                    area_mu=form.cleaned_data["area_mu"],
                    yield_kg_per_mu=form.cleaned_data["yield_kg_per_mu"],
                )
        else:
            return
        if form.is_valid():
            messages.success(request, _("The agreement has been signed."))
        else:
            form_error(request, form)
    except (DomainError, Cooperative.DoesNotExist) as exc:
        fail(request, exc)


@scoped(*READERS)
@require_POST
def deposit_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    agreement: Any = (
        selectors.order_agreement_get(actor, pk)
        if kind == "order"
        else selectors.protection_agreement_get(actor, pk)
    )
    try:
        result = services.deposit_pay(actor=actor, agreement=agreement)
        if isinstance(result, PendingEntry):
            messages.info(request, _("Above the approval threshold: waiting for a second person."))
        else:
            messages.success(request, _("The deposit has been recorded."))
    except DomainError as exc:
        fail(request, exc)
    return redirect("industry:agreements", season_id=agreement.season_id)
