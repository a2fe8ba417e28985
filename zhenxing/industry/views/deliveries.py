"""Delivery page: a cooperative's deliveries to its enterprise.

Holds `deliveries_view`.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zhenxing.accounts.access import scoped
from zhenxing.accounts.models import User
from zhenxing.core.errors import DomainError
from zhenxing.industry import forms, policies, selectors, services
from zhenxing.industry.views.base import READERS, fail, form_error


@scoped(*READERS)
def deliveries_view(request: HttpRequest, season_id: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    season = selectors.season_get(actor, season_id)
    agreements = (
        selectors.order_agreements_visible(actor)
        .filter(season=season)
        .select_related("enterprise", "cooperative")
    )
    if request.method == "POST":
        form = forms.DeliveryForm(request.POST)
        if form.is_valid():
            try:
                services.delivery_record(
                    actor=actor,
                    agreement=selectors.order_agreement_get(actor, form.cleaned_data["agreement"]),
                    client_id=form.cleaned_data["client_id"],
                    delivered_at=form.cleaned_data["delivered_at"],
                    net_kg=form.cleaned_data["net_kg"],
                    price=form.cleaned_data["price"],
                    costs=form.cleaned_data["costs"] or Decimal("0"),
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("The delivery has been recorded."))
            except DomainError as exc:
                fail(request, exc)
        else:
            form_error(request, form)
        return redirect("industry:deliveries", season_id=season.pk)
    deliveries = (
        selectors.deliveries_visible(actor)
        .filter(season=season)
        .select_related("enterprise", "cooperative")
        .order_by("-delivered_at")
    )
    return render(
        request,
        "industry/deliveries.html",
        {
            "season": season,
            "agreements": agreements,
            "page": Paginator(deliveries, 50).get_page(request.GET.get("page")),
            "can_deliver": policies.can_deliver(actor),
            "client_id": uuid.uuid4(),  # one per form: a double submission records once
        },
    )
