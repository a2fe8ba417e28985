"""Season pages: the benefit chain's home, a new season, a season's overview.

Holds `home_view`, `season_new_view`, `season_view`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zhenxing.accounts.access import scoped
from zhenxing.core.errors import DomainError
from zhenxing.core.timeutil import business_today
from zhenxing.industry import forms, policies, selectors, services
from zhenxing.industry.choices import SettlementStatus
from zhenxing.industry.domain import tonnes
from zhenxing.industry.models import (
    Season,
    SettlementRun,
)
from zhenxing.industry.views.base import DISTRICT, READERS, fail, form_error


@scoped(*READERS)
def home_view(request: HttpRequest) -> HttpResponse:
    scope = selectors.industry_scope(request.user)
    seasons = selectors.seasons_visible(request.user)
    points = selectors.points_visible(request.user).select_related("cooperative")
    return render(
        request,
        "industry/home.html",
        {
            "scope": scope,
            "seasons": seasons,
            "points": points.filter(active=True)[:50] if scope.cooperative_id else [],
            "can_configure": policies.can_configure(request.user),
            "unbound": scope.empty,
        },
    )


@scoped(*DISTRICT)
def season_new_view(request: HttpRequest) -> HttpResponseBase:
    county = selectors.industry_scope(request.user).county_code
    if request.method == "POST":
        form = forms.SeasonForm(request.POST)
        if form.is_valid():
            try:
                season = services.season_create(
                    actor=request.user,  # type: ignore[arg-type]
                    county_code=county,
                    data=services.SeasonInput(**form.cleaned_data),
                )
                messages.success(request, _("The season has been created."))
                return redirect("industry:season", season_id=season.pk)
            except DomainError as exc:
                fail(request, exc)
        else:
            form_error(request, form)
    else:
        year = business_today().year
        form = forms.SeasonForm(
            initial=selectors.season_defaults(county)
            | {"year": year, "opens_on": date(year, 1, 20), "closes_on": date(year, 3, 10)}
        )
    return render(request, "industry/season_new.html", {"form": form})


def _season_counts(season: Season, actor: Any) -> dict[str, Any]:
    weighings = selectors.weighings_visible(actor).filter(season=season)
    totals = weighings.aggregate(
        n=Count("id"),
        net=Sum("net_g"),
        market=Sum("amount_market"),
        topup=Sum("amount_topup"),
        floored=Count("id", filter=Q(floor_applied=True)),
    )
    return {
        "weighings": totals["n"] or 0,
        "tonnes": tonnes(totals["net"] or 0),
        "market": totals["market"] or Decimal("0"),
        "topup": totals["topup"] or Decimal("0"),
        "floored": totals["floored"] or 0,
        "protection": selectors.protection_agreements_visible(actor).filter(season=season).count(),
        "orders": selectors.order_agreements_visible(actor).filter(season=season).count(),
        "deliveries": selectors.deliveries_visible(actor).filter(season=season).count(),
    }


@scoped(*READERS)
def season_view(request: HttpRequest, season_id: int) -> HttpResponse:
    season = selectors.season_get(request.user, season_id)
    run = SettlementRun.objects.filter(season=season).select_related("job").first()
    is_district = policies.can_configure(request.user)
    return render(
        request,
        "industry/season.html",
        {
            "season": season,
            "counts": _season_counts(season, request.user),
            "run": run,
            "can_submit": is_district and run is None,
            "can_approve": is_district
            and run is not None
            and run.needs_approval
            and run.approved_by_id is None
            and run.submitted_by_id != request.user.pk,
            "can_post": is_district
            and run is not None
            and run.status != SettlementStatus.SETTLED
            and (not run.needs_approval or run.approved_by_id is not None),
        },
    )
