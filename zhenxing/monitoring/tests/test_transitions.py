"""The transition table, step by step and role by role, through the real services: every
allowed role succeeds, every other role is refused (and audited); four eyes refuses the
submitter of the step under review."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from zhenxing.audit.models import AuditEvent
from zhenxing.core.errors import DomainError
from zhenxing.households.models import Household
from zhenxing.households.tests.factories import household, pair
from zhenxing.monitoring import domain, services
from zhenxing.monitoring.domain import Action, CaseKind, State
from zhenxing.monitoring.errors import MonitoringErrorCode
from zhenxing.monitoring.models import Case
from zhenxing.monitoring.tests.factories import (
    MonitoringWorld,
    case_in,
    finished_notice,
    make_eliminable,
)

ROLES = ("officer", "cadre", "town", "district", "supervisor")
ROLE_CODES = {
    "officer": "village_officer",
    "cadre": "cadre",
    "town": "town_staff",
    "district": "district_staff",
    "supervisor": "supervisor",
}
DATA: dict[str, dict[str, Any]] = {
    Action.VERIFY: {"monitoring_type": "marginal", "risk_types": ["illness"]},
    Action.AUTHORISE: {"authorised_on": "2024-01-02", "consent": True},
    Action.EVALUATE: {"evaluated_on": "2024-01-03", "attendees": 30, "votes_for": 28,
                      "votes_against": 1},
}  # fmt: skip


def _prepare(world: MonitoringWorld, t: domain.Transition, target: Household) -> Case:
    today = timezone.localdate()
    if t.kind == CaseKind.ELIMINATION:
        make_eliminable(target, today)
    notice = finished_notice(target) if t.action == Action.CLOSE_NOTICE else None
    case = case_in(
        t.from_state, target, kind=t.kind, last_actor=world.users["submitter"], notice=notice
    )
    return case


def _take(world: MonitoringWorld, role: str, case: Case, t: domain.Transition) -> None:
    actor = world.users[role]
    if t.action == Action.PUBLISH_NOTICE:
        services.notice_publish(
            actor=actor, cases=[case], end_date=timezone.localdate() + timedelta(days=10)
        )
        return
    services.case_advance(
        actor=actor, case=case, action=t.action, notes="记录 notes", data=DATA.get(t.action, {})
    )


@pytest.mark.parametrize(
    "transition",
    domain.TRANSITIONS,
    ids=[f"{t.kind}-{t.action}-{t.from_state}" for t in domain.TRANSITIONS],
)
def test_every_transition_for_every_role(world: MonitoringWorld, transition: Any) -> None:
    for role in ROLES:
        # given a fresh household of village A1 (paired with the cadre) and a case in the
        # step's from-state, submitted by someone else
        target = household(group_code="500102100200001")
        pair(world.users["cadre"], target)
        case = _prepare(world, transition, target)
        denied_before = AuditEvent.objects.filter(event="permission.denied").count()
        allowed = ROLE_CODES[role] in transition.roles
        # when / then
        if allowed:
            _take(world, role, case, transition)
            case.refresh_from_db()
            assert case.state == transition.to_state, (role, transition)
        else:
            with pytest.raises(DomainError) as caught:
                _take(world, role, case, transition)
            assert caught.value.code == MonitoringErrorCode.ROLE, role
            case.refresh_from_db()
            assert case.state == transition.from_state
            assert AuditEvent.objects.filter(event="permission.denied").count() == denied_before + 1


def test_four_eyes_refuses_self_approval_and_audits_it(world: MonitoringWorld) -> None:
    # given a district user who took the town review (escalated case)
    district, other = world.users["district"], world.users["district2"]
    case = case_in(State.NOTICED, world.a1, last_actor=world.users["submitter"])
    services.case_town_review(actor=district, case=case, notes="乡镇逾期，区县代审")
    # when the same person approves at county level
    with pytest.raises(DomainError) as caught:
        services.case_county_approve(actor=district, case=case)
    # then it is refused, audited, and nothing changed; someone else may approve
    assert caught.value.code == MonitoringErrorCode.SAME_PERSON
    row = AuditEvent.objects.filter(event="permission.denied").latest("seq")
    assert row.actor_id == district.pk
    assert row.detail["refusal"] == "same_person"
    case.refresh_from_db()
    assert case.state == State.TOWN_REVIEWED
    services.case_county_approve(actor=other, case=case)
    case.refresh_from_db()
    assert case.state == State.COUNTY_APPROVED
    step = case.steps.get(action="county_approve")
    assert step.submitted_by_id == district.pk
    assert step.actor_id == other.pk


def test_steps_out_of_order_are_refused(world: MonitoringWorld) -> None:
    case = case_in(State.VERIFYING, world.a1)
    with pytest.raises(DomainError) as caught:
        services.case_include(actor=world.users["district"], case=case)
    assert caught.value.code == MonitoringErrorCode.NO_SUCH_STEP


def test_reject_needs_a_reason(world: MonitoringWorld) -> None:
    case = case_in(State.COMPARED, world.a1)
    with pytest.raises(DomainError):
        services.case_reject(actor=world.users["officer"], case=case, reason=" ")
    services.case_reject(actor=world.users["officer"], case=case, reason="评议认为收入稳定")
    case.refresh_from_db()
    assert case.state == State.REJECTED
    assert case.decided_on is not None
    assert case.outcome_reason == "评议认为收入稳定"


def test_a_decided_case_takes_no_step(world: MonitoringWorld) -> None:
    case = case_in(State.REJECTED, world.a1)
    case.decided_on = date(2025, 1, 1)
    case.save()
    with pytest.raises(DomainError) as caught:
        services.case_reject(actor=world.users["officer"], case=case, reason="x")
    assert caught.value.code == MonitoringErrorCode.CASE_CLOSED


def test_inclusion_writes_the_monitored_type_through_the_registry_service(
    world: MonitoringWorld,
) -> None:
    """Household.monitoring_type is written by households.services.monitoring_type_set only:
    the step leaves the registry's audit event and a history version with the reason."""
    case = case_in(State.COUNTY_APPROVED, world.a1)
    case.monitoring_type = "marginal"
    case.risk_mask = 1
    case.save()
    services.case_include(actor=world.users["district"], case=case)
    world.a1.refresh_from_db()
    assert world.a1.monitoring_type == "marginal"
    event = AuditEvent.objects.get(event="registry.edit", object_id=str(world.a1.pk))
    assert event.detail["fields"] == ["monitoring_type"]
    latest = world.a1.history.order_by("-history_id").first()
    assert latest is not None
    assert latest.history_change_reason == "纳入监测 included"
