"""Reads of the purchase entry page and of receipts.

Holds `MemberHit`, `member_search`, `recent_weighings`, `day_price`, `open_season`, and the
receipt's `receipt_fields`, `receipt_code_of`, `PublicReceipt`, `receipt_verify` (the public
check of a printed receipt).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Q

from zhenxing.core.errors import NotInScope
from zhenxing.core.timeutil import BEIJING
from zhenxing.industry.domain import receipt_code
from zhenxing.industry.models import (
    Cooperative,
    PointDayPrice,
    ProtectionAgreement,
    PurchasePoint,
    Season,
    Weighing,
)
from zhenxing.industry.selectors.scope import (
    memberships_visible,
    seasons_visible,
    weighings_visible,
)


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
