"""Dividend pages: shareholdings, distributions and their approval.

Holds `dividends_view`, `dividend_view`, `dividend_approve_view`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhenxing.accounts.access import scoped
from zhenxing.accounts.models import User
from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role
from zhenxing.core.timeutil import business_today
from zhenxing.industry import forms, policies, selectors, services
from zhenxing.industry.choices import DividendStatus
from zhenxing.industry.views.base import DISTRICT, fail, form_error


@scoped(Role.DISTRICT_STAFF, Role.COOP_CLERK)
def dividends_view(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        if not policies.can_configure(actor):
            raise PermissionDenied("dividends")
        _dividend_post(request, actor)
        return redirect("industry:dividends")
    holdings = selectors.shareholdings_visible(actor).select_related("household", "cooperative")
    return render(
        request,
        "industry/dividends.html",
        {
            "distributions": selectors.distributions_visible(actor).select_related("cooperative")[
                :100
            ],
            "holdings": Paginator(
                holdings.order_by("cooperative__title", "household__household_no"), 50
            ).get_page(request.GET.get("page")),
            "cooperatives": selectors.cooperatives_visible(actor).order_by("title")[:500],
            "can_configure": policies.can_configure(actor),
            "this_year": business_today().year - 1,
        },
    )


def _dividend_post(request: HttpRequest, actor: User) -> None:
    try:
        if request.POST.get("kind") == "shareholding":
            form: Any = forms.ShareholdingForm(request.POST)
            if form.is_valid():
                services.shareholding_add(
                    actor=actor,
                    cooperative=selectors.cooperative_get(actor, form.cleaned_data["cooperative"]),
                    household=selectors.household_by_number(
                        actor, form.cleaned_data["household_no"]
                    ),
                    source=form.cleaned_data["source"],
                    amount=form.cleaned_data["amount"],
                    since=form.cleaned_data["since"],
                )
        else:
            form = forms.DividendForm(request.POST)
            if form.is_valid():
                services.dividend_plan(
                    actor=actor,
                    cooperative=selectors.cooperative_get(actor, form.cleaned_data["cooperative"]),
                    year=form.cleaned_data["year"],
                    total=form.cleaned_data["total"],
                    floor_rate=form.cleaned_data["floor_rate"],
                )
        if form.is_valid():
            messages.success(request, _("Saved."))
        else:
            form_error(request, form)
    except DomainError as exc:
        fail(request, exc)


@scoped(Role.DISTRICT_STAFF, Role.COOP_CLERK)
def dividend_view(request: HttpRequest, pk: int) -> HttpResponse:
    distribution = selectors.distribution_get(request.user, pk)
    lines = distribution.lines.select_related("household").order_by("household__household_no")
    return render(
        request,
        "industry/dividend.html",
        {
            "d": distribution,
            "page": Paginator(lines, 100).get_page(request.GET.get("page")),
            "can_approve": policies.can_configure(request.user)
            and distribution.status == DividendStatus.PLANNED,
            "marginal": lines.filter(marginal=True).count(),
        },
    )


@scoped(*DISTRICT)
@require_POST
def dividend_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    distribution = selectors.distribution_get(request.user, pk)
    try:
        services.dividend_approve(actor=request.user, distribution=distribution)  # type: ignore[arg-type]
        messages.success(request, _("The dividend has been posted."))
    except DomainError as exc:
        fail(request, exc)
    return redirect("industry:dividend", pk=distribution.pk)
