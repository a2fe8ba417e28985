"""The steps of a case and their input: one handler per action reads and checks the step's
form data (dates, counts, types, consent) and returns what the step records; the risk-elimination
guard runs at home verification and again at county approval against that day's facts.

Holds: `StepInput`, `HANDLERS` (action → handler), the date and count parsers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from zhenxing.core.errors import DomainError
from zhenxing.households.choices import MonitoringType
from zhenxing.monitoring import domain
from zhenxing.monitoring.domain import Action, CaseKind, State
from zhenxing.monitoring.errors import MonitoringErrorCode
from zhenxing.monitoring.models import Case
from zhenxing.monitoring.selectors import elimination_facts, objection_counts
from zhenxing.monitoring.services._common import _bad, _required, risk_mask_of, risk_types_of


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
        raise DomainError(MonitoringErrorCode.NO_NOTICE)
    if not domain.notice_over(notice.end_date, step.now):
        raise DomainError(MonitoringErrorCode.NOTICE_RUNNING, end=notice.end_date.isoformat())
    open_objections, upheld = objection_counts(notice, case)
    if open_objections:
        raise DomainError(MonitoringErrorCode.OBJECTIONS_OPEN, count=open_objections)
    return {"notice": notice.pk, "objections_upheld": upheld}


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


HANDLERS = {
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
