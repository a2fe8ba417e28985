"""Fast purchase entry at a point, the day's price, receipts and their public check.

Holds `purchase_view`, `member_search_view`, `weigh_view` (htmx), `price_view`, `receipt_view`
and `receipt_verify_view` (public: the receipt's id and HMAC code).
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhenxing.accounts.access import exempt, scoped
from zhenxing.accounts.models import User
from zhenxing.core.errors import DomainError
from zhenxing.core.ratelimit import rate_limited
from zhenxing.core.roles import Role
from zhenxing.core.timeutil import BEIJING
from zhenxing.industry import forms, selectors, services
from zhenxing.industry.domain import before_yushui
from zhenxing.industry.errors import IndustryErrorCode
from zhenxing.industry.models import (
    PurchasePoint,
)
from zhenxing.industry.views.base import COOP, fail, form_error


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
            fail(request, exc)
    elif season is None:
        messages.error(request, _("No season is open today."))
    else:
        form_error(request, form)
    return redirect("industry:purchase", point_id=point.pk)


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
