"""Business time is Asia/Shanghai; instants are always timezone-aware."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

BEIJING = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return timezone.now()


def business_today() -> date:
    """Today's date in Beijing, whatever the server's clock zone."""
    return timezone.now().astimezone(BEIJING).date()
