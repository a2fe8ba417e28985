"""Benefit-chain pages: seasons, parties, agreements and deposits, fast purchase entry at a
point, receipts (and their public check), deliveries, statements (page, print, xlsx),
settlement, reconciliation and the ledger, dividends, clerk bindings.

Every read goes through `zhenxing.industry.selectors` (scoped: 404 + audit outside it) and
every write through one service.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhenxing.accounts.access import exempt, scoped
from zhenxing.accounts.models import User
from zhenxing.accounts.roles import Role
from zhenxing.core.errors import DomainError
from zhenxing.core.ratelimit import rate_limited
from zhenxing.core.timeutil import BEIJING, business_today
from zhenxing.industry import exports, forms, policies, selectors, services
from zhenxing.industry.domain import before_yushui, tonnes
from zhenxing.industry.errors import IndustryErrorCode
from zhenxing.industry.models import (
    Cooperative,
    Enterprise,
    PurchasePoint,
    Season,
    SettlementRun,
)
from zhenxing.ledger import policies as ledger_policies
from zhenxing.ledger import selectors as ledger_selectors
from zhenxing.ledger.models import Entry, PendingEntry
from zhenxing.ledger.services import (
    entry_reverse_submit,
    pending_entry_approve,
    pending_entry_reject,
)

READERS = (Role.DISTRICT_STAFF, Role.COOP_CLERK, Role.ENTERPRISE_CLERK)
DISTRICT = (Role.DISTRICT_STAFF,)
COOP = (Role.COOP_CLERK,)


def _fail(request: HttpRequest, exc: Exception) -> None:
    messages.error(request, exc.message if isinstance(exc, DomainError) else str(exc))


def _form_error(request: HttpRequest, form: Any) -> None:
    messages.error(request, _("Please check the form.") + " " + forms.first_error(form))


# ---------------------------------------------------------------- home and seasons


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
                _fail(request, exc)
        else:
            _form_error(request, form)
    else:
        year = business_today().year
        form = forms.SeasonForm(
            initial=services.season_defaults(county)
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
            and run.status != "settled"
            and (not run.needs_approval or run.approved_by_id is not None),
        },
    )


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
        _fail(request, exc)
    return redirect("industry:season", season_id=season.pk)


# ---------------------------------------------------------------- parties


@scoped(*DISTRICT)
def parties_view(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    county = selectors.industry_scope(actor).county_code
    if request.method == "POST":
        _parties_post(request, actor, county)
        return redirect("industry:parties")
    coops = selectors.cooperatives_visible(actor).annotate(
        n_members=Count("members", filter=Q(members__left_on__isnull=True), distinct=True),
        n_points=Count("points", distinct=True),
    )
    page = Paginator(coops.order_by("title"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "industry/parties.html",
        {
            "enterprises": selectors.enterprises_visible(actor),
            "page": page,
            "all_coops": selectors.cooperatives_visible(actor).order_by("title")[:500],
        },
    )


def _parties_post(request: HttpRequest, actor: User, county: str) -> None:
    kind = request.POST.get("kind")
    try:
        if kind == "enterprise":
            form: Any = forms.NameForm(request.POST)
            if form.is_valid():
                services.enterprise_create(
                    actor=actor, county_code=county, name=form.cleaned_data["name"]
                )
        elif kind == "cooperative":
            form = forms.CooperativeForm(request.POST)
            if form.is_valid():
                services.cooperative_create(
                    actor=actor,
                    village_code=form.cleaned_data["village_code"],
                    name=form.cleaned_data["name"],
                )
        elif kind == "point":
            form = forms.PointForm(request.POST)
            if form.is_valid():
                services.point_create(
                    actor=actor,
                    cooperative=selectors.cooperative_get(actor, form.cleaned_data["cooperative"]),
                    village_code=form.cleaned_data["village_code"],
                    name=form.cleaned_data["name"],
                )
        elif kind == "member":
            form = forms.MemberForm(request.POST)
            if form.is_valid():
                services.membership_add(
                    actor=actor,
                    cooperative=selectors.cooperative_get(actor, form.cleaned_data["cooperative"]),
                    household=selectors.household_by_number(
                        actor, form.cleaned_data["household_no"]
                    ),
                    joined_on=form.cleaned_data["joined_on"],
                )
        else:
            return
        if form.is_valid():
            messages.success(request, _("Saved."))
        else:
            _form_error(request, form)
    except DomainError as exc:
        _fail(request, exc)


# ---------------------------------------------------------------- agreements and deposits


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
            "protection_status": {a.pk: services.deposit_status(a) for a in page},
            "orders": orders,
            "order_status": {o.pk: services.deposit_status(o) for o in orders},
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
            _form_error(request, form)
    except (DomainError, Cooperative.DoesNotExist) as exc:
        _fail(request, exc)


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
        _fail(request, exc)
    return redirect("industry:agreements", season_id=agreement.season_id)


# ---------------------------------------------------------------- purchase entry


def _point_context(request: HttpRequest, point: PurchasePoint) -> dict[str, Any]:
    now = timezone.now()
    season = selectors.open_season(request.user, now)
    today = now.astimezone(BEIJING).date()
    price = selectors.day_price(point, today)
    return {
        "point": point,
        "season": season,
        "today": today,
        "price": price,
        "before_yushui": bool(season and before_yushui(now, season.yushui_at, season.yushui_rule)),
        "recent": selectors.recent_weighings(request.user, point),
        "price_form": forms.PriceForm(initial={"day": today}),
    }


@scoped(*COOP)
def purchase_view(request: HttpRequest, point_id: int) -> HttpResponse:
    point = selectors.point_get(request.user, point_id)
    return render(request, "industry/purchase.html", _point_context(request, point))


@scoped(*COOP)
def member_search_view(request: HttpRequest, point_id: int) -> HttpResponse:
    point = selectors.point_get(request.user, point_id)
    season = selectors.open_season(request.user, timezone.now())
    hits = selectors.member_search(
        request.user, point.cooperative, season, request.GET.get("q", "")
    )
    return render(request, "industry/_members.html", {"hits": hits})


@scoped(*COOP)
@require_POST
def weigh_view(request: HttpRequest, point_id: int) -> HttpResponse:
    """One weighing from the keyboard form (htmx): the result line and the refreshed list."""
    actor: User = request.user  # type: ignore[assignment]
    point = selectors.point_get(actor, point_id)
    form = forms.WeighForm(request.POST)
    context: dict[str, Any] = {"point": point}
    status = 200
    if not form.is_valid():
        context["error"] = forms.first_error(form)
        status = 422
    else:
        now = timezone.now()
        season = selectors.open_season(actor, now)
        try:
            if season is None:
                raise DomainError(
                    IndustryErrorCode.NO_OPEN_SEASON, day=now.astimezone(BEIJING).date().isoformat()
                )
            household = selectors.member_household_get(
                actor, point.cooperative, form.cleaned_data["household"]
            )
            outcome = services.weighing_record(
                actor=actor,
                season=season,
                point=point,
                household=household,
                client_id=form.cleaned_data["client_id"],
                weighed_at=now,
                gross_kg=form.cleaned_data["gross_kg"],
                deduction_kg=form.deduction(),
                grade=form.cleaned_data["grade"],
                price=form.cleaned_data["price"],
            )
            context["weighing"] = outcome.weighing
            context["repeated"] = not outcome.created
        except DomainError as exc:
            context["error"] = exc.message
            status = 422
    context["recent"] = selectors.recent_weighings(actor, point)
    # htmx swaps only successful answers: a refusal is shown in place, so it answers 200.
    response = render(
        request,
        "industry/_weigh_result.html",
        context,
        status=200 if getattr(request, "htmx", False) else status,
    )
    if "weighing" in context:
        response["HX-Trigger"] = "weighingRecorded"
    return response


@scoped(Role.COOP_CLERK, Role.DISTRICT_STAFF)
@require_POST
def price_view(request: HttpRequest, point_id: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    point = selectors.point_get(actor, point_id)
    form = forms.PriceForm(request.POST)
    season = selectors.open_season(actor, timezone.now())
    if form.is_valid() and season is not None:
        try:
            services.day_price_set(
                actor=actor,
                season=season,
                cooperative=point.cooperative,
                day=form.cleaned_data["day"],
                price=form.cleaned_data["price"],
            )
            messages.success(request, _("The day price has been announced at every point."))
        except DomainError as exc:
            _fail(request, exc)
    elif season is None:
        messages.error(request, _("No season is open today."))
    else:
        _form_error(request, form)
    return redirect("industry:purchase", point_id=point.pk)


# ---------------------------------------------------------------- receipts


def _qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=6)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@scoped(Role.COOP_CLERK, Role.DISTRICT_STAFF)
def receipt_view(request: HttpRequest, client_id: str) -> HttpResponse:
    weighing = selectors.weighing_get(request.user, client_id)
    code = selectors.receipt_code_of(weighing)
    verify = request.build_absolute_uri(
        reverse("industry:receipt_verify", args=[weighing.client_id]) + f"?code={code}"
    )
    return render(
        request,
        "industry/receipt.html",
        {"w": weighing, "code": code, "verify_url": verify, "qr": _qr_svg(verify)},
    )


@rate_limited("receipt")
@exempt(
    "public check of a printed receipt: needs the receipt's id and HMAC code; shows only the"
    " point, date, weight, amount and a masked name"
)
def receipt_verify_view(request: HttpRequest, client_id: str) -> HttpResponse:
    code = request.GET.get("code", "")
    receipt = selectors.receipt_verify(client_id, code) if code else None
    return render(
        request,
        "industry/receipt_verify.html",
        {"receipt": receipt, "code": code, "client_id": client_id},
    )


# ---------------------------------------------------------------- deliveries


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
                _fail(request, exc)
        else:
            _form_error(request, form)
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


# ---------------------------------------------------------------- statements


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


# ---------------------------------------------------------------- reconciliation and ledger


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


@scoped(*READERS)
def ledger_view(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    books = selectors.books_of(actor)
    accounts = ledger_selectors.accounts_visible(books).exclude(balance=0)
    query = request.GET.get("q", "").strip()
    if query:
        accounts = accounts.filter(code__startswith=query)
    rows = ledger_selectors.trial_balance(books)
    return render(
        request,
        "industry/ledger.html",
        {
            "rows": rows,
            "total": sum((r.balance for r in rows), Decimal("0")),
            "page": Paginator(accounts.order_by("code"), 100).get_page(request.GET.get("page")),
            "pending": ledger_selectors.pending_visible(books).filter(status="pending")[:100],
            "entries": ledger_selectors.entries_visible(books).order_by("-id")[:30],
            "query": query,
            "can_approve": ledger_policies.can_approve(actor),
            "whole_county": bool(books.county_code),
        },
    )


@scoped(*READERS)
def entry_view(request: HttpRequest, pk: int) -> HttpResponse:
    books = selectors.books_of(request.user)
    entry = ledger_selectors.entry_get(books, pk)
    return render(
        request,
        "industry/entry.html",
        {
            "entry": entry,
            "postings": ledger_selectors.entry_postings(entry),
            "reversal": Entry.objects.filter(reverses=entry).first(),
            "can_reverse": ledger_policies.can_reverse(request.user) and entry.reverses_id is None,
        },
    )


@scoped(*DISTRICT)
@require_POST
def entry_reverse_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an entry by its reversal; above the season's threshold a second person
    approves it on the ledger page (B6)."""
    actor: User = request.user  # type: ignore[assignment]
    books = selectors.books_of(actor)
    entry = ledger_selectors.entry_get(books, pk)
    season = Season.objects.filter(pk=entry.season_id).first() if entry.season_id else None
    try:
        result = entry_reverse_submit(
            actor=actor,
            entry=entry,
            memo=request.POST.get("memo", "")[:200],
            approval_threshold=season.approval_threshold if season else Decimal("0"),
            county_code=books.county_code,
        )
        if isinstance(result, PendingEntry):
            messages.info(request, _("Above the approval threshold: waiting for a second person."))
        else:
            messages.success(request, _("The entry has been reversed."))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("industry:entry", pk=entry.pk)


@scoped(*DISTRICT)
@require_POST
def pending_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    pending = ledger_selectors.pending_get(selectors.books_of(actor), pk)
    try:
        if request.POST.get("decision") == "reject":
            pending_entry_reject(actor=actor, pending=pending)
            messages.success(request, _("Rejected."))
        else:
            pending_entry_approve(actor=actor, pending=pending)
            messages.success(request, _("Approved and posted."))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("industry:ledger")


# ---------------------------------------------------------------- dividends


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
            _form_error(request, form)
    except DomainError as exc:
        _fail(request, exc)


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
            and distribution.status == "planned",
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
        _fail(request, exc)
    return redirect("industry:dividend", pk=distribution.pk)


# ---------------------------------------------------------------- clerk bindings


@scoped(Role.SECURITY_ADMIN)
def clerks_view(request: HttpRequest) -> HttpResponse:
    """Bind clerk accounts to their books (the security administrator grants scope, B5)."""
    actor: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        form = forms.ClerkBindForm(request.POST)
        if form.is_valid():
            try:
                user = User.objects.get(
                    pk=form.cleaned_data["user"],
                    role__in=(Role.COOP_CLERK, Role.ENTERPRISE_CLERK),
                )
                coop = (
                    Cooperative.objects.get(pk=form.cleaned_data["cooperative"])
                    if form.cleaned_data["cooperative"]
                    else None
                )
                enterprise = (
                    Enterprise.objects.get(pk=form.cleaned_data["enterprise"])
                    if form.cleaned_data["enterprise"]
                    else None
                )
                services.clerk_bind(actor=actor, user=user, cooperative=coop, enterprise=enterprise)
                messages.success(request, _("Saved."))
            except (
                DomainError,
                User.DoesNotExist,
                Cooperative.DoesNotExist,
                Enterprise.DoesNotExist,
            ) as exc:
                _fail(request, exc)
        else:
            _form_error(request, form)
        return redirect("industry:clerks")
    return render(
        request,
        "industry/clerks.html",
        {
            "bindings": selectors.clerks_list(),
            "clerks": User.objects.filter(
                role__in=(Role.COOP_CLERK, Role.ENTERPRISE_CLERK), is_active=True
            ).order_by("username"),
            "cooperatives": Cooperative.objects.order_by("title")[:1000],
            "enterprises": Enterprise.objects.order_by("title"),
        },
    )
