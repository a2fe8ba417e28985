"""What every benefit-chain service shares.

Holds `CLI_OPERATOR` (the name recorded for the operator at the command line), `ZERO`,
`in_books` (the scope check behind the views), `audit`, `village_get` and
`season_ensure_open` (nothing is recorded for a season once its settlement is submitted).

`actor=None` is the operator at the server's command line (trusted like every other command).
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from zhenxing.accounts.models import User
from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record
from zhenxing.core.errors import DomainError, NotInScope
from zhenxing.industry.domain import ZERO
from zhenxing.industry.errors import IndustryErrorCode
from zhenxing.industry.models import Season, SettlementRun
from zhenxing.industry.selectors import industry_scope
from zhenxing.regions.models import Division

__all__ = ["CLI_OPERATOR", "ZERO", "audit", "in_books", "season_ensure_open", "village_get"]

CLI_OPERATOR = "命令行 CLI"


def in_books(
    actor: User | None,
    *,
    cooperative_id: int | None = None,
    enterprise_id: int | None = None,
    county_code: str = "",
) -> None:
    """Defence behind the views: a clerk acts only on its own books, district staff only in
    its county. Outside → `NotInScope` (404, audited)."""
    if actor is None:
        return
    s = industry_scope(actor)
    if s.county_code:
        if county_code and county_code != s.county_code:
            raise NotInScope("industry", county_code)
        return
    if s.cooperative_id is not None and cooperative_id == s.cooperative_id:
        return
    if s.enterprise_id is not None and enterprise_id == s.enterprise_id:
        return
    raise NotInScope("industry", str(cooperative_id or enterprise_id or ""))


def audit(event: AuditEventType, actor: User | None, obj: Any = None, **detail: Any) -> None:
    record(event, actor=actor, obj=obj, username=CLI_OPERATOR, detail=detail)


def village_get(code: str, county_code: str | None = None) -> Division:
    division = Division.objects.filter(code=code, valid_to__isnull=True, level="village").first()
    if division is None or (county_code and division.county_code != county_code):
        raise DomainError(IndustryErrorCode.NOT_A_VILLAGE, field="village_code", code=code)
    return division


def season_ensure_open(season: Season) -> None:
    """Nothing is recorded for a season once its settlement has been submitted. On PostgreSQL
    the season row is share-locked, so a settlement submitted concurrently waits for this
    transaction (and its weighing) to finish first."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM industry_season WHERE id = %s FOR KEY SHARE", [season.pk])
    if SettlementRun.objects.filter(season_id=season.pk).exists():
        raise DomainError(IndustryErrorCode.SEASON_SETTLED, season=str(season))
