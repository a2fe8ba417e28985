"""Every read of the benefit chain, through the actor's industry scope (security.md B1, B4).

- district staff (bound to a county): everything of their county;
- a cooperative clerk (bound by `Clerk`): their cooperative's members, points, prices,
  weighings, agreements, deliveries, statements, shareholdings and ledger accounts;
- an enterprise clerk: their enterprise's order agreements, deliveries, margin reconciliation
  and ledger accounts;
- everyone else: nothing. A lookup outside the scope raises `NotInScope` (→ 404, audited).

Holds `IndustryScope`, `industry_scope`, `books_of`, the `*_visible` querysets, the `*_get`
lookups, `member_search`, `recent_weighings`, `marginal_households`, `receipt_*`.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from zhenxing.accounts.roles import Role
from zhenxing.accounts.scope import ScopeKind, get_in_scope, scope_of
from zhenxing.core.errors import NotInScope
from zhenxing.core.timeutil import BEIJING
from zhenxing.households.models import Household
from zhenxing.industry.domain import receipt_code
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


# ---------------------------------------------------------------- purchase entry


@dataclass(frozen=True)
class MemberHit:
    household_id: int
    household_no: str
    head_name: str
    contracted: bool


def member_search(
    actor: Any, cooperative: Cooperative, season: Season | None, query: str, limit: int = 8
) -> list[MemberHit]:
    """Members of the cooperative by household number (its end, as typed at the scale) or by
    the head's name or pinyin initials."""
    text = query.strip()
    if not text:
        return []
    members = memberships_visible(actor).filter(cooperative=cooperative, left_on__isnull=True)
    if text.isdigit() or text[:1].isdigit():
        condition = Q(household__household_no__endswith=text) | Q(
            household__household_no__startswith=text
        )
    elif text.isascii():
        condition = Q(household__members__relation="head") & (
            Q(household__members__name_initials__startswith=text.casefold())
            | Q(household__members__name_pinyin__startswith=text.casefold())
        )
    else:
        condition = Q(household__head_name__startswith=text)
    rows = list(
        members.filter(condition)
        .values_list("household_id", "household__household_no", "household__head_name")
        .distinct()
        .order_by("household__household_no")[:limit]
    )
    contracted: set[int] = set()
    if season is not None and rows:
        contracted = set(
            ProtectionAgreement.objects.filter(
                season=season, household_id__in=[r[0] for r in rows]
            ).values_list("household_id", flat=True)
        )
    return [MemberHit(pk, no, name, pk in contracted) for pk, no, name in rows]


def recent_weighings(actor: Any, point: PurchasePoint, limit: int = 10) -> list[Weighing]:
    return list(
        weighings_visible(actor)
        .filter(point=point)
        .select_related("household")
        .order_by("-recorded_at", "-id")[:limit]
    )


def day_price(point: PurchasePoint, day: date) -> PointDayPrice | None:
    return PointDayPrice.objects.filter(point=point, day=day).first()


def open_season(actor: Any, at: Any) -> Season | None:
    """The visible season whose purchasing period contains the instant `at`."""
    day = at.astimezone(BEIJING).date()
    return (
        seasons_visible(actor)
        .filter(opens_on__lte=day, closes_on__gte=day)
        .order_by("-year")
        .first()
    )


# ---------------------------------------------------------------- screening link


def marginal_households(county_code: str) -> tuple[int | None, set[int]]:
    """(run id, household ids) classed 临界 by the county's latest published screening."""
    from zhenxing.screening.models import Result, StabilityClass
    from zhenxing.screening.selectors import run_latest_published

    run = run_latest_published(county_code)
    if run is None:
        return None, set()
    ids = set(
        Result.objects.filter(run=run, stability=StabilityClass.MARGINAL).values_list(
            "household_id", flat=True
        )
    )
    return run.pk, ids


# ---------------------------------------------------------------- receipts


def _receipt_key() -> bytes:
    return str(settings.ZHENXING_RECEIPT_KEY).encode()


def receipt_fields(w: Weighing) -> list[str]:
    return [
        str(w.client_id),
        str(w.point_id),
        str(w.household_id),
        w.weighed_at.astimezone(BEIJING).isoformat(timespec="seconds"),
        str(w.net_g),
        str(int((w.amount_market + w.amount_topup) * 100)),
    ]


def receipt_code_of(w: Weighing) -> str:
    return receipt_code(_receipt_key(), receipt_fields(w))


@dataclass(frozen=True)
class PublicReceipt:
    """What anyone holding the receipt may check: nothing personal beyond a masked name."""

    point: str
    day: date
    net_g: int
    amount: Any
    topup: Any
    masked_name: str


def receipt_verify(client_id: Any, code: str) -> PublicReceipt:
    """The public check of a printed receipt: the id and the code must both match."""
    weighing = (
        Weighing.objects.filter(client_id=client_id).select_related("point", "household").first()
    )
    expected = receipt_code_of(weighing) if weighing is not None else ""
    if weighing is None or not hmac.compare_digest(expected, code.strip().upper()):
        raise NotInScope("industry.receipt", str(client_id))
    from zhenxing.industry.domain import mask_name

    return PublicReceipt(
        point=weighing.point.title,
        day=weighing.weighed_at.astimezone(BEIJING).date(),
        net_g=weighing.net_g,
        amount=weighing.amount_market + weighing.amount_topup,
        topup=weighing.amount_topup,
        masked_name=mask_name(weighing.household.head_name),
    )
