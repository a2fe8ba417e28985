"""Evidence for risk elimination: monthly income observations (`income_observe`, and
`income_observations_from_run` from a published screening run, set-based) and assistance
measures (`measure_record`, `measure_done`); `_yuan` reads an amount typed in yuan."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from zhenxing.accounts.access import require_allowed
from zhenxing.accounts.models import User
from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record
from zhenxing.core.errors import DomainError
from zhenxing.core.money import FEN, yuan_to_fen
from zhenxing.core.timeutil import business_today
from zhenxing.households.models import Household
from zhenxing.households.validation import MAX_AMOUNT
from zhenxing.monitoring import domain, policies
from zhenxing.monitoring.errors import MonitoringErrorCode
from zhenxing.monitoring.models import (
    IncomeObservation,
    IncomeSource,
    Measure,
    MeasureKind,
    MeasureStatus,
)
from zhenxing.monitoring.services._common import _bad, _codes, _in_scope
from zhenxing.screening.models import Result, Run


def _yuan(value: Any, field: str, zh: str, en: str) -> int:
    """Fen from an amount in yuan, 0 to `MAX_AMOUNT` with at most two decimals.

    The range is checked before `quantize`, which raises `InvalidOperation` on numbers with more
    digits than the context's precision (`1E+30`, thirty nines); NaN and infinities are refused.
    """
    error = DomainError(
        MonitoringErrorCode.AMOUNT_BAD, field=field, field_zh=zh, field_en=en,
        high=f"{MAX_AMOUNT:,}",
    )  # fmt: skip
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError) as exc:
        raise error from exc
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise error
    if amount != amount.quantize(FEN):
        raise error
    return yuan_to_fen(amount)


def income_observe(
    *,
    actor: User | None,
    household: Household,
    month: date,
    per_capita_yuan: Any,
    source: str = "visit",
) -> IncomeObservation:
    """The household's annualised per-capita net income as observed in `month` (one per
    month; a second observation of the same month replaces the first)."""
    require_allowed(policies.can_record_income(actor), actor, "income_observe")
    _in_scope(actor, household)
    if source not in IncomeSource.values:
        raise _bad("source", "来源", "Source")
    first = domain.first_of_month(month)
    if first > domain.first_of_month(business_today()):
        raise _bad("month", "月份", "Month")
    fen = _yuan(per_capita_yuan, "per_capita", "人均纯收入", "Per-capita income")
    with transaction.atomic():
        observation, _ = IncomeObservation.objects.update_or_create(
            household=household,
            month=first,
            defaults={"per_capita_fen": fen, "source": source, "recorded_by": actor,
                      **_codes(household)},
        )  # fmt: skip
        record(
            AuditEventType.MONITORING_RECORD,
            actor=actor,
            obj=observation,
            username="命令行 CLI",
            detail={"kind": "income", "month": f"{first:%Y-%m}"},
        )
    return observation


def measure_record(
    *,
    actor: User | None,
    household: Household,
    kind: str,
    planned_on: date | None = None,
    done_on: date | None = None,
    note: str = "",
) -> Measure:
    """A minimal assistance measure (until the assistance plans issue): planned, or done."""
    require_allowed(policies.can_record_measure(actor), actor, "measure_record")
    _in_scope(actor, household)
    if kind not in MeasureKind.values:
        raise _bad("kind", "措施", "Measure")
    today = business_today()
    if done_on is not None and done_on > today:
        raise _bad("done_on", "落实日期", "Done on")
    with transaction.atomic():
        measure = Measure.objects.create(
            household=household, kind=kind,
            status=MeasureStatus.DONE if done_on else MeasureStatus.PLANNED,
            planned_on=planned_on or done_on or today, done_on=done_on, note=note.strip()[:200],
            recorded_by=actor, **_codes(household),
        )  # fmt: skip
        record(
            AuditEventType.MONITORING_RECORD,
            actor=actor,
            obj=measure,
            username="命令行 CLI",
            detail={"kind": "measure", "measure": kind, "status": measure.status},
        )
    return measure


def measure_done(*, actor: User, measure: Measure, done_on: date | None = None) -> Measure:
    require_allowed(policies.can_record_measure(actor), actor, "measure_done")
    day = done_on or business_today()
    if day > business_today():
        raise _bad("done_on", "落实日期", "Done on")
    with transaction.atomic():
        measure = Measure.objects.select_for_update().get(pk=measure.pk)
        measure.status, measure.done_on = MeasureStatus.DONE, day
        measure.save(update_fields=["status", "done_on"])
        record(
            AuditEventType.MONITORING_RECORD,
            actor=actor,
            obj=measure,
            detail={"kind": "measure_done", "measure": measure.kind},
        )
    return measure


def income_observations_from_run(*, actor: User | None, run: Run) -> int:
    """Record each monitored household's per-capita net income from a published run's results
    as the observation of the run's reference month (set-based; one row per household)."""
    require_allowed(policies.can_run_screening_leads(actor), actor, "income_observations_from_run")
    if run.status != "published":
        raise DomainError(MonitoringErrorCode.NO_PUBLISHED_RUN)
    month = domain.first_of_month(run.as_of)
    rows = (
        Result.objects.filter(run=run, household__monitoring_type__gt="")
        .exclude(
            household_id__in=IncomeObservation.objects.filter(month=month).values("household_id")
        )
        .values_list("household_id", "county_code", "town_code", "village_code",
                     "per_capita_net_income")
    )  # fmt: skip
    objects = [
        IncomeObservation(
            household_id=h, county_code=c, town_code=t, village_code=v, month=month,
            per_capita_fen=max(fen, 0), source=IncomeSource.SCREENING, recorded_by=actor,
        )
        for h, c, t, v, fen in rows.iterator(chunk_size=5000)
    ]  # fmt: skip
    with transaction.atomic():
        IncomeObservation.objects.bulk_create(objects, batch_size=2000, ignore_conflicts=True)
        record(
            AuditEventType.MONITORING_RECORD,
            actor=actor,
            obj=run,
            username="命令行 CLI",
            detail={"kind": "income_from_run", "rows": len(objects)},
        )
    return len(objects)
