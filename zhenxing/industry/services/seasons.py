"""Seasons: the calendar and every number of the mechanism, per county and year.

Holds `SeasonInput` and `season_create` (the 雨水 instant computed and stored). The reads
`season_defaults` and `season_terms` live in `zhenxing.industry.selectors`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from zhenxing.accounts.access import require_allowed
from zhenxing.accounts.models import User
from zhenxing.audit.events import AuditEventType
from zhenxing.core.errors import DomainError
from zhenxing.industry import domain, policies
from zhenxing.industry.errors import IndustryErrorCode
from zhenxing.industry.models import (
    SEASON_DEFAULTS,
    Season,
)
from zhenxing.industry.services.base import (
    audit,
    in_books,
)


@dataclass(frozen=True)
class SeasonInput:
    year: int
    opens_on: date
    closes_on: date
    crop: str = str(SEASON_DEFAULTS["crop"])
    floor_price: Decimal = Decimal(str(SEASON_DEFAULTS["floor_price"]))
    household_deposit_rate: Decimal = Decimal(str(SEASON_DEFAULTS["household_deposit_rate"]))
    coop_deposit_rate: Decimal = Decimal(str(SEASON_DEFAULTS["coop_deposit_rate"]))
    margin_min: Decimal = Decimal(str(SEASON_DEFAULTS["margin_min"]))
    margin_max: Decimal = Decimal(str(SEASON_DEFAULTS["margin_max"]))
    forfeit_threshold: Decimal = Decimal(str(SEASON_DEFAULTS["forfeit_threshold"]))
    forfeit_mode: str = str(SEASON_DEFAULTS["forfeit_mode"])
    approval_threshold: Decimal = Decimal(str(SEASON_DEFAULTS["approval_threshold"]))
    yushui_rule: str = str(SEASON_DEFAULTS["yushui_rule"])
    floor_after_yushui: bool = False


def season_create(*, actor: User | None, county_code: str, data: SeasonInput) -> Season:
    """A season with its 雨水 instant computed (lunar-python, Beijing time)."""
    require_allowed(policies.can_configure(actor), actor, "season_create")
    in_books(actor, county_code=county_code)
    if data.closes_on < data.opens_on:
        raise DomainError(IndustryErrorCode.SEASON_DATES, field="closes_on")
    if data.margin_max < data.margin_min:
        raise DomainError(IndustryErrorCode.SEASON_BAND, field="margin_max")
    if Season.objects.filter(county_code=county_code, year=data.year, crop=data.crop).exists():
        raise DomainError(
            IndustryErrorCode.SEASON_EXISTS, field="year", year=data.year, crop=data.crop
        )
    with transaction.atomic():
        season = Season.objects.create(
            county_code=county_code,
            yushui_at=domain.yushui_instant(data.year),
            created_by=actor,
            **{k: getattr(data, k) for k in SeasonInput.__dataclass_fields__},
        )
        audit(
            AuditEventType.CONFIG_CHANGE,
            actor,
            season,
            action="season_create",
            year=data.year,
            floor_price=str(data.floor_price),
        )
    return season
