"""Registry pages: the household list and search, the detail page, unmasking, and edit forms.

Every object is fetched through the scoped selectors (`household_get`, `member_get`), so an id
outside the actor's scope raises `NotInScope` → 404 with an audit row; writes go through the
services, which validate with the roster's parsers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zhenxing.accounts.access import scoped
from zhenxing.core.crypto import decrypt
from zhenxing.core.errors import DomainError
from zhenxing.core.masking import mask_bank_account, mask_id, mask_phone
from zhenxing.core.roles import Role
from zhenxing.core.timeutil import business_today
from zhenxing.households import policies, selectors, services
from zhenxing.households.domain import (
    IncomeItem,
    age_on,
    compulsory_school_age,
    per_capita_net_income,
)
from zhenxing.households.forms import (
    FactsEditForm,
    HouseholdEditForm,
    HouseholdFilterForm,
    MemberEditForm,
    NewHouseholdForm,
    RegistryEditForm,
    UnmaskForm,
    column_label,
)
from zhenxing.households.models import (
    BANK_CONTEXT,
    ID_CONTEXT,
    PHONE_CONTEXT,
    Household,
    HouseholdFacts,
    IncomeLine,
    Member,
    SpendingLine,
)

PAGE_SIZE = 50
READERS = (
    Role.DISTRICT_STAFF,
    Role.TOWN_STAFF,
    Role.VILLAGE_OFFICER,
    Role.CADRE,
    Role.SUPERVISOR,
)
EDITORS = (Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER)

# name → (column holding the ciphertext, crypto context, mask)
_PERSONAL = {
    "id_number": ("id_cipher", ID_CONTEXT, mask_id),
    "phone": ("phone_cipher", PHONE_CONTEXT, mask_phone),
    "bank_account": ("bank_cipher", BANK_CONTEXT, mask_bank_account),
}
HOUSEHOLD_PERSONAL = ("phone", "bank_account")
NEW_HOUSEHOLD_SOURCE = "登记表单 registration form"


def masked(obj: Household | Member, name: str) -> str:
    """The default display of a personal field (security.md D2): never the full value."""
    column, context, mask = _PERSONAL[name]
    token = getattr(obj, column, "")
    return mask(decrypt(token, context=context)) if token else ""


def _actor(request: HttpRequest) -> Any:
    return request.user


# ---------------------------------------------------------------- list and search


@dataclass(frozen=True)
class HouseholdRow:
    household: Household
    village: str
    phone: str


def _filter_form(request: HttpRequest) -> HouseholdFilterForm:
    actor = _actor(request)
    towns = [(d.code, d.name) for d in selectors.town_options(actor)]
    town = request.GET.get("town", "")
    town = town if any(code == town for code, _name in towns) else ""
    villages = [(d.code, d.name) for d in selectors.village_options(actor, town)]
    return HouseholdFilterForm(request.GET, towns=towns, villages=villages)


class TwoEndedPaginator(Paginator):
    """Reads a page in the back half from the end, in reverse order.

    OFFSET costs what it skips: the last of 6,000 pages of a district is 300,000 rows in from
    the front (~350 ms on PostgreSQL) but 0 from the back. The middle stays the slowest point.
    """

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        items = self.object_list
        if bottom > self.count // 2 and isinstance(items, QuerySet) and items.ordered:
            backwards = list(items.reverse()[self.count - top : self.count - bottom])
            return Page(backwards[::-1], number, self)
        return super().page(number)


@scoped(*READERS)
def household_list_view(request: HttpRequest) -> HttpResponse:
    """The list with search, filters and pages; an htmx request gets the results partial."""
    actor = _actor(request)
    form = _filter_form(request)
    households = selectors.household_list(actor, **form.filters())
    page = TwoEndedPaginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    names = selectors.village_names(h.village_code for h in items)
    rows = [
        HouseholdRow(h, names.get(h.village_code, h.village_code), masked(h, "phone"))
        for h in items
    ]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "show_town": form.town_count > 1,
        "can_create": policies.can_edit_registry(actor),
    }
    htmx = getattr(request, "htmx", None)
    template = "households/list.html"
    if htmx and not htmx.history_restore_request and htmx.target == "hh-results":
        template = "households/list.html#results"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@scoped(*READERS)
def village_options_view(request: HttpRequest) -> HttpResponse:
    """The village filter's options for the chosen town (htmx, when the town changes)."""
    form = _filter_form(request)
    return render(request, "households/village_options.html", {"form": form})


# ---------------------------------------------------------------- detail


@dataclass(frozen=True)
class MemberRow:
    member: Member
    id_masked: str
    age: int
    school_age: bool


@dataclass
class YearMoney:
    year: int
    incomes: list[IncomeLine] = field(default_factory=list)
    spendings: list[SpendingLine] = field(default_factory=list)
    per_capita: Decimal | None = None

    @property
    def gross(self) -> Decimal:
        return sum((line.amount for line in self.incomes), Decimal("0"))

    @property
    def costs(self) -> Decimal:
        return sum((line.cost for line in self.incomes), Decimal("0"))

    @property
    def net(self) -> Decimal:
        return self.gross - self.costs

    @property
    def rigid(self) -> Decimal:
        return sum((line.amount for line in self.spendings), Decimal("0"))


def _money_by_year(household: Household) -> list[YearMoney]:
    years: dict[int, YearMoney] = {}
    for line in household.incomes.order_by("-year", "kind", "id"):
        years.setdefault(line.year, YearMoney(line.year)).incomes.append(line)
    for spending in household.spendings.order_by("-year", "kind", "id"):
        years.setdefault(spending.year, YearMoney(spending.year)).spendings.append(spending)
    for money in years.values():
        if household.member_count > 0:
            items = [IncomeItem(amount=i.amount, cost=i.cost) for i in money.incomes]
            money.per_capita = per_capita_net_income(items, household.member_count)
    return sorted(years.values(), key=lambda m: m.year, reverse=True)


@scoped(*READERS)
def household_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    household = selectors.household_get(actor, pk)
    today = business_today()
    members = [
        MemberRow(
            m,
            masked(m, "id_number"),
            age_on(m.birth_date, today),
            compulsory_school_age(m.birth_date, today),
        )
        for m in selectors.household_members(household)
    ]
    names = selectors.village_names([household.village_code])
    context = {
        "household": household,
        "village": names.get(household.village_code, household.village_code),
        "phone": masked(household, "phone"),
        "bank_account": masked(household, "bank_account"),
        "members": members,
        "facts": selectors.facts_display(
            HouseholdFacts.objects.filter(household=household).first()
        ),
        "money": _money_by_year(household),
        "pairing": selectors.household_pairing(household),
        "history": selectors.household_history(household),
        "can_edit": policies.can_edit_registry(actor),
        "can_unmask": policies.can_unmask(actor),
    }
    return render(request, "households/detail.html", context)


# ---------------------------------------------------------------- unmask


def _unmask(
    request: HttpRequest, obj: Household | Member, household: Household, name: str
) -> HttpResponse:
    """GET: the reason form. POST: the full value, once, with one audit row (security.md D2)."""
    actor = _actor(request)
    if not policies.can_unmask(actor):
        raise PermissionDenied("unmask")  # answered 403 and audited by the middleware
    form = UnmaskForm(request.POST if request.method == "POST" else None)
    action = request.path
    value = None
    if form.is_bound and form.is_valid():
        try:
            value = services.personal_value_reveal(
                actor=actor, obj=obj, name=name, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_domain_error(exc)
    context = {
        "form": form,
        "action": action,
        "household": household,
        "obj": obj,
        "name": name,
        "label": column_label(name),
        "masked": masked(obj, name),
        "value": value,
    }
    htmx = getattr(request, "htmx", None)
    template = "households/unmask.html" + ("#unmask" if htmx else "")
    response = render(request, template, context)
    # The full value must not stay in a browser or proxy cache.
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


@scoped(*READERS)
@require_http_methods(["GET", "POST"])
def household_unmask_view(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    household = selectors.household_get(_actor(request), pk)
    if name not in HOUSEHOLD_PERSONAL:
        raise Http404(name)
    return _unmask(request, household, household, name)


@scoped(*READERS)
@require_http_methods(["GET", "POST"])
def member_unmask_view(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(_actor(request), pk)
    return _unmask(request, member, member.household, "id_number")


# ---------------------------------------------------------------- edits


def _edit(
    request: HttpRequest,
    form: RegistryEditForm,
    household: Household,
    save: Callable[[dict[str, str]], object],
    title: str,
) -> HttpResponse:
    """Show the form; on POST send only the changed columns to the service, and on refusal show
    each reason beside its field (nothing is saved: the services validate before writing)."""
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not changes:
            messages.info(request, _("Nothing was changed."))
            return redirect("households:detail", pk=household.pk)
        try:
            save(changes)
        except services.DomainErrors as exc:
            form.add_domain_errors(exc.errors)
        except DomainError as exc:
            form.add_domain_errors([exc])
        except IntegrityError:
            form.add_error(None, "保存失败，请刷新后重试 / Could not save; reload and try again")
        else:
            messages.success(request, _("Saved. The change is in the record history."))
            return redirect("households:detail", pk=household.pk)
    if form.is_bound:
        form.forget_personal()
    form.mark_invalid()
    return render(
        request, "households/edit.html", {"form": form, "household": household, "title": title}
    )


@scoped(*EDITORS)
@require_http_methods(["GET", "POST"])
def household_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    household = selectors.household_get(actor, pk)
    form = HouseholdEditForm(
        request.POST or None,
        instance=household,
        masked={n: masked(household, n) for n in HOUSEHOLD_PERSONAL},
    )

    def save(changes: dict[str, str]) -> None:
        services.household_update(actor=actor, household=household, changes=changes)

    return _edit(request, form, household, save, _("Edit household"))


@scoped(*EDITORS)
@require_http_methods(["GET", "POST"])
def member_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    member = selectors.member_get(actor, pk)
    form = MemberEditForm(request.POST or None, instance=member)

    def save(changes: dict[str, str]) -> None:
        services.member_update(actor=actor, member=member, changes=changes)

    return _edit(request, form, member.household, save, _("Edit member") + f" {member.name}")


@scoped(*EDITORS)
@require_http_methods(["GET", "POST"])
def facts_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    household = selectors.household_get(actor, pk)
    facts = HouseholdFacts.objects.filter(household=household).first()
    form = FactsEditForm(request.POST or None, instance=facts)

    def save(changes: dict[str, str]) -> None:
        services.facts_update(actor=actor, household=household, changes=changes)

    return _edit(request, form, household, save, _("Edit basic-needs facts"))


@scoped(*EDITORS)
@require_http_methods(["GET", "POST"])
def household_create_view(request: HttpRequest) -> HttpResponse:
    """Register one household with its head (more members: edit it or import a roster)."""
    actor = _actor(request)
    groups = [(d.code, d.name) for d in selectors.group_options(actor)]
    form = NewHouseholdForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        drafts = form.check(actor)
        if drafts:
            (created,) = services.households_create(
                actor=actor, drafts=drafts, source=NEW_HOUSEHOLD_SOURCE
            )
            messages.success(request, _("Household registered."))
            return redirect("households:detail", pk=created.pk)
    if form.is_bound:
        form.forget_personal()
    form.mark_invalid()
    return render(request, "households/new.html", {"form": form})
