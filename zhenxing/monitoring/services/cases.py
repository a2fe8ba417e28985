"""Cases (识别 identification and 风险消除 risk elimination): `case_advance(actor, case, action,
...)` takes one step of `domain.TRANSITIONS` (which role may take it, and four eyes, come from
that table only; a refused step is audited before it is refused), with named wrappers
(`case_verify`, `case_authorise`, `case_compare`, `case_evaluate`, `case_close_notice`,
`case_town_review`, `case_county_approve`, `case_include`, `case_reject`); `elimination_open`;
attachment metadata (`attachment_meta`); `ACTION_LABELS`.

`Household.monitoring_type` changes only through `households.services.monitoring_type_set`:
inclusion sets it and the elimination's county approval clears it, each inside the step's
transaction. The input of each step is read in `steps`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhenxing.accounts.access import require_allowed
from zhenxing.accounts.models import User
from zhenxing.audit.events import AuditEventType, Outcome
from zhenxing.audit.services import record
from zhenxing.core.errors import DomainError, NotInScope
from zhenxing.core.timeutil import business_today
from zhenxing.households.choices import MemberStatus
from zhenxing.households.models import Household
from zhenxing.households.services import monitoring_type_set
from zhenxing.monitoring import domain, policies
from zhenxing.monitoring.domain import Action, CaseKind, State, Transition, TransitionRefusal
from zhenxing.monitoring.errors import MonitoringErrorCode
from zhenxing.monitoring.models import STATE_LABELS, Case, CaseStep, Monitoring
from zhenxing.monitoring.parameters import params_for
from zhenxing.monitoring.selectors import cases_visible
from zhenxing.monitoring.services._common import _bad, _codes, _in_scope
from zhenxing.monitoring.services.steps import HANDLERS, StepInput

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


def step_check(actor: User, case: Case, action: str) -> Transition:
    """The transition `action` takes from the case's state for this actor, or refused (audited)."""
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


def _after(case: Case, transition: Transition, actor: User, today: date) -> None:
    household = case.household
    if transition.to_state == State.INCLUDED:
        if household.monitoring_type:
            raise DomainError(MonitoringErrorCode.ALREADY_MONITORED)
        monitoring_type_set(
            actor=actor,
            household=household,
            monitoring_type=case.monitoring_type,
            reason="纳入监测 included",
        )
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
        monitoring_type_set(
            actor=actor, household=household, monitoring_type="", reason="风险消除 risk eliminated"
        )


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
        raise DomainError(MonitoringErrorCode.NOTICE_BY_PUBLISH)  # see notice_publish
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
    transition = step_check(actor, case, action)
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("household", "notice")
            .get(pk=case.pk)
        )
        if not case.is_open:
            raise DomainError(MonitoringErrorCode.CASE_CLOSED)
        if case.state != transition.from_state:
            raise DomainError(MonitoringErrorCode.CASE_MOVED)
        step_data = HANDLERS[Action(action)](case, StepInput(notes, data or {}, today, now))
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
