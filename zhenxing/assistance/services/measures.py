"""Measures (帮扶措施): one record for every kind of help to a household or a member.

Holds `measure_record` (idempotent on `source_ref`: the benefit chain records an industry or
property measure when a household joins an agreement, receives a floor top-up or a dividend)
and `measure_progress` (started / done / cancelled).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction

from zhenxing.accounts.access import require_allowed
from zhenxing.assistance import domain, policies
from zhenxing.assistance.errors import AssistanceErrorCode as E
from zhenxing.assistance.models import Measure, MeasureKind, MeasureStatus
from zhenxing.assistance.services._common import (
    audit,
    bad,
    codes,
    in_scope,
    not_before_household,
    not_future,
)
from zhenxing.core.errors import DomainError
from zhenxing.core.timeutil import business_today
from zhenxing.households.models import Household, Member


def kind_get(code: str) -> MeasureKind:
    kind = MeasureKind.objects.filter(code=code, active=True).first()
    if kind is None:
        raise DomainError(E.UNKNOWN_KIND, field="kind", code=str(code)[:24])
    return kind


def check_member(household: Household, member: Member | None) -> None:
    if member is not None and member.household_id != household.pk:
        raise DomainError(E.MEMBER_ELSEWHERE, field="member", name=member.name)


def check_amount(kind: MeasureKind, amount: Decimal | str | None) -> Decimal | None:
    if amount is None or amount == "":
        return None
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount).strip())
    except InvalidOperation:
        raise bad("amount", "金额", "Amount", "不是数字", "not a number") from None
    if not value.is_finite() or value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise bad("amount", "金额", "Amount", "最多两位小数", "at most two decimals")
    error = domain.amount_error(value, involves_money=kind.involves_money, limit=kind.max_amount)
    if error == "no_money":
        raise DomainError(E.NO_MONEY, field="amount", kind=kind.name_zh)
    if error == "range":
        limit = kind.max_amount if kind.max_amount is not None else "∞"
        raise DomainError(E.AMOUNT_RANGE, field="amount", limit=limit)
    return value


def check_dates(
    household: Household,
    *,
    planned_on: date,
    started_on: date | None,
    done_on: date | None,
) -> None:
    not_future(started_on, "started_on", "开始日期", "Started on")
    not_future(done_on, "done_on", "落实日期", "Done on")
    for day, field, zh, en in (
        (planned_on, "planned_on", "计划日期", "Planned on"),
        (started_on, "started_on", "开始日期", "Started on"),
        (done_on, "done_on", "落实日期", "Done on"),
    ):
        not_before_household(day, household, field, zh, en)
    if started_on and done_on and done_on < started_on:
        raise DomainError(
            E.DATE_ORDER, field="done_on", label="落实日期", label_en="Done on",
            other="开始日期", other_en="Started on",
        )  # fmt: skip


def measure_record(
    *,
    actor: Any,
    household: Household,
    kind: str,
    member: Member | None = None,
    planned_on: date | None = None,
    started_on: date | None = None,
    done_on: date | None = None,
    amount: Decimal | str | None = None,
    responsible: Any = None,
    evidence: str = "",
    note: str = "",
    source_ref: str = "",
    plan_item: Any = None,
) -> Measure:
    """Record one measure. With a `source_ref`, recording it again returns the first record."""
    require_allowed(actor is None or policies.can_record_measure(actor), actor, "measure_record")
    in_scope(actor, household)
    if source_ref and (
        existing := Measure.objects.filter(
            county_code=household.county_code, source_ref=source_ref
        ).first()
    ):
        return existing
    measure_kind = kind_get(kind)
    check_member(household, member)
    value = check_amount(measure_kind, amount)
    planned = planned_on or started_on or done_on or business_today()
    check_dates(household, planned_on=planned, started_on=started_on, done_on=done_on)
    status = (
        MeasureStatus.DONE
        if done_on
        else MeasureStatus.STARTED
        if started_on
        else MeasureStatus.PLANNED
    )
    try:
        with transaction.atomic():
            measure = Measure.objects.create(
                household=household, member=member, kind=measure_kind, status=status,
                planned_on=planned, started_on=started_on, done_on=done_on, amount=value,
                responsible=responsible, evidence=evidence.strip()[:300], note=note.strip()[:200],
                source_ref=source_ref, plan_item=plan_item,
                recorded_by=actor if getattr(actor, "pk", None) else None, **codes(household),
            )  # fmt: skip
            audit(actor, measure, kind="measure", measure=kind, status=status)
            return measure
    except IntegrityError:
        if not source_ref:
            raise
        # A concurrent recorder of the same source won; its record is the one.
        return Measure.objects.get(county_code=household.county_code, source_ref=source_ref)


def measure_progress(
    *,
    actor: Any,
    measure: Measure,
    status: str,
    day: date | None = None,
    evidence: str = "",
) -> Measure:
    """Move a measure on: started, done (with its date) or cancelled."""
    require_allowed(actor is None or policies.can_record_measure(actor), actor, "measure_progress")
    if status not in (MeasureStatus.STARTED, MeasureStatus.DONE, MeasureStatus.CANCELLED):
        raise bad("status", "状态", "Status", "不是可选的状态", "not a valid status")
    household = Household.objects.get(pk=measure.household_id)
    in_scope(actor, household)
    day = day or business_today()
    with transaction.atomic():
        measure = Measure.objects.select_for_update().get(pk=measure.pk)
        if status == MeasureStatus.STARTED:
            check_dates(household, planned_on=measure.planned_on, started_on=day, done_on=None)
            measure.started_on = day
        elif status == MeasureStatus.DONE:
            check_dates(
                household, planned_on=measure.planned_on, started_on=measure.started_on, done_on=day
            )
            measure.done_on = day
        measure.status = status
        if evidence.strip():
            measure.evidence = evidence.strip()[:300]
        measure.save()
        if measure.plan_item_id and status == MeasureStatus.DONE:
            from zhenxing.assistance.models import ItemStatus, PlanItem

            PlanItem.objects.filter(pk=measure.plan_item_id).update(status=ItemStatus.DONE)
        audit(actor, measure, kind="measure_progress", status=status)
    return measure
