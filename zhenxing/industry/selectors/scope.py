"""The actor's industry scope and every scoped list and lookup of the benefit chain
(security.md B1, B4).

- district staff (bound to a county): everything of their county;
- a cooperative clerk (bound by `Clerk`): their cooperative's members, points, prices,
  weighings, agreements, deliveries, statements, shareholdings and ledger accounts;
- an enterprise clerk: their enterprise's order agreements, deliveries, margin reconciliation
  and ledger accounts;
- everyone else: nothing. A lookup outside the scope raises `NotInScope` (→ 404, audited).

Holds `IndustryScope`, `industry_scope`, `books_of`, the `*_visible` querysets, `clerks_list`,
the `*_get` lookups, `household_by_number`, `member_household_get`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from zhenxing.core.roles import Role
from zhenxing.core.scope import ScopeKind, get_in_scope, scope_of
from zhenxing.households.models import Household
from zhenxing.industry.models import (
    Clerk,
    Cooperative,
    CooperativeStatement,
    Delivery,
    DividendDistribution,
    DividendLine,
    Enterprise,
    HouseholdStatement,
    Membership,
    OrderAgreement,
    PointDayPrice,
    ProtectionAgreement,
    PurchasePoint,
    Season,
    Shareholding,
    Weighing,
)
from zhenxing.ledger.selectors import Books

_CACHE = "_industry_scope"


@dataclass(frozen=True)
class IndustryScope:
    county_code: str = ""  # district staff: the whole county
    cooperative_id: int | None = None  # cooperative clerk
    enterprise_id: int | None = None  # enterprise clerk
    book_county: str = ""  # the county of the clerk's cooperative or enterprise

    @property
    def empty(self) -> bool:
        return not self.county_code and self.cooperative_id is None and self.enterprise_id is None

    @property
    def is_district(self) -> bool:
        return bool(self.county_code)


def industry_scope(actor: Any) -> IndustryScope:
    """The one place that turns an actor into what of the chain it may see (cached per request
    on the user object: the purchase entry page asks several times per weighing)."""
    cached = getattr(actor, _CACHE, None)
    if isinstance(cached, IndustryScope):
        return cached
    scope = scope_of(actor)
    result = IndustryScope()
    if scope.kind == ScopeKind.REGION and actor.role == Role.DISTRICT_STAFF:
        if scope.county_code and not scope.town_code:
            result = IndustryScope(county_code=scope.county_code)
    elif scope.kind == ScopeKind.BOOKS:
        clerk = (
            Clerk.objects.filter(user_id=actor.pk)
            .select_related("cooperative", "enterprise")
            .first()
        )
        if clerk is not None and actor.role == Role.COOP_CLERK and clerk.cooperative:
            result = IndustryScope(
                cooperative_id=clerk.cooperative.pk, book_county=clerk.cooperative.county_code
            )
        elif clerk is not None and actor.role == Role.ENTERPRISE_CLERK and clerk.enterprise:
            result = IndustryScope(
                enterprise_id=clerk.enterprise.pk, book_county=clerk.enterprise.county_code
            )
    if actor is not None and getattr(actor, "is_authenticated", False):
        setattr(actor, _CACHE, result)
    return result


def books_of(actor: Any) -> Books:
    """The part of the ledger an actor may read."""
    s = industry_scope(actor)
    if s.county_code:
        return Books(county_code=s.county_code)
    if s.cooperative_id is not None:
        return Books(owners=frozenset({("cooperative", s.cooperative_id)}))
    if s.enterprise_id is not None:
        return Books(owners=frozenset({("enterprise", s.enterprise_id)}))
    return Books()


def _none(model: Any) -> QuerySet[Any]:
    return model.objects.none()


# ---------------------------------------------------------------- parties and seasons


def seasons_visible(actor: Any) -> QuerySet[Season]:
    s = industry_scope(actor)
    county = s.county_code or s.book_county
    return Season.objects.filter(county_code=county) if county else Season.objects.none()


def enterprises_visible(actor: Any) -> QuerySet[Enterprise]:
    s = industry_scope(actor)
    if s.county_code:
        return Enterprise.objects.filter(county_code=s.county_code)
    if s.enterprise_id is not None:
        return Enterprise.objects.filter(pk=s.enterprise_id)
    if s.cooperative_id is not None:
        return Enterprise.objects.filter(
            order_agreements__cooperative_id=s.cooperative_id
        ).distinct()
    return Enterprise.objects.none()


def cooperatives_visible(actor: Any) -> QuerySet[Cooperative]:
    s = industry_scope(actor)
    if s.county_code:
        return Cooperative.objects.filter(county_code=s.county_code)
    if s.cooperative_id is not None:
        return Cooperative.objects.filter(pk=s.cooperative_id)
    if s.enterprise_id is not None:
        return Cooperative.objects.filter(
            order_agreements__enterprise_id=s.enterprise_id
        ).distinct()
    return Cooperative.objects.none()


def points_visible(actor: Any) -> QuerySet[PurchasePoint]:
    s = industry_scope(actor)
    if s.county_code:
        return PurchasePoint.objects.filter(county_code=s.county_code)
    if s.cooperative_id is not None:
        return PurchasePoint.objects.filter(cooperative_id=s.cooperative_id)
    return PurchasePoint.objects.none()


def memberships_visible(actor: Any) -> QuerySet[Membership]:
    s = industry_scope(actor)
    if s.county_code:
        return Membership.objects.filter(county_code=s.county_code)
    if s.cooperative_id is not None:
        return Membership.objects.filter(cooperative_id=s.cooperative_id)
    return Membership.objects.none()


def clerks_list() -> QuerySet[Clerk]:
    """For the security administrator's binding page: accounts and book names only."""
    return Clerk.objects.select_related("user", "cooperative", "enterprise").order_by(
        "user__username"
    )


# ---------------------------------------------------------------- agreements and records


def _coop_filtered(
    model: Any, s: IndustryScope, county_field: str = "county_code"
) -> QuerySet[Any]:
    if s.county_code:
        return model.objects.filter(**{county_field: s.county_code})
    if s.cooperative_id is not None:
        return model.objects.filter(cooperative_id=s.cooperative_id)
    return _none(model)


def protection_agreements_visible(actor: Any) -> QuerySet[ProtectionAgreement]:
    return _coop_filtered(ProtectionAgreement, industry_scope(actor))


def order_agreements_visible(actor: Any) -> QuerySet[OrderAgreement]:
    s = industry_scope(actor)
    if s.enterprise_id is not None:
        return OrderAgreement.objects.filter(enterprise_id=s.enterprise_id)
    return _coop_filtered(OrderAgreement, s, "season__county_code")


def weighings_visible(actor: Any) -> QuerySet[Weighing]:
    return _coop_filtered(Weighing, industry_scope(actor))


def day_prices_visible(actor: Any) -> QuerySet[PointDayPrice]:
    return _coop_filtered(PointDayPrice, industry_scope(actor), "season__county_code")


def deliveries_visible(actor: Any) -> QuerySet[Delivery]:
    s = industry_scope(actor)
    if s.enterprise_id is not None:
        return Delivery.objects.filter(enterprise_id=s.enterprise_id)
    return _coop_filtered(Delivery, s, "season__county_code")


def household_statements_visible(actor: Any) -> QuerySet[HouseholdStatement]:
    return _coop_filtered(HouseholdStatement, industry_scope(actor))


def cooperative_statements_visible(actor: Any) -> QuerySet[CooperativeStatement]:
    s = industry_scope(actor)
    if s.enterprise_id is not None:
        return CooperativeStatement.objects.filter(enterprise_id=s.enterprise_id)
    return _coop_filtered(CooperativeStatement, s)


def shareholdings_visible(actor: Any) -> QuerySet[Shareholding]:
    return _coop_filtered(Shareholding, industry_scope(actor))


def distributions_visible(actor: Any) -> QuerySet[DividendDistribution]:
    return _coop_filtered(DividendDistribution, industry_scope(actor), "cooperative__county_code")


def dividend_lines_visible(actor: Any) -> QuerySet[DividendLine]:
    s = industry_scope(actor)
    if s.county_code:
        return DividendLine.objects.filter(county_code=s.county_code)
    if s.cooperative_id is not None:
        return DividendLine.objects.filter(distribution__cooperative_id=s.cooperative_id)
    return DividendLine.objects.none()


# ---------------------------------------------------------------- single objects


def season_get(actor: Any, pk: Any) -> Season:
    return get_in_scope(seasons_visible(actor), object_type="industry.season", pk=pk)


def point_get(actor: Any, pk: Any) -> PurchasePoint:
    return get_in_scope(
        points_visible(actor).select_related("cooperative"), object_type="industry.point", pk=pk
    )


def cooperative_get(actor: Any, pk: Any) -> Cooperative:
    return get_in_scope(cooperatives_visible(actor), object_type="industry.cooperative", pk=pk)


def enterprise_get(actor: Any, pk: Any) -> Enterprise:
    return get_in_scope(enterprises_visible(actor), object_type="industry.enterprise", pk=pk)


def order_agreement_get(actor: Any, pk: Any) -> OrderAgreement:
    return get_in_scope(
        order_agreements_visible(actor).select_related("season", "enterprise", "cooperative"),
        object_type="industry.orderagreement",
        pk=pk,
    )


def protection_agreement_get(actor: Any, pk: Any) -> ProtectionAgreement:
    return get_in_scope(
        protection_agreements_visible(actor).select_related("season", "cooperative", "household"),
        object_type="industry.protectionagreement",
        pk=pk,
    )


def weighing_get(actor: Any, client_id: Any) -> Weighing:
    return get_in_scope(
        weighings_visible(actor).select_related("point", "household", "cooperative", "season"),
        object_type="industry.weighing",
        client_id=client_id,
    )


def household_statement_get(actor: Any, pk: Any) -> HouseholdStatement:
    return get_in_scope(
        household_statements_visible(actor).select_related(
            "season", "cooperative", "household", "agreement"
        ),
        object_type="industry.householdstatement",
        pk=pk,
    )


def distribution_get(actor: Any, pk: Any) -> DividendDistribution:
    return get_in_scope(
        distributions_visible(actor).select_related("cooperative"),
        object_type="industry.dividenddistribution",
        pk=pk,
    )


def household_by_number(actor: Any, number: str) -> Household:
    """A registry household by its number: any of the county's for district staff, a member
    of the clerk's cooperative for a cooperative clerk; otherwise `NotInScope`."""
    s = industry_scope(actor)
    number = number.strip()
    if s.county_code:
        from zhenxing.households.selectors import households_visible

        return get_in_scope(
            households_visible(actor).filter(county_code=s.county_code),
            object_type="households.household",
            household_no=number,
        )
    membership = get_in_scope(
        memberships_visible(actor).filter(left_on__isnull=True).select_related("household"),
        object_type="households.household",
        household__household_no=number,
    )
    return membership.household


def member_household_get(actor: Any, cooperative: Cooperative, household_id: Any) -> Household:
    """A current member of `cooperative` the actor may see (the purchase page's member)."""
    membership = get_in_scope(
        memberships_visible(actor)
        .filter(cooperative=cooperative, left_on__isnull=True)
        .select_related("household"),
        object_type="households.household",
        household_id=household_id,
    )
    return membership.household
