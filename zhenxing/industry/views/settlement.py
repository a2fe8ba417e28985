"""Settlement pages: submit, approve and post; statements (page, print, xlsx); margin
reconciliation.

Holds `settle_view`, `statements_view`, `statement_view`, `statements_export_view`,
`reconciliation_view`.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhenxing.accounts.access import scoped
from zhenxing.accounts.models import User
from zhenxing.core.errors import DomainError
from zhenxing.industry import exports, selectors, services
from zhenxing.industry.domain import tonnes
from zhenxing.industry.models import (
    SettlementRun,
)
from zhenxing.industry.views.base import DISTRICT, READERS, fail
from zhenxing.ledger import selectors as ledger_selectors


@scoped(*DISTRICT)
@require_POST
def settle_view(request: HttpRequest, season_id: int) -> HttpResponse:
    """Submit, approve (four eyes) or post the season's settlement."""
    season = selectors.season_get(request.user, season_id)
    actor: User = request.user  # type: ignore[assignment]
    action = request.POST.get("action", "submit")
    try:
        if action == "submit":
            run = services.settlement_submit(actor=actor, season=season)
            if run.needs_approval:
                messages.info(
                    request, _("Submitted. Another district staff member must approve it.")
                )
            else:
                services.settlement_start(actor=actor, run=run)
                messages.success(request, _("The settlement is being posted."))
        else:
            run = SettlementRun.objects.select_related("season").get(season=season)
            if action == "approve":
                run = services.settlement_approve(actor=actor, run=run)
            services.settlement_start(actor=actor, run=run)
            messages.success(request, _("The settlement is being posted."))
    except (DomainError, SettlementRun.DoesNotExist) as exc:
        fail(request, exc)
    return redirect("industry:season", season_id=season.pk)


@scoped(*READERS)
def statements_view(request: HttpRequest, season_id: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    season = selectors.season_get(actor, season_id)
    households = (
        selectors.household_statements_visible(actor)
        .filter(season=season)
        .select_related("household", "cooperative")
        .order_by("cooperative__title", "household__household_no")
    )
    query = request.GET.get("q", "").strip()
    if query:
        households = households.filter(
            Q(household__household_no__startswith=query) | Q(household__head_name__startswith=query)
        )
    coops = (
        selectors.cooperative_statements_visible(actor)
        .filter(season=season)
        .select_related("cooperative", "enterprise")
    )
    return render(
        request,
        "industry/statements.html",
        {
            "season": season,
            "page": Paginator(households, 50).get_page(request.GET.get("page")),
            "coops": coops[:300],
            "query": query,
            "show_households": selectors.industry_scope(actor).enterprise_id is None,
        },
    )


@scoped(*READERS)
def statement_view(request: HttpRequest, pk: int) -> HttpResponse:
    statement = selectors.household_statement_get(request.user, pk)
    weighings = (
        selectors.weighings_visible(request.user)
        .filter(
            season=statement.season,
            household=statement.household,
            cooperative=statement.cooperative,
        )
        .select_related("point")
        .order_by("weighed_at")
    )
    return render(
        request,
        "industry/statement.html",
        {
            "s": statement,
            "weighings": weighings[:500],
            "tonnes": tonnes(statement.net_g),
            "contracted_t": tonnes(statement.contracted_g),
        },
    )


@scoped(*READERS)
def statements_export_view(request: HttpRequest, season_id: int) -> HttpResponseBase:
    season = selectors.season_get(request.user, season_id)
    return exports.statements_response(actor=request.user, season=season)


@scoped(*READERS)
def reconciliation_view(request: HttpRequest, season_id: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    season = selectors.season_get(actor, season_id)
    books = selectors.books_of(actor)
    rows = ledger_selectors.trial_balance(books, season_id=season.pk)
    coops = (
        selectors.cooperative_statements_visible(actor)
        .filter(season=season)
        .select_related("cooperative", "enterprise")
        .order_by("margin_state", "cooperative__title")
    )
    return render(
        request,
        "industry/reconciliation.html",
        {
            "season": season,
            "rows": rows,
            "total": sum((r.balance for r in rows), Decimal("0")),
            "whole_county": bool(books.county_code),
            "coops": coops[:300],
            "states": coops.values("margin_state").annotate(n=Count("id")).order_by(),
        },
    )
