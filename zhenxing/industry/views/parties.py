"""Party pages: enterprises, cooperatives, points and members; clerk bindings.

Holds `parties_view` and `clerks_view` (the security administrator binds clerk accounts to
their books, B5).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zhenxing.accounts.access import scoped
from zhenxing.accounts.models import User
from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role
from zhenxing.industry import forms, selectors, services
from zhenxing.industry.models import (
    Cooperative,
    Enterprise,
)
from zhenxing.industry.views.base import DISTRICT, fail, form_error


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
            form_error(request, form)
    except DomainError as exc:
        fail(request, exc)


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
                fail(request, exc)
        else:
            form_error(request, form)
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
