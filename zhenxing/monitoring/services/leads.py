"""Leads (线索): a visit finding or an officer-filled declaration (`lead_record`), the
suggestions of a published screening run (`leads_from_screening`, set-based and idempotent per
run), and the decision on a lead: `lead_accept` opens the identification case or merges into the
household's open case or monitoring; `lead_dismiss`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhenxing.accounts.access import require_allowed
from zhenxing.accounts.models import User
from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record
from zhenxing.core.errors import DomainError, NotInScope
from zhenxing.core.timeutil import business_today
from zhenxing.households.choices import MonitoringType
from zhenxing.households.models import Household
from zhenxing.monitoring import domain, policies
from zhenxing.monitoring.domain import CaseKind, State
from zhenxing.monitoring.errors import MonitoringErrorCode
from zhenxing.monitoring.models import (
    OPEN_LEAD_STATUSES,
    Case,
    CaseStep,
    Channel,
    Lead,
    LeadStatus,
    Monitoring,
)
from zhenxing.monitoring.parameters import parameter_int
from zhenxing.monitoring.selectors import leads_visible, open_identification
from zhenxing.monitoring.services._common import (
    _bad,
    _codes,
    _in_scope,
    _lead_dates,
    _required,
    risk_mask_of,
    risk_types_of,
)
from zhenxing.screening.models import Result, Run


def lead_record(
    *,
    actor: User,
    household: Household,
    channel: str,
    detail: str,
    risk_types: Sequence[str] = (),
    found_on: date | None = None,
) -> Lead:
    """A visit finding (channel 1b), a declaration an officer or cadre filled in for the
    household (channel 2, accepted at entry), or a supervision problem about the household's
    hardship: an open lead with its decision deadline."""
    if channel == Channel.SUPERVISION:
        require_allowed(policies.can_record_supervision_lead(actor), actor, "lead_record")
    else:
        require_allowed(policies.can_record_lead(actor), actor, "lead_record")
    if channel not in (Channel.VISIT, Channel.DECLARATION, Channel.SUPERVISION):
        raise _bad("channel", "渠道", "Channel")
    _required(detail, "detail", "情况说明", "Detail")
    _in_scope(actor, household)
    found = found_on or business_today()
    if found > business_today():
        raise _bad("found_on", "发现日期", "Found on")
    due_on, _accept = _lead_dates(household, found)
    mask = risk_mask_of(risk_types)
    with transaction.atomic():
        lead = Lead.objects.create(
            household=household,
            channel=channel,
            detail=detail.strip()[:300],
            risk_mask=mask,
            found_on=found,
            due_on=due_on,
            status=LeadStatus.OPEN,
            dedupe_key=f"{channel}:{household.pk}:{timezone.now().timestamp():.6f}",
            created_by=actor,
            **_codes(household),
        )
        record(
            AuditEventType.MONITORING_RECORD,
            actor=actor,
            obj=lead,
            detail={"kind": "lead", "channel": channel, "risks": risk_types_of(mask)},
        )
    return lead


def leads_from_screening(*, actor: User | None, run: Run | None = None) -> int:
    """Channel 1: the suggestions of a published screening run become open leads.

    Set-based: one read of the run's suggested results in the actor's scope, batched inserts,
    and a unique key per run and household, so a second call for the same run adds nothing.
    Households already monitored are followed by their monitoring, not by a new lead.
    """
    require_allowed(policies.can_run_screening_leads(actor), actor, "leads_from_screening")
    from zhenxing.screening.selectors import results_visible, run_latest_published

    if run is None:
        county = getattr(getattr(actor, "region", None), "county_code", "")
        run = run_latest_published(county) if county else None
    if run is None or run.status != "published" or run.what_if:
        raise DomainError(MonitoringErrorCode.NO_PUBLISHED_RUN)
    results = results_visible(actor, run) if actor is not None else Result.objects.filter(run=run)
    rows = (
        results.exclude(suggested_category="")
        .filter(household__monitoring_type="")
        .exclude(household_id__in=Lead.objects.filter(run=run).values("household_id"))
        .values_list(
            "household_id", "county_code", "town_code", "village_code", "risk_mask",
            "suggested_category",
        )
    )  # fmt: skip
    found = domain.beijing_date(run.published_at or timezone.now())
    days = parameter_int("lead_decision_days", year=found.year, region_code=run.county_code)
    labels = dict(MonitoringType.choices)
    leads = [
        Lead(
            household_id=household_id,
            county_code=county,
            town_code=town,
            village_code=village,
            channel=Channel.SCREENING,
            detail=f"排查建议 Screening suggests: {labels.get(category, category)}",
            risk_mask=mask,
            found_on=found,
            due_on=domain.due_date(found, days),
            status=LeadStatus.OPEN,
            dedupe_key=f"screening:{run.pk}:{household_id}",
            run=run,
            created_by=actor,
        )
        for household_id, county, town, village, mask, category in rows.iterator(chunk_size=5000)
    ]
    with transaction.atomic():
        Lead.objects.bulk_create(leads, batch_size=2000, ignore_conflicts=True)
        record(
            AuditEventType.MONITORING_RECORD,
            actor=actor,
            obj=run,
            username="命令行 CLI",
            detail={"kind": "screening_leads", "leads": len(leads)},
        )
    return len(leads)


def lead_accept(*, actor: User, lead: Lead, notes: str = "") -> Case:
    """Open the identification case for the lead's household, or merge the lead into the
    household's open case (or its current monitoring) — never two cases for one household."""
    require_allowed(policies.can_accept_lead(actor), actor, "lead_accept")
    if not leads_visible(actor).filter(pk=lead.pk).exists():
        raise NotInScope("monitoring.lead", str(lead.pk))
    with transaction.atomic():
        lead = (
            Lead.objects.select_for_update(of=("self",)).select_related("household").get(pk=lead.pk)
        )
        if lead.status not in OPEN_LEAD_STATUSES:
            raise DomainError(MonitoringErrorCode.LEAD_CLOSED)
        household = lead.household
        now = timezone.now()
        monitoring = Monitoring.objects.filter(household=household, ended_on__isnull=True).first()
        case = open_identification(household)
        if monitoring is not None:
            # Already monitored: the new risk joins the monitoring's risk types.
            monitoring.risk_mask |= lead.risk_mask
            monitoring.save(update_fields=["risk_mask"])
            case = monitoring.identification
            lead.status, lead.closed_reason = LeadStatus.MERGED, notes or "已是监测对象 monitored"
        elif case is not None:
            case.risk_mask |= lead.risk_mask
            case.due_on = min(case.due_on, lead.due_on)
            case.save(update_fields=["risk_mask", "due_on"])
            lead.status, lead.closed_reason = LeadStatus.MERGED, notes
        else:
            try:
                with transaction.atomic():
                    case = Case.objects.create(
                        household=household,
                        kind=CaseKind.IDENTIFICATION,
                        state=State.VERIFYING,
                        opened_on=business_today(),
                        due_on=lead.due_on,
                        risk_mask=lead.risk_mask,
                        created_by=actor,
                        **_codes(household),
                    )
            except IntegrityError as exc:  # a concurrent accept opened it first
                raise DomainError(
                    MonitoringErrorCode.CASE_OPEN, kind="识别", kind_en="identification"
                ) from exc
            CaseStep.objects.create(
                case=case,
                action="open",
                from_state="",
                to_state=State.VERIFYING,
                actor=actor,
                role=actor.role,
                at=now,
                notes=notes,
                data={"lead": lead.pk, "channel": lead.channel},
            )
            lead.status, lead.closed_reason = LeadStatus.ACCEPTED, notes
        lead.case, lead.closed_by, lead.closed_at = case, actor, now
        lead.save(update_fields=["status", "case", "closed_reason", "closed_by", "closed_at"])
        record(
            AuditEventType.CASE_STEP,
            actor=actor,
            obj=case,
            detail={"action": "lead_accept", "lead": lead.pk, "status": lead.status},
        )
    return case


def lead_dismiss(*, actor: User, lead: Lead, reason: str) -> Lead:
    require_allowed(policies.can_accept_lead(actor), actor, "lead_dismiss")
    _required(reason, "reason", "不予立案理由", "Reason")
    if not leads_visible(actor).filter(pk=lead.pk).exists():
        raise NotInScope("monitoring.lead", str(lead.pk))
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=lead.pk)
        if lead.status not in OPEN_LEAD_STATUSES:
            raise DomainError(MonitoringErrorCode.LEAD_CLOSED)
        lead.status, lead.closed_reason = LeadStatus.DISMISSED, reason.strip()[:300]
        lead.closed_by, lead.closed_at = actor, timezone.now()
        lead.save(update_fields=["status", "closed_reason", "closed_by", "closed_at"])
        record(
            AuditEventType.MONITORING_RECORD,
            actor=actor,
            obj=lead,
            detail={"kind": "lead_dismiss"},
        )
    return lead
