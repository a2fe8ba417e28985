"""Village information officers (村信息员) assigned to households, with history and a quota.

`officer_assign` refuses an officer already at the limit (the parameter
`officer_max_households`, 200 by default: 联系贫困户200户以内配备1人) and a household that
already has an officer; `officer_unassign` ends an assignment keeping its dates.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction

from zhenxing.accounts.access import require_allowed
from zhenxing.assistance import policies
from zhenxing.assistance.errors import AssistanceErrorCode as E
from zhenxing.assistance.models import OfficerAssignment, Parameter
from zhenxing.assistance.services._common import audit, codes, in_scope, not_future
from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role
from zhenxing.core.scope import scope_of
from zhenxing.households.models import Household


def parameter(name: str, region_code: str = "") -> int:
    """A region's value (a town's over its county's) or the shipped default."""
    candidates = [region_code[:9], region_code[:6], ""]
    rows = dict(
        Parameter.objects.filter(name=name, region_code__in=candidates).values_list(
            "region_code", "value"
        )
    )
    for code in candidates:
        if code in rows:
            return int(rows[code])
    raise DomainError(E.REQUIRED, field=name, label=name, label_en=name)


def officer_load(officer: Any, county_code: str) -> int:
    return OfficerAssignment.objects.filter(
        county_code=county_code, officer=officer, until__isnull=True
    ).count()


def officer_assign(*, actor: Any, officer: Any, household: Household, since: date) -> Any:
    require_allowed(actor is None or policies.can_assign_officer(actor), actor, "officer_assign")
    in_scope(actor, household)
    name = officer.full_name or officer.username
    if officer.role != Role.VILLAGE_OFFICER or not officer.is_active:
        raise DomainError(E.NOT_OFFICER, field="officer", name=name)
    reach = Household.objects.filter(pk=household.pk).filter(scope_of(officer).region_q())
    if not reach.exists():
        raise DomainError(
            E.OUT_OF_REACH, field="household", household=household.household_no, who=name,
            who_en=name,
        )  # fmt: skip
    not_future(since, "since", "起始日期", "Since")
    limit = parameter("officer_max_households", household.village_code)
    with transaction.atomic():
        current = (
            OfficerAssignment.objects.select_for_update()
            .filter(county_code=household.county_code, household=household, until__isnull=True)
            .first()
        )
        if current is not None:
            other = type(officer).objects.get(pk=current.officer_id)
            raise DomainError(
                E.ALREADY_ASSIGNED, field="officer", since=current.since,
                name=other.full_name or other.username,
            )  # fmt: skip
        # Serialise assignments of one officer, so two at once cannot both pass the quota.
        type(officer).objects.select_for_update().filter(pk=officer.pk).first()
        count = officer_load(officer, household.county_code)
        if count >= limit:
            raise DomainError(E.OVER_QUOTA, field="officer", name=name, count=count, limit=limit)
        assignment = OfficerAssignment.objects.create(
            officer=officer, household=household, since=since, **codes(household)
        )
        audit(actor, assignment, kind="officer_assign", officer=officer.pk)
    return assignment


def officer_unassign(*, actor: Any, household: Household, until: date) -> OfficerAssignment:
    require_allowed(actor is None or policies.can_assign_officer(actor), actor, "officer_unassign")
    in_scope(actor, household)
    not_future(until, "until", "结束日期", "Until")
    with transaction.atomic():
        current = (
            OfficerAssignment.objects.select_for_update()
            .filter(county_code=household.county_code, household=household, until__isnull=True)
            .first()
        )
        if current is None:
            raise DomainError(E.REQUIRED, field="officer", label="信息员", label_en="Officer")
        if until < current.since:
            raise DomainError(
                E.DATE_ORDER, field="until", label="结束日期", label_en="Until",
                other="起始日期", other_en="Since",
            )  # fmt: skip
        current.until = until
        current.save(update_fields=["until"])
        audit(actor, current, kind="officer_unassign")
    return current


def officer_change(*, actor: Any, household: Household, officer: Any, since: date) -> Any:
    with transaction.atomic():
        if OfficerAssignment.objects.filter(
            county_code=household.county_code, household=household, until__isnull=True
        ).exists():
            officer_unassign(actor=actor, household=household, until=since - timedelta(days=1))
        return officer_assign(actor=actor, officer=officer, household=household, since=since)
