"""Writes of the monitoring procedure: one function per use case, atomic, audited.

Holds:
- Leads: `lead_record` (visit finding; declaration filled in by an officer or cadre),
  `leads_from_screening` (channel 1, set-based, idempotent per run), `lead_accept` (opens the
  identification case or merges into an open one), `lead_dismiss`.
- Public declarations: `declaration_receive` (the public page: a pending lead when name + ID
  match a member, else a declaration for the village officer), `declaration_link`,
  `declaration_dismiss`.
- Cases: `case_advance(actor, case, action, ...)`, backed by one function per transition and
  named wrappers (`case_verify`, `case_authorise`, `case_compare`, `case_evaluate`,
  `case_close_notice`, `case_town_review`, `case_county_approve`, `case_include`,
  `case_reject`); `elimination_open`. Which role may take which step, and four eyes, come from
  `domain.TRANSITIONS` only; a refused step is audited before it is refused.
- Notices: `notice_publish` (one notice for the evaluated cases of one village),
  `objection_record`, `objection_resolve`.
- Evidence for risk elimination: `income_observe`, `measure_record`, `measure_done`.

Household.monitoring_type changes here only: `case_include` sets it, the elimination's county
approval clears it, each in the step's transaction, with a history version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from zhenxing.accounts.access import require_allowed
from zhenxing.accounts.models import User
from zhenxing.audit.events import AuditEventType, Outcome
from zhenxing.audit.services import record
from zhenxing.core.crypto import blind_index, encrypt
from zhenxing.core.errors import DomainError, NotInScope
from zhenxing.core.idnumbers import validate_id
from zhenxing.core.money import yuan_to_fen
from zhenxing.core.phones import normalise_phone
from zhenxing.core.timeutil import business_today
from zhenxing.households.choices import MemberStatus, MonitoringType
from zhenxing.households.models import ID_CONTEXT, PHONE_CONTEXT, Household, Member
from zhenxing.monitoring import domain, policies
from zhenxing.monitoring.domain import Action, CaseKind, State, Transition, TransitionRefusal
from zhenxing.monitoring.errors import MonitoringErrorCode
from zhenxing.monitoring.models import (
    OPEN_LEAD_STATUSES,
    STATE_LABELS,
    Case,
    CaseStep,
    Channel,
    Declaration,
    IncomeObservation,
    Lead,
    LeadStatus,
    Measure,
    MeasureKind,
    Monitoring,
    Notice,
    Objection,
)
from zhenxing.monitoring.parameters import parameter_int, params_for
from zhenxing.monitoring.selectors import (
    cases_visible,
    elimination_facts,
    leads_visible,
)
from zhenxing.regions.models import Division
from zhenxing.screening.models import RISK_BITS, Result, Run

IP_CONTEXT = "monitoring.declaration.ip"
ACTION_LABELS: dict[str, str] = {
    Action.VERIFY: "入户核实 Home verification",
    Action.AUTHORISE: "承诺授权 Commitment and authorisation",
    Action.COMPARE: "信息比对 Information comparison",
    Action.EVALUATE: "民主评议 Village evaluation",
    Action.PUBLISH_NOTICE: "公示 Public notice",
    Action.CLOSE_NOTICE: "公示期满 Close the notice",
    Action.TOWN_REVIEW: "乡镇审核 Town review",
    Action.COUNTY_APPROVE: "县级审定 County approval",
    Action.INCLUDE: "纳入监测 Include in monitoring",
    Action.REJECT: "不予纳入/未消除 Refuse",
}
_REVIEW_ACTIONS = frozenset({Action.TOWN_REVIEW, Action.COUNTY_APPROVE, Action.REJECT})
MAX_ATTACHMENTS = 10


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


# ---------------------------------------------------------------- leads


def _lead_dates(household: Household, found_on: date) -> tuple[date, date]:
    params = params_for(year=found_on.year, region_code=household.village_code)
    return (
        domain.due_date(found_on, params.lead_decision_days),
        domain.due_date(found_on, params.declaration_accept_days),
    )


def lead_record(
    *,
    actor: User,
    household: Household,
    channel: str,
    detail: str,
    risk_types: Sequence[str] = (),
    found_on: date | None = None,
) -> Lead:
    """A visit finding (channel 1b) or a declaration an officer or cadre filled in for the
    household (channel 2, accepted at entry): an open lead with its decision deadline."""
    require_allowed(policies.can_record_lead(actor), actor, "lead_record")
    if channel not in (Channel.VISIT, Channel.DECLARATION):
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


def _open_identification(household: Household) -> Case | None:
    return Case.objects.filter(
        household=household, kind=CaseKind.IDENTIFICATION, decided_on__isnull=True
    ).first()


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
        case = _open_identification(household)
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


# ---------------------------------------------------------------- public self-declaration


@dataclass(frozen=True)
class DeclarationReceipt:
    """What the public page may know: that something was received. Never whether it matched."""

    reference: str


def _ip_index(ip: str) -> str:
    return blind_index(ip or "-", context=IP_CONTEXT)


def declaration_rate_limited(*, ip: str, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    today = domain.beijing_date(now)
    limit = parameter_int("declaration_hourly_limit", year=today.year, region_code="000000")
    since = now - timedelta(hours=1)
    recent = Declaration.objects.filter(ip_index=_ip_index(ip), received_at__gte=since).count()
    return recent >= limit


def declaration_receive(
    *,
    name: str,
    id_number: str,
    village_code: str,
    phone: str,
    what_happened: str,
    ip: str,
    now: datetime | None = None,
) -> DeclarationReceipt:
    """The public self-declaration page. A pending lead only when name and ID match a member
    registered in the district; otherwise a declaration the village officer reviews. The
    answer is the same either way, so the page does not tell who is registered."""
    now = now or timezone.now()
    if declaration_rate_limited(ip=ip, now=now):
        raise DomainError(MonitoringErrorCode.RATE_LIMITED)
    name = " ".join(name.split())[:60]
    _required(name, "name", "姓名", "Name")
    _required(what_happened, "what_happened", "情况说明", "What happened")
    number = validate_id(id_number, field="id_number").number
    village = Division.objects.filter(
        code=village_code, level="village", valid_to__isnull=True
    ).first()
    if village is None:
        raise _bad("village_code", "所在村", "Village")
    phone_text = ""
    if phone.strip():
        try:
            phone_text = normalise_phone(phone)
        except DomainError as exc:
            raise _bad("phone", "联系电话", "Phone") from exc
    id_index = blind_index(number, context=ID_CONTEXT)
    member = (
        Member.objects.filter(id_index=id_index, name=name)
        .exclude(status=MemberStatus.DECEASED)
        .select_related("household")
        .first()
    )
    found = domain.beijing_date(now)
    with transaction.atomic():
        lead = None
        if member is not None:
            household = member.household
            due_on, accept_due = _lead_dates(household, found)
            lead = Lead.objects.create(
                household=household,
                channel=Channel.DECLARATION,
                detail=what_happened.strip()[:300],
                found_on=found,
                due_on=due_on,
                accept_due_on=accept_due,
                status=LeadStatus.PENDING,
                dedupe_key=f"declaration:{now.timestamp():.6f}:{id_index[:16]}",
                **_codes(household),
            )
        declaration = Declaration.objects.create(
            name=name,
            id_cipher=encrypt(number, context=f"{ID_CONTEXT}.declaration"),
            id_index=id_index,
            phone_cipher=encrypt(phone_text, context=f"{PHONE_CONTEXT}.declaration")
            if phone_text
            else "",
            what_happened=what_happened.strip()[:2000],
            received_at=now,
            ip_index=_ip_index(ip),
            lead=lead,
            status="matched" if lead is not None else "unmatched",
            county_code=village.county_code,
            town_code=village.town_code,
            village_code=village.village_code,
        )
        record(
            AuditEventType.MONITORING_RECORD,
            object_type="monitoring.declaration",
            object_id=str(declaration.pk),
            username="公众 public",
            detail={"kind": "declaration"},
        )
    return DeclarationReceipt(reference=f"{declaration.pk:06d}")


def declaration_link(*, actor: User, declaration: Declaration, household: Household) -> Lead:
    """The officer found the declaring household (e.g. a typo in the name): a pending lead."""
    require_allowed(policies.can_review_declarations(actor), actor, "declaration_link")
    _in_scope(actor, household)
    with transaction.atomic():
        declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
        if declaration.status != "unmatched":
            raise DomainError(MonitoringErrorCode.LEAD_CLOSED)
        found = domain.beijing_date(declaration.received_at)
        due_on, accept_due = _lead_dates(household, found)
        lead = Lead.objects.create(
            household=household,
            channel=Channel.DECLARATION,
            detail=declaration.what_happened[:300],
            found_on=found,
            due_on=due_on,
            accept_due_on=accept_due,
            status=LeadStatus.PENDING,
            dedupe_key=f"declaration-link:{declaration.pk}",
            created_by=actor,
            **_codes(household),
        )
        declaration.status, declaration.lead = "linked", lead
        declaration.reviewed_by, declaration.reviewed_at = actor, timezone.now()
        declaration.save(update_fields=["status", "lead", "reviewed_by", "reviewed_at"])
        record(
            AuditEventType.MONITORING_RECORD,
            actor=actor,
            obj=declaration,
            detail={"kind": "declaration_link", "lead": lead.pk},
        )
    return lead


def declaration_dismiss(*, actor: User, declaration: Declaration, reason: str) -> Declaration:
    require_allowed(policies.can_review_declarations(actor), actor, "declaration_dismiss")
    _required(reason, "reason", "理由", "Reason")
    with transaction.atomic():
        declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
        if declaration.status != "unmatched":
            raise DomainError(MonitoringErrorCode.LEAD_CLOSED)
        declaration.status = "dismissed"
        declaration.reviewed_by, declaration.reviewed_at = actor, timezone.now()
        declaration.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        record(
            AuditEventType.MONITORING_RECORD,
            actor=actor,
            obj=declaration,
            detail={"kind": "declaration_dismiss"},
        )
    return declaration


# ---------------------------------------------------------------- cases


def _attachments(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Attachment metadata (name, size, SHA-256): the signed paper stays in the archive."""
    if len(items) > MAX_ATTACHMENTS:
        raise _bad("attachments", "附件", "Attachments")
    clean = []
    for item in items:
        name = str(item.get("name", "")).strip()[:120]
        sha = str(item.get("sha256", ""))
        if not name or len(sha) != 64:
            raise _bad("attachments", "附件", "Attachments")
        clean.append({"name": name, "size": int(item.get("size", 0)), "sha256": sha})
    return clean


def attachment_meta(name: str, content: bytes) -> dict[str, Any]:
    return {"name": name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}


def _refuse_step(actor: User, case: Case, action: str, refusal: TransitionRefusal) -> None:
    record(
        AuditEventType.PERMISSION_DENIED
        if refusal != TransitionRefusal.NO_SUCH_STEP
        else AuditEventType.CASE_STEP,
        actor=actor,
        obj=case,
        outcome=Outcome.DENIED,
        detail={"action": action, "state": case.state, "refusal": str(refusal)},
    )
    label = ACTION_LABELS.get(action, action)
    zh, _, en = label.partition(" ")
    state_zh, _, state_en = STATE_LABELS.get(case.state, case.state).partition(" ")
    if refusal == TransitionRefusal.ROLE:
        raise DomainError(MonitoringErrorCode.ROLE, action=zh, action_en=en)
    if refusal == TransitionRefusal.SAME_PERSON:
        raise DomainError(MonitoringErrorCode.SAME_PERSON, action=zh, action_en=en)
    raise DomainError(
        MonitoringErrorCode.NO_SUCH_STEP, state=state_zh, state_en=state_en, action=zh,
        action_en=en,
    )  # fmt: skip


def _check(actor: User, case: Case, action: str) -> Transition:
    result = domain.check_transition(
        kind=case.kind,
        action=action,
        from_state=case.state,
        role=actor.role,
        actor_id=actor.pk,
        submitter_id=case.last_actor_id,
    )
    if isinstance(result, TransitionRefusal):
        _refuse_step(actor, case, action, result)
        raise AssertionError("unreachable")  # pragma: no cover
    return result


def _parse_date(value: Any, field: str, zh: str, en: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise _bad(field, zh, en) from exc


def _parse_int(value: Any, field: str, zh: str, en: str, minimum: int = 0) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise _bad(field, zh, en) from exc
    if number < minimum:
        raise _bad(field, zh, en)
    return number


def _guard_elimination(case: Case, today: date) -> dict[str, Any]:
    facts = elimination_facts(case.household, as_of=today)
    refusals = domain.elimination_refusals(facts)
    if refusals:
        raise DomainError(
            MonitoringErrorCode.ELIMINATION_REFUSED,
            field="elimination",
            reasons_zh="；".join(r.message_zh for r in refusals),
            reasons_en="; ".join(r.message_en for r in refusals),
        )
    return {"guard": "passed", "income_months": facts.months_required}


@dataclass
class StepInput:
    notes: str
    data: dict[str, Any]
    today: date
    now: datetime


def _step_verify(case: Case, step: StepInput) -> dict[str, Any]:
    _required(step.notes, "notes", "核实情况", "Findings")
    if case.kind == CaseKind.ELIMINATION:
        return _guard_elimination(case, step.today)
    monitoring_type = str(step.data.get("monitoring_type", "")).strip()
    if monitoring_type not in MonitoringType.values:
        raise _bad("monitoring_type", "拟认定类型", "Proposed type")
    mask = risk_mask_of(step.data.get("risk_types") or [])
    if not mask:
        raise _bad("risk_types", "风险类型", "Risk types")
    case.monitoring_type, case.risk_mask = monitoring_type, mask
    return {"monitoring_type": monitoring_type, "risk_types": risk_types_of(mask)}


def _step_authorise(case: Case, step: StepInput) -> dict[str, Any]:
    if not step.data.get("consent"):
        raise _bad("consent", "承诺授权书已签署", "Authorisation signed")
    signed = _parse_date(step.data.get("authorised_on"), "authorised_on", "签署日期", "Signed on")
    if signed > step.today:
        raise _bad("authorised_on", "签署日期", "Signed on")
    return {"authorised_on": signed.isoformat(), "consent": True}


def _step_compare(case: Case, step: StepInput) -> dict[str, Any]:
    _required(step.notes, "notes", "比对结果", "Comparison result")
    return {"departments": [str(d)[:40] for d in step.data.get("departments") or []][:10]}


def _step_evaluate(case: Case, step: StepInput) -> dict[str, Any]:
    held = _parse_date(step.data.get("evaluated_on"), "evaluated_on", "评议日期", "Held on")
    if held > step.today:
        raise _bad("evaluated_on", "评议日期", "Held on")
    attendees = _parse_int(step.data.get("attendees"), "attendees", "参会人数", "Attendees", 1)
    votes_for = _parse_int(step.data.get("votes_for"), "votes_for", "同意票", "Votes for")
    against = _parse_int(step.data.get("votes_against"), "votes_against", "反对票", "Against")
    if votes_for + against > attendees:
        raise _bad("votes_for", "同意票", "Votes for")
    return {
        "evaluated_on": held.isoformat(),
        "attendees": attendees,
        "votes_for": votes_for,
        "votes_against": against,
    }


def _step_close_notice(case: Case, step: StepInput) -> dict[str, Any]:
    notice = case.notice
    if notice is None:
        raise DomainError(MonitoringErrorCode.NOTICE_MIXED)
    if not domain.notice_over(notice.end_date, step.now):
        raise DomainError(MonitoringErrorCode.NOTICE_RUNNING, end=notice.end_date.isoformat())
    open_objections = (
        Objection.objects.filter(notice=notice, resolved_at__isnull=True)
        .filter(models_q_case(case))
        .count()
    )
    if open_objections:
        raise DomainError(MonitoringErrorCode.OBJECTIONS_OPEN, count=open_objections)
    upheld = Objection.objects.filter(notice=notice, upheld=True).filter(models_q_case(case))
    return {"notice": notice.pk, "objections_upheld": upheld.count()}


def models_q_case(case: Case) -> Q:
    """Objections about this case, or about the notice as a whole."""
    return Q(case__isnull=True) | Q(case=case)


def _step_review(case: Case, step: StepInput) -> dict[str, Any]:
    if case.kind == CaseKind.ELIMINATION and case.state == State.TOWN_REVIEWED:
        return _guard_elimination(case, step.today)  # the county approves against today's facts
    return {}


def _step_include(case: Case, step: StepInput) -> dict[str, Any]:
    monitoring_type = str(step.data.get("monitoring_type") or case.monitoring_type)
    if monitoring_type not in MonitoringType.values:
        raise _bad("monitoring_type", "监测对象类型", "Monitoring type")
    risks = step.data.get("risk_types")
    mask = risk_mask_of(risks) if risks else case.risk_mask
    if not mask:
        raise _bad("risk_types", "风险类型", "Risk types")
    start = _parse_date(
        step.data.get("start_date") or step.today, "start_date", "起始日期", "Start"
    )
    if start > step.today:
        raise _bad("start_date", "起始日期", "Start")
    case.monitoring_type, case.risk_mask, case.start_date = monitoring_type, mask, start
    return {"monitoring_type": monitoring_type, "risk_types": risk_types_of(mask),
            "start_date": start.isoformat()}  # fmt: skip


def _step_reject(case: Case, step: StepInput) -> dict[str, Any]:
    _required(step.notes, "notes", "理由", "Reason")
    case.outcome_reason = step.notes.strip()[:300]
    return {}


_HANDLERS = {
    Action.VERIFY: _step_verify,
    Action.AUTHORISE: _step_authorise,
    Action.COMPARE: _step_compare,
    Action.EVALUATE: _step_evaluate,
    Action.CLOSE_NOTICE: _step_close_notice,
    Action.TOWN_REVIEW: _step_review,
    Action.COUNTY_APPROVE: _step_review,
    Action.INCLUDE: _step_include,
    Action.REJECT: _step_reject,
}


def _set_monitoring_type(household: Household, value: str, actor: User, reason: str) -> None:
    """The only writer of `Household.monitoring_type` (a history version records it)."""
    household.monitoring_type = value
    household._history_user = actor  # type: ignore[attr-defined]
    household._change_reason = reason  # type: ignore[attr-defined]
    household.save(update_fields=["monitoring_type", "updated_at"])


def _after(case: Case, transition: Transition, actor: User, today: date) -> None:
    household = case.household
    if transition.to_state == State.INCLUDED:
        if household.monitoring_type:
            raise DomainError(MonitoringErrorCode.ALREADY_MONITORED)
        _set_monitoring_type(household, case.monitoring_type, actor, "纳入监测 included")
        Monitoring.objects.create(
            household=household,
            monitoring_type=case.monitoring_type,
            risk_mask=case.risk_mask,
            persons=household.members.filter(status=MemberStatus.ACTIVE).count(),
            started_on=case.start_date or today,
            identification=case,
            **_codes(household),
        )
    elif transition.to_state == State.ELIMINATED:
        monitoring = Monitoring.objects.select_for_update().get(
            household=household, ended_on__isnull=True
        )
        monitoring.ended_on, monitoring.elimination = today, case
        monitoring.save(update_fields=["ended_on", "elimination"])
        _set_monitoring_type(household, "", actor, "风险消除 risk eliminated")


def case_advance(
    *,
    actor: User,
    case: Case,
    action: str,
    notes: str = "",
    attachments: Sequence[dict[str, Any]] = (),
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> Case:
    """Take one step of a case. The step must be in `domain.TRANSITIONS` from the case's state,
    for the actor's role, and — where the table says four eyes — by someone other than whoever
    submitted the previous step. Refusals of role and four eyes are audited, then raised."""
    if action == Action.PUBLISH_NOTICE:
        raise DomainError(MonitoringErrorCode.NOTICE_MIXED)  # use notice_publish
    if not cases_visible(actor).filter(pk=case.pk).exists():
        raise NotInScope("monitoring.case", str(case.pk))
    now = now or timezone.now()
    today = domain.beijing_date(now)
    files = _attachments(attachments)
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("household", "notice")
            .get(pk=case.pk)
        )
        if not case.is_open:
            raise DomainError(MonitoringErrorCode.CASE_CLOSED)
    # The role and four-eyes check (and its audit row) happen outside the step's transaction,
    # so a refusal is recorded even though the step is not taken.
    transition = _check(actor, case, action)
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("household", "notice")
            .get(pk=case.pk)
        )
        if case.state != transition.from_state or not case.is_open:
            raise DomainError(MonitoringErrorCode.CASE_CLOSED)
        step_data = _HANDLERS[Action(action)](case, StepInput(notes, data or {}, today, now))
        submitter = case.last_actor
        case.state = transition.to_state
        case.last_actor, case.last_step_at = actor, now
        if transition.to_state in domain.FINAL_STATES:
            case.decided_on = today
        case.save()
        CaseStep.objects.create(
            case=case,
            action=action,
            from_state=transition.from_state,
            to_state=transition.to_state,
            actor=actor,
            role=actor.role,
            at=now,
            notes=notes.strip(),
            submitted_by=submitter if transition.four_eyes else None,
            attachments=files,
            data=step_data,
        )
        _after(case, transition, actor, today)
        record(
            AuditEventType.APPROVAL if action in _REVIEW_ACTIONS or action == Action.INCLUDE
            else AuditEventType.CASE_STEP,
            actor=actor,
            obj=case,
            detail={"kind": case.kind, "action": action, "from": transition.from_state,
                    "to": transition.to_state},
        )  # fmt: skip
    return case


def case_verify(*, actor: User, case: Case, notes: str, **data: Any) -> Case:
    """入户核实. Identification: proposed `monitoring_type` and `risk_types`; elimination: the
    guard must pass (every refusal reason is listed)."""
    attachments = data.pop("attachments", ())
    return case_advance(
        actor=actor, case=case, action=Action.VERIFY, notes=notes, data=data,
        attachments=attachments,
    )  # fmt: skip


def case_authorise(
    *, actor: User, case: Case, authorised_on: date, consent: bool, notes: str = "", **kw: Any
) -> Case:
    """承诺授权: the household signed the commitment and authorisation to query its data."""
    return case_advance(
        actor=actor, case=case, action=Action.AUTHORISE, notes=notes,
        data={"authorised_on": authorised_on, "consent": consent}, **kw,
    )  # fmt: skip


def case_compare(*, actor: User, case: Case, notes: str, departments: Sequence[str] = ()) -> Case:
    """信息比对: results of comparing with department data."""
    return case_advance(
        actor=actor, case=case, action=Action.COMPARE, notes=notes,
        data={"departments": list(departments)},
    )  # fmt: skip


def case_evaluate(
    *,
    actor: User,
    case: Case,
    evaluated_on: date,
    attendees: int,
    votes_for: int,
    votes_against: int,
    notes: str = "",
) -> Case:
    """民主评议: the village evaluation record."""
    return case_advance(
        actor=actor, case=case, action=Action.EVALUATE, notes=notes,
        data={"evaluated_on": evaluated_on, "attendees": attendees, "votes_for": votes_for,
              "votes_against": votes_against},
    )  # fmt: skip


def case_close_notice(*, actor: User, case: Case, notes: str = "") -> Case:
    return case_advance(actor=actor, case=case, action=Action.CLOSE_NOTICE, notes=notes)


def case_town_review(*, actor: User, case: Case, notes: str = "") -> Case:
    return case_advance(actor=actor, case=case, action=Action.TOWN_REVIEW, notes=notes)


def case_county_approve(*, actor: User, case: Case, notes: str = "") -> Case:
    return case_advance(actor=actor, case=case, action=Action.COUNTY_APPROVE, notes=notes)


def case_include(
    *,
    actor: User,
    case: Case,
    monitoring_type: str = "",
    risk_types: Sequence[str] = (),
    start_date: date | None = None,
    notes: str = "",
) -> Case:
    """纳入监测: type, risk types and start date; sets the household's monitoring type."""
    return case_advance(
        actor=actor, case=case, action=Action.INCLUDE, notes=notes,
        data={"monitoring_type": monitoring_type, "risk_types": list(risk_types),
              "start_date": start_date},
    )  # fmt: skip


def case_reject(*, actor: User, case: Case, reason: str) -> Case:
    """不予纳入 (identification) or 风险未消除 (elimination), with the reason."""
    return case_advance(actor=actor, case=case, action=Action.REJECT, notes=reason)


def elimination_open(*, actor: User, household: Household, notes: str = "") -> Case:
    """Start the risk-elimination procedure of a monitored household."""
    require_allowed(policies.can_open_elimination(actor), actor, "elimination_open")
    _in_scope(actor, household)
    if not household.monitoring_type:
        raise DomainError(MonitoringErrorCode.NOT_MONITORED)
    today = business_today()
    days = params_for(year=today.year, region_code=household.village_code)
    with transaction.atomic():
        if Case.objects.filter(
            household=household, kind=CaseKind.ELIMINATION, decided_on__isnull=True
        ).exists():
            raise DomainError(MonitoringErrorCode.CASE_OPEN, kind="风险消除", kind_en="elimination")
        monitoring = Monitoring.objects.get(household=household, ended_on__isnull=True)
        case = Case.objects.create(
            household=household,
            kind=CaseKind.ELIMINATION,
            state=State.VERIFYING,
            opened_on=today,
            due_on=domain.due_date(today, days.elimination_decision_days),
            monitoring_type=household.monitoring_type,
            risk_mask=monitoring.risk_mask,
            created_by=actor,
            **_codes(household),
        )
        CaseStep.objects.create(
            case=case, action="open", from_state="", to_state=State.VERIFYING, actor=actor,
            role=actor.role, at=timezone.now(), notes=notes,
        )  # fmt: skip
        record(
            AuditEventType.CASE_STEP,
            actor=actor,
            obj=case,
            detail={"action": "elimination_open", "kind": case.kind},
        )
    return case


# ---------------------------------------------------------------- notices and objections


def notice_publish(
    *, actor: User, cases: Sequence[Case], end_date: date, now: datetime | None = None
) -> Notice:
    """Post one notice in the village for its evaluated cases of one kind. The period runs at
    least `notice_min_days` full days (Beijing), counted from the day after publication."""
    if not cases:
        raise DomainError(MonitoringErrorCode.NOTICE_MIXED)
    now = now or timezone.now()
    ids = [c.pk for c in cases]
    fresh = list(cases_visible(actor).filter(pk__in=ids).order_by("pk"))
    if len(fresh) != len(set(ids)):
        raise NotInScope("monitoring.case", ",".join(str(i) for i in ids))
    first = fresh[0]
    for case in fresh:
        _check(actor, case, Action.PUBLISH_NOTICE)
    min_days = params_for(
        year=domain.beijing_date(now).year, region_code=first.village_code
    ).notice_min_days
    if not domain.notice_period_ok(now, end_date, min_days):
        earliest = domain.notice_earliest_end(now, min_days)
        raise DomainError(
            MonitoringErrorCode.NOTICE_TOO_SHORT, field="end_date", days=min_days,
            earliest=earliest.isoformat(),
        )  # fmt: skip
    village = Division.objects.filter(code=first.village_code, valid_to__isnull=True).first()
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
            title=f"{village.name if village else ''}{kind_label}公示",
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


# ---------------------------------------------------------------- evidence for elimination


def _yuan(value: Any, field: str, zh: str, en: str) -> int:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise _bad(field, zh, en) from exc
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise _bad(field, zh, en)
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
    if source not in dict(IncomeObservation.SOURCES):
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
            household=household, kind=kind, status="done" if done_on else "planned",
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
        measure.status, measure.done_on = "done", day
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
    from zhenxing.screening.models import Result

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
            per_capita_fen=max(fen, 0), source="screening", recorded_by=actor,
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
