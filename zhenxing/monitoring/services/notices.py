"""Public notices (公示) and objections (异议): `notice_publish` posts one notice in a village
for its evaluated cases of one kind, for at least `notice_min_days` full days; `objection_record`
and `objection_resolve` (an open objection holds its cases at the notice's close)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from zhenxing.accounts.access import require_allowed
from zhenxing.accounts.models import User
from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record
from zhenxing.core.errors import DomainError, NotInScope
from zhenxing.monitoring import domain, policies
from zhenxing.monitoring.domain import Action, CaseKind, State
from zhenxing.monitoring.errors import MonitoringErrorCode
from zhenxing.monitoring.models import Case, CaseStep, Notice, Objection
from zhenxing.monitoring.parameters import params_for
from zhenxing.monitoring.selectors import cases_visible, region_names
from zhenxing.monitoring.services._common import _bad, _required
from zhenxing.monitoring.services.cases import step_check


def notice_publish(
    *, actor: User, cases: Sequence[Case], end_date: date, now: datetime | None = None
) -> Notice:
    """Post one notice in the village for its evaluated cases of one kind. The period runs at
    least `notice_min_days` full days (Beijing), counted from the day after publication."""
    if not cases:
        raise DomainError(MonitoringErrorCode.NOTICE_EMPTY)
    now = now or timezone.now()
    ids = [c.pk for c in cases]
    fresh = list(cases_visible(actor).filter(pk__in=ids).order_by("pk"))
    if len(fresh) != len(set(ids)):
        raise NotInScope("monitoring.case", ",".join(str(i) for i in ids))
    first = fresh[0]
    for case in fresh:
        step_check(actor, case, Action.PUBLISH_NOTICE)
    min_days = params_for(
        year=domain.beijing_date(now).year, region_code=first.village_code
    ).notice_min_days
    if not domain.notice_period_ok(now, end_date, min_days):
        earliest = domain.notice_earliest_end(now, min_days)
        raise DomainError(
            MonitoringErrorCode.NOTICE_TOO_SHORT, field="end_date", days=min_days,
            earliest=earliest.isoformat(),
        )  # fmt: skip
    village = region_names([first.village_code]).get(first.village_code, "")
    with transaction.atomic():
        locked = list(Case.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        if any(
            c.state != State.EVALUATED
            or c.village_code != first.village_code
            or c.kind != first.kind
            or not c.is_open
            for c in locked
        ):
            raise DomainError(MonitoringErrorCode.NOTICE_MIXED)
        kind_label = "监测对象识别" if first.kind == CaseKind.IDENTIFICATION else "风险消除"
        notice = Notice.objects.create(
            kind=first.kind,
            title=f"{village}{kind_label}公示",
            published_at=now,
            start_date=domain.notice_first_day(now),
            end_date=end_date,
            published_by=actor,
            county_code=first.county_code,
            town_code=first.town_code,
            village_code=first.village_code,
        )
        for case in locked:
            case.state, case.notice = State.IN_NOTICE, notice
            case.last_actor, case.last_step_at = actor, now
            case.save(update_fields=["state", "notice", "last_actor", "last_step_at"])
            CaseStep.objects.create(
                case=case, action=Action.PUBLISH_NOTICE, from_state=State.EVALUATED,
                to_state=State.IN_NOTICE, actor=actor, role=actor.role, at=now,
                data={"notice": notice.pk, "start": notice.start_date.isoformat(),
                      "end": end_date.isoformat()},
            )  # fmt: skip
        record(
            AuditEventType.NOTICE_PUBLISH,
            actor=actor,
            obj=notice,
            detail={"cases": len(locked), "kind": notice.kind, "end": end_date.isoformat()},
        )
    return notice


def objection_record(
    *,
    actor: User,
    notice: Notice,
    summary: str,
    case: Case | None = None,
    received_at: datetime | None = None,
) -> Objection:
    """An objection received while the notice runs; it must be resolved before its cases move."""
    require_allowed(policies.can_record_objection(actor), actor, "objection_record")
    _required(summary, "summary", "异议内容", "Summary")
    received = received_at or timezone.now()
    if received < notice.published_at or domain.notice_over(notice.end_date, received):
        raise DomainError(
            MonitoringErrorCode.OUTSIDE_NOTICE, start=notice.start_date.isoformat(),
            end=notice.end_date.isoformat(),
        )  # fmt: skip
    if received > timezone.now():
        raise _bad("received_at", "收到时间", "Received at")
    if case is not None:
        case = Case.objects.get(pk=case.pk)
    if case is not None and case.notice_id != notice.pk:
        raise _bad("case", "对应农户", "Case")
    with transaction.atomic():
        objection = Objection.objects.create(
            notice=notice, case=case, received_at=received, summary=summary.strip()[:2000],
            received_by=actor,
        )  # fmt: skip
        record(
            AuditEventType.MONITORING_RECORD,
            actor=actor,
            obj=objection,
            detail={"kind": "objection", "notice": notice.pk},
        )
    return objection


def objection_resolve(
    *, actor: User, objection: Objection, resolution: str, upheld: bool
) -> Objection:
    require_allowed(policies.can_record_objection(actor), actor, "objection_resolve")
    _required(resolution, "resolution", "处理结果", "Resolution")
    with transaction.atomic():
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if objection.resolved_at is not None:
            raise DomainError(MonitoringErrorCode.OBJECTION_RESOLVED)
        objection.resolution, objection.upheld = resolution.strip()[:2000], upheld
        objection.resolved_at, objection.resolved_by = timezone.now(), actor
        objection.save(update_fields=["resolution", "upheld", "resolved_at", "resolved_by"])
        record(
            AuditEventType.MONITORING_RECORD,
            actor=actor,
            obj=objection,
            detail={"kind": "objection_resolve", "upheld": upheld},
        )
    return objection
