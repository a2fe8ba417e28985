"""Helpers every assistance service shares: scope re-checks, refusals that name the field."""

from __future__ import annotations

from datetime import date
from typing import Any

from zhenxing.assistance.errors import AssistanceErrorCode as E
from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record
from zhenxing.core.errors import DomainError, NotInScope
from zhenxing.core.timeutil import business_today
from zhenxing.households.models import Household


def codes(household: Household) -> dict[str, str]:
    return {
        "county_code": household.county_code,
        "town_code": household.town_code,
        "village_code": household.village_code,
    }


def in_scope(actor: Any, household: Household) -> None:
    """Services re-check scope through the one household rule: a view that forgot its
    selector still cannot write. `actor=None` is the operator at the command line."""
    if actor is None:
        return
    from zhenxing.households.selectors import filter_by_household_scope

    visible = filter_by_household_scope(
        Household.objects.filter(pk=household.pk), actor, household_field="pk"
    )
    if not visible.exists():
        raise NotInScope("household", str(household.pk))


def required(value: Any, field: str, label: str, label_en: str) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise DomainError(E.REQUIRED, field=field, label=label, label_en=label_en)


def bad(field: str, label: str, label_en: str, why: str, why_en: str) -> DomainError:
    return DomainError(
        E.BAD_VALUE, field=field, label=label, label_en=label_en, why=why, why_en=why_en
    )


def not_future(day: date | None, field: str, label: str, label_en: str) -> None:
    if day is not None and day > business_today():
        raise DomainError(E.FUTURE_DATE, field=field, label=label, label_en=label_en)


def not_before_household(
    day: date | None, household: Household, field: str, label: str, label_en: str
) -> None:
    """A date about a household cannot precede the household's registration."""
    if day is None:
        return
    since = household.created_at.date() if household.created_at else None
    if since is not None and day < since:
        raise DomainError(
            E.BEFORE_HOUSEHOLD, field=field, label=label, label_en=label_en, since=since
        )


def audit(actor: Any, obj: Any, **detail: Any) -> None:
    record(
        AuditEventType.ASSISTANCE_RECORD,
        actor=actor,
        obj=obj,
        username="" if actor is not None else "命令行 CLI",
        detail=detail,
    )
