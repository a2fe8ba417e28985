"""Deliveries of a cooperative to its enterprise (the revenue its guaranteed margin is
reconciled against at settlement).

Holds `delivery_record` (at the enterprise's price, with the cooperative's costs; idempotent on
the client id).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from django.db import transaction

from zhenxing.accounts.access import require_allowed
from zhenxing.accounts.models import User
from zhenxing.audit.events import AuditEventType
from zhenxing.core.errors import DomainError
from zhenxing.core.timeutil import BEIJING
from zhenxing.industry import domain, policies
from zhenxing.industry.errors import IndustryErrorCode
from zhenxing.industry.models import (
    Delivery,
    OrderAgreement,
)
from zhenxing.industry.services.base import (
    ZERO,
    audit,
    in_books,
    season_ensure_open,
)


def delivery_record(
    *,
    actor: User | None,
    agreement: OrderAgreement,
    client_id: uuid.UUID,
    delivered_at: datetime,
    net_kg: Decimal,
    price: Decimal,
    costs: Decimal = ZERO,
    note: str = "",
) -> Delivery:
    """A cooperative's delivery to its enterprise, at the enterprise's price, with the
    cooperative's costs of it. Idempotent on `client_id`."""
    require_allowed(policies.can_deliver(actor), actor, "delivery_record")
    season = agreement.season
    in_books(
        actor,
        cooperative_id=agreement.cooperative_id,
        enterprise_id=agreement.enterprise_id,
        county_code=season.county_code,
    )
    net = domain.grams(net_kg)
    existing = Delivery.objects.filter(client_id=client_id).first()
    if existing is not None:
        if (existing.agreement_id, existing.net_g, existing.price) != (agreement.pk, net, price):
            raise DomainError(
                IndustryErrorCode.DELIVERY_ID_REUSED, field="client_id", client_id=str(client_id)
            )
        return existing
    if net <= 0:
        raise DomainError(
            IndustryErrorCode.WEIGHT_NOT_POSITIVE, field="net_kg", gross=net_kg, deduction=0
        )
    if price <= 0:
        raise DomainError(IndustryErrorCode.PRICE_NOT_POSITIVE, field="price")
    if costs < 0:
        raise DomainError(IndustryErrorCode.COSTS_NEGATIVE, field="costs")
    if not domain.in_season(delivered_at, season.opens_on, season.closes_on):
        raise DomainError(
            IndustryErrorCode.OUTSIDE_SEASON,
            field="delivered_at",
            at=delivered_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M"),
            season=str(season),
            opens=season.opens_on.isoformat(),
            closes=season.closes_on.isoformat(),
        )
    with transaction.atomic():
        season_ensure_open(season)
        delivery = Delivery.objects.create(
            client_id=client_id,
            season=season,
            agreement=agreement,
            cooperative_id=agreement.cooperative_id,
            enterprise_id=agreement.enterprise_id,
            delivered_at=delivered_at,
            net_g=net,
            price=price,
            amount=domain.line_amount(price, net),
            costs=costs,
            note=note[:200],
            recorded_by=actor,
        )
        audit(AuditEventType.INDUSTRY_RECORD, actor, delivery, action="delivery_record")
    return delivery
