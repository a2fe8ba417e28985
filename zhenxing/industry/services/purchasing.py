"""Purchasing at the points: the day's price and the weighings.

Holds `day_price_set` (同价同步: one price per cooperative and day), `WeighingOutcome` and
`weighing_record` (idempotent on the client id; the floor price before 雨水).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction

from zhenxing.accounts.access import require_allowed
from zhenxing.accounts.models import User
from zhenxing.audit.events import AuditEventType
from zhenxing.core.errors import DomainError
from zhenxing.core.timeutil import BEIJING
from zhenxing.households.models import Household
from zhenxing.industry import domain, policies
from zhenxing.industry.errors import IndustryErrorCode
from zhenxing.industry.models import (
    Cooperative,
    Membership,
    PointDayPrice,
    ProtectionAgreement,
    PurchasePoint,
    Season,
    Weighing,
)
from zhenxing.industry.selectors import (
    industry_scope,
)
from zhenxing.industry.services.base import (
    audit,
    in_books,
    season_ensure_open,
)


def day_price_set(
    *,
    actor: User | None,
    season: Season,
    cooperative: Cooperative,
    day: date,
    price: Decimal,
) -> list[PointDayPrice]:
    """Announce the day's price at every active point of the cooperative (同价同步): a price
    that differs from one already set for that day at any of its points is refused."""
    require_allowed(policies.can_set_price(actor), actor, "day_price_set")
    in_books(actor, cooperative_id=cooperative.pk, county_code=season.county_code)
    if price <= 0:
        raise DomainError(IndustryErrorCode.PRICE_NOT_POSITIVE, field="price")
    if not season.opens_on <= day <= season.closes_on:
        raise DomainError(IndustryErrorCode.DAY_OUTSIDE_SEASON, field="day", day=day.isoformat())
    with transaction.atomic():
        season_ensure_open(season)
        existing = set(
            PointDayPrice.objects.filter(cooperative=cooperative, day=day).values_list(
                "price", flat=True
            )
        )
        other = existing - {price}
        if other:
            raise DomainError(
                IndustryErrorCode.PRICE_NOT_UNIFORM,
                field="price",
                day=day.isoformat(),
                existing=min(other),
            )
        priced = set(
            PointDayPrice.objects.filter(cooperative=cooperative, day=day).values_list(
                "point_id", flat=True
            )
        )
        rows = [
            PointDayPrice(
                season=season, point=p, cooperative=cooperative, day=day, price=price, set_by=actor
            )
            for p in PurchasePoint.objects.filter(cooperative=cooperative, active=True)
            if p.pk not in priced
        ]
        PointDayPrice.objects.bulk_create(rows)
        if rows:
            audit(
                AuditEventType.INDUSTRY_RECORD,
                actor,
                cooperative,
                action="day_price_set",
                day=day.isoformat(),
                price=str(price),
                points=len(rows),
            )
    return list(PointDayPrice.objects.filter(cooperative=cooperative, day=day))


@dataclass(frozen=True)
class WeighingOutcome:
    weighing: Weighing
    created: bool  # False: the same weighing was submitted before; this is the original


def _same_weighing(
    w: Weighing, point: PurchasePoint, household: Household, gross: int, deduction: int
) -> bool:
    return (
        w.point_id == point.pk
        and w.household_id == household.pk
        and w.gross_g == gross
        and w.deduction_g == deduction
    )


def weighing_record(
    *,
    actor: User | None,
    season: Season,
    point: PurchasePoint,
    household: Household,
    client_id: uuid.UUID,
    weighed_at: datetime,
    gross_kg: Decimal,
    deduction_kg: Decimal = Decimal("0"),
    grade: str = "1",
    price: Decimal | None = None,
) -> WeighingOutcome:
    """Record one weighing at a point. A repeated `client_id` answers with the original record
    (and refuses a different weighing under the same id). Refuses: a weight that is not above
    zero, a point of another cooperative, a household that is not a member, an instant outside
    the season, no day price, a typed price below the floor before 雨水 or other than the day
    price. Nothing is written when refused."""
    require_allowed(policies.can_weigh(actor), actor, "weighing_record")
    gross, deduction = domain.grams(gross_kg), domain.grams(deduction_kg)
    existing = Weighing.objects.filter(client_id=client_id).first()
    if existing is not None:
        in_books(actor, cooperative_id=existing.cooperative_id)
        if not _same_weighing(existing, point, household, gross, deduction):
            raise DomainError(
                IndustryErrorCode.WEIGHING_ID_REUSED, field="client_id", client_id=str(client_id)
            )
        return WeighingOutcome(existing, created=False)
    scope = industry_scope(actor) if actor is not None else None
    if scope is not None and scope.cooperative_id != point.cooperative_id:
        raise DomainError(IndustryErrorCode.POINT_OTHER_COOP, field="point", point=point.title)
    if not point.active:
        raise DomainError(IndustryErrorCode.POINT_INACTIVE, field="point", point=point.title)
    if gross <= 0 or deduction < 0 or gross - deduction <= 0:
        raise DomainError(
            IndustryErrorCode.WEIGHT_NOT_POSITIVE,
            field="gross_kg",
            gross=gross_kg,
            deduction=deduction_kg,
        )
    if not domain.in_season(weighed_at, season.opens_on, season.closes_on):
        raise DomainError(
            IndustryErrorCode.OUTSIDE_SEASON,
            field="weighed_at",
            at=weighed_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M"),
            season=str(season),
            opens=season.opens_on.isoformat(),
            closes=season.closes_on.isoformat(),
        )
    if not Membership.objects.filter(
        cooperative_id=point.cooperative_id, household=household, left_on__isnull=True
    ).exists():
        raise DomainError(
            IndustryErrorCode.NOT_MEMBER,
            field="household",
            household=household.household_no,
            cooperative=point.cooperative.title,
        )
    day = weighed_at.astimezone(BEIJING).date()
    day_price = (
        PointDayPrice.objects.filter(point=point, day=day).values_list("price", flat=True).first()
    )
    if day_price is None:
        raise DomainError(
            IndustryErrorCode.NO_DAY_PRICE, field="price", point=point.title, day=day.isoformat()
        )
    under_agreement = ProtectionAgreement.objects.filter(
        season=season, household=household, cooperative_id=point.cooperative_id
    ).exists()
    applies = domain.floor_applies(
        at=weighed_at,
        yushui_at=season.yushui_at,
        rule=season.yushui_rule,
        under_agreement=under_agreement,
        floor_after_yushui=season.floor_after_yushui,
    )
    amounts = domain.weighing_amounts(
        net_g=gross - deduction, day_price=day_price, floor=season.floor_price, applies=applies
    )
    domain.check_offered_price(
        price, expected=amounts.price_paid, floor=season.floor_price, applies=applies
    )
    try:
        with transaction.atomic():
            season_ensure_open(season)
            weighing = Weighing.objects.create(
                client_id=client_id,
                season=season,
                point=point,
                cooperative_id=point.cooperative_id,
                household=household,
                county_code=household.county_code,
                town_code=household.town_code,
                village_code=household.village_code,
                weighed_at=weighed_at,
                gross_g=gross,
                deduction_g=deduction,
                net_g=gross - deduction,
                grade=grade,
                day_price=day_price,
                floor_applied=amounts.floor_applied,
                price_paid=amounts.price_paid,
                amount_market=amounts.market,
                amount_topup=amounts.topup,
                clerk=actor,
            )
    except IntegrityError:
        # The same weighing submitted twice at once: the first insert is the record.
        original = Weighing.objects.filter(client_id=client_id).first()
        if original is None or not _same_weighing(original, point, household, gross, deduction):
            raise
        return WeighingOutcome(original, created=False)
    return WeighingOutcome(weighing, created=True)
