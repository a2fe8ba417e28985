"""Reads about a season and its agreements.

Holds `season_defaults` (what a new season's form is pre-filled with), `season_terms` (the
season's settlement terms for the pure domain rules), `season_approval_threshold` (the county's
latest four-eyes threshold), `deposit_key` (the ledger's natural key of an agreement's deposit)
and `deposit_status`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from zhenxing.industry import domain
from zhenxing.industry.models import SEASON_DEFAULTS, OrderAgreement, ProtectionAgreement, Season
from zhenxing.ledger.models import Entry, PendingEntry


def season_defaults(county_code: str) -> dict[str, Any]:
    """Values to pre-fill a new season: the county's latest season, else the article's."""
    latest = Season.objects.filter(county_code=county_code).order_by("-year").first()
    if latest is None:
        return dict(SEASON_DEFAULTS)
    return {name: getattr(latest, name) for name in SEASON_DEFAULTS}


def season_terms(season: Season) -> domain.SeasonTerms:
    return domain.SeasonTerms(
        margin_min=season.margin_min,
        margin_max=season.margin_max,
        forfeit_threshold=season.forfeit_threshold,
        forfeit_mode=season.forfeit_mode,
    )


def season_approval_threshold(county_code: str) -> Decimal:
    """The county's latest season's threshold; with no season every distribution is approved
    by a second person."""
    season = Season.objects.filter(county_code=county_code).order_by("-year").first()
    return season.approval_threshold if season else domain.ZERO


def deposit_key(agreement: OrderAgreement | ProtectionAgreement) -> str:
    """The natural key under which the agreement's deposit is posted (paying twice is one)."""
    if isinstance(agreement, ProtectionAgreement):
        return (
            f"deposit/S{agreement.season_id}/C{agreement.cooperative_id}/H{agreement.household_id}"
        )
    return f"deposit/S{agreement.season_id}/E{agreement.enterprise_id}/C{agreement.cooperative_id}"


def deposit_status(agreement: OrderAgreement | ProtectionAgreement) -> str:
    """ "paid", "pending" (awaiting approval) or "" (not paid)."""
    key = deposit_key(agreement)
    if Entry.objects.filter(natural_key=key).exists():
        return "paid"
    if PendingEntry.objects.filter(natural_key=key, status="pending").exists():
        return "pending"
    return ""
