"""The monitoring procedure's business numbers: deadlines, notice length, the income rule.

One place decides a number for a year and a region: a `screening.Parameter` row of the town,
else of the county, else the shipped default (`rules/parameters.yaml` here for the procedure's
own numbers; `screening/rules/parameters.yaml` for the income threshold and the water limits,
which belong to the screening). A number missing everywhere is an error, never a literal.

Holds: `DEFAULTS_FILE`, `defaults`, `parameter`, `parameter_int`, `MonitoringParams`,
`params_for`, `income_threshold_fen`, `water_limits`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

from zhenxing.core.errors import DomainError
from zhenxing.core.money import yuan_to_fen
from zhenxing.monitoring.domain import WaterLimits
from zhenxing.monitoring.errors import MonitoringErrorCode
from zhenxing.screening.loader import parse_parameters
from zhenxing.screening.models import Parameter
from zhenxing.screening.setup import DEFAULT_PARAMETERS as SCREENING_DEFAULTS

DEFAULTS_FILE = Path(__file__).resolve().parent / "rules" / "parameters.yaml"


@dataclass(frozen=True)
class DefaultParameter:
    name: str
    kind: str
    value: Decimal
    label: str
    source: str


@functools.cache
def defaults() -> dict[str, DefaultParameter]:
    data = yaml.safe_load(DEFAULTS_FILE.read_text(encoding="utf-8")) or {}
    return {
        str(name): DefaultParameter(
            name=str(name),
            kind=str(item["kind"]),
            value=Decimal(str(item["value"])),
            label=str(item.get("label", "")),
            source=str(item.get("source", "")),
        )
        for name, item in data.items()
    }


@functools.cache
def _screening_defaults() -> dict[tuple[int, str, str], Decimal]:
    specs = parse_parameters(SCREENING_DEFAULTS.read_text(encoding="utf-8"))
    return {(s.year, s.region_code, s.name): s.value for s in specs}


def _regions(region_code: str) -> list[str]:
    """The most specific first: a town (9 digits) before its county (6)."""
    codes = [region_code[:9]] if len(region_code) >= 9 else []
    return [*codes, region_code[:6]]


def parameter(name: str, *, year: int, region_code: str) -> Decimal:
    """The value of `name` for `year` in the region (town or village code, or a county)."""
    regions = _regions(region_code)
    found = {
        p.region_code: p.value
        for p in Parameter.objects.filter(year=year, name=name, region_code__in=regions)
    }
    for region in regions:
        if region in found:
            return Decimal(found[region])
    default = defaults().get(name)
    if default is not None:
        return default.value
    shipped = _screening_defaults().get((year, region_code[:6], name))
    if shipped is not None:
        return shipped
    raise DomainError(
        MonitoringErrorCode.PARAMETER_MISSING, year=year, region=region_code[:6], name=name
    )


def parameter_int(name: str, *, year: int, region_code: str) -> int:
    return int(parameter(name, year=year, region_code=region_code))


@dataclass(frozen=True)
class MonitoringParams:
    lead_decision_days: int
    declaration_accept_days: int
    notice_min_days: int
    elimination_income_months: int
    elimination_decision_days: int
    due_soon_days: int


def params_for(*, year: int, region_code: str) -> MonitoringParams:
    def get(name: str) -> int:
        return parameter_int(name, year=year, region_code=region_code)

    return MonitoringParams(
        lead_decision_days=get("lead_decision_days"),
        declaration_accept_days=get("declaration_accept_days"),
        notice_min_days=get("notice_min_days"),
        elimination_income_months=get("elimination_income_months"),
        elimination_decision_days=get("elimination_decision_days"),
        due_soon_days=get("due_soon_days"),
    )


def income_threshold_fen(*, year: int, region_code: str) -> int:
    return yuan_to_fen(parameter("income_threshold", year=year, region_code=region_code))


def water_limits(*, year: int, region_code: str) -> WaterLimits:
    def get(name: str) -> int:
        return parameter_int(name, year=year, region_code=region_code)

    return WaterLimits(
        litres_normal=get("water_litres_normal"),
        litres_scarce=get("water_litres_scarce"),
        trip_minutes_max=get("water_trip_minutes_max"),
        horizontal_max=get("water_horizontal_max"),
        vertical_max=get("water_vertical_max"),
        outage_days_max=get("water_outage_days_max"),
    )
