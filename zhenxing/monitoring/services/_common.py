"""Helpers shared by the monitoring services: region codes, the scope re-check, risk types,
required/invalid field errors, and a lead's deadlines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from zhenxing.accounts.models import User
from zhenxing.core.errors import DomainError, NotInScope
from zhenxing.households.models import Household
from zhenxing.monitoring import domain
from zhenxing.monitoring.errors import MonitoringErrorCode
from zhenxing.monitoring.parameters import params_for
from zhenxing.screening.models import RISK_BITS


def _codes(household: Household) -> dict[str, str]:
    return {
        "county_code": household.county_code,
        "town_code": household.town_code,
        "village_code": household.village_code,
    }


def _in_scope(actor: User | None, household: Household) -> None:
    """Services re-check scope: a view that forgot its selector still cannot write."""
    if actor is None:
        return
    from zhenxing.households.selectors import households_visible

    if not households_visible(actor).filter(pk=household.pk).exists():
        raise NotInScope("household", str(household.pk))


def risk_mask_of(risk_types: Sequence[str]) -> int:
    mask = 0
    for code in risk_types:
        if code not in RISK_BITS:
            raise DomainError(
                MonitoringErrorCode.BAD_VALUE, field="risk_types", field_zh="风险类型",
                field_en="Risk types",
            )  # fmt: skip
        mask |= RISK_BITS[code]
    return mask


def risk_types_of(mask: int) -> list[str]:
    return [code for code, bit in RISK_BITS.items() if mask & bit]


def _required(value: Any, field: str, zh: str, en: str) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise DomainError(MonitoringErrorCode.REQUIRED, field=field, field_zh=zh, field_en=en)


def _bad(field: str, zh: str, en: str) -> DomainError:
    return DomainError(MonitoringErrorCode.BAD_VALUE, field=field, field_zh=zh, field_en=en)


def _lead_dates(household: Household, found_on: date) -> tuple[date, date]:
    params = params_for(year=found_on.year, region_code=household.village_code)
    return (
        domain.due_date(found_on, params.lead_decision_days),
        domain.due_date(found_on, params.declaration_accept_days),
    )
