"""The procedure end to end and its time rules, with the clock frozen (time-machine)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from zhenxing.audit.models import AuditEvent
from zhenxing.core.errors import DomainError
from zhenxing.core.timeutil import BEIJING
from zhenxing.households.models import Household
from zhenxing.monitoring import selectors, services
from zhenxing.monitoring.domain import State
from zhenxing.monitoring.errors import MonitoringErrorCode
from zhenxing.monitoring.models import (
    Case,
    Channel,
    IncomeObservation,
    Lead,
    LeadStatus,
    Monitoring,
)
from zhenxing.monitoring.tests.factories import MonitoringWorld, case_in, make_eliminable


def at(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BEIJING)


def _through_evaluation(world: MonitoringWorld, household: Household) -> Case:
    u = world.users
    lead = services.lead_record(
        actor=u["cadre"], household=household, channel=Channel.VISIT,
        detail="户主突发疾病住院", risk_types=["illness"],
    )  # fmt: skip
    case = services.lead_accept(actor=u["officer"], lead=lead)
    services.case_verify(
        actor=u["cadre"], case=case, notes="入户核实属实", monitoring_type="sudden_hardship",
        risk_types=["illness"],
    )  # fmt: skip
    services.case_authorise(
        actor=u["cadre"], case=case, authorised_on=date(2025, 3, 3), consent=True
    )
    services.case_compare(actor=u["town"], case=case, notes="无财产车辆", departments=["公安"])
    services.case_evaluate(
        actor=u["officer"], case=case, evaluated_on=date(2025, 3, 3), attendees=30,
        votes_for=29, votes_against=0,
    )  # fmt: skip
    return case


def test_lead_to_monitoring_to_elimination(world: MonitoringWorld) -> None:
    u = world.users
    household = world.a1
    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        case = _through_evaluation(world, household)
        # publishing: a last day before 5 full days is refused
        with pytest.raises(DomainError) as short:
            services.notice_publish(actor=u["officer"], cases=[case], end_date=date(2025, 3, 7))
        assert short.value.code == MonitoringErrorCode.NOTICE_TOO_SHORT
        notice = services.notice_publish(
            actor=u["officer"], cases=[case], end_date=date(2025, 3, 8)
        )
        assert notice.start_date == date(2025, 3, 4)
    with time_machine.travel(at(2025, 3, 5, 10, 0), tick=False):
        objection = services.objection_record(
            actor=u["officer"], notice=notice, summary="邻居反映其子女有稳定收入", case=case
        )
    with time_machine.travel(at(2025, 3, 8, 23, 0), tick=False):
        with pytest.raises(DomainError) as running:
            services.case_close_notice(actor=u["officer"], case=case)
        assert running.value.code == MonitoringErrorCode.NOTICE_RUNNING
    with time_machine.travel(at(2025, 3, 9, 8, 0), tick=False):
        with pytest.raises(DomainError) as blocked:
            services.case_close_notice(actor=u["officer"], case=case)
        assert blocked.value.code == MonitoringErrorCode.OBJECTIONS_OPEN
        with pytest.raises(DomainError):  # received after the period: not recorded
            services.objection_record(actor=u["officer"], notice=notice, summary="迟到的异议")
        services.objection_resolve(
            actor=u["town"], objection=objection, resolution="经核实子女在外务工收入不稳定",
            upheld=False,
        )  # fmt: skip
        services.case_close_notice(actor=u["officer"], case=case)
        services.case_town_review(actor=u["town"], case=case)
        services.case_county_approve(actor=u["district"], case=case)
        services.case_include(actor=u["district"], case=case, start_date=date(2025, 3, 9))
    household.refresh_from_db()
    assert household.monitoring_type == "sudden_hardship"
    versions = list(
        household.history.order_by("history_id").values_list("monitoring_type", flat=True)
    )
    assert versions[-1] == "sudden_hardship"
    assert versions[-2] == ""
    assert Monitoring.objects.get(household=household).persons == 2
    assert AuditEvent.objects.filter(event="notice.publish").count() == 1
    assert AuditEvent.objects.filter(event="approval", object_id=str(case.pk)).count() == 3

    # risk elimination, months later
    with time_machine.travel(at(2025, 10, 10, 9, 0), tick=False):
        elimination = services.elimination_open(actor=u["officer"], household=household)
        with pytest.raises(DomainError) as refused:
            services.case_verify(actor=u["cadre"], case=elimination, notes="核实")
        message = refused.value.message_en
        assert "No per-capita net income is recorded for 2025-04" in message
        assert "No assistance measure has been completed" in message
        for month in (4, 5, 6, 7, 8, 9):
            services.income_observe(
                actor=u["officer"], household=household, month=date(2025, month, 1),
                per_capita_yuan="9600",
            )  # fmt: skip
        services.measure_record(
            actor=u["officer"], household=household, kind="public_job", done_on=date(2025, 5, 1)
        )
        services.case_verify(actor=u["cadre"], case=elimination, notes="收入稳定")
        services.case_evaluate(
            actor=u["officer"], case=elimination, evaluated_on=date(2025, 10, 10), attendees=20,
            votes_for=20, votes_against=0,
        )  # fmt: skip
        services.notice_publish(
            actor=u["officer"], cases=[elimination], end_date=date(2025, 10, 15)
        )
    with time_machine.travel(at(2025, 10, 16, 9, 0), tick=False):
        services.case_close_notice(actor=u["officer"], case=elimination)
        services.case_town_review(actor=u["town"], case=elimination)
        services.case_county_approve(actor=u["district"], case=elimination)
    household.refresh_from_db()
    elimination.refresh_from_db()
    assert household.monitoring_type == ""
    assert elimination.state == State.ELIMINATED
    assert Monitoring.objects.get(household=household).ended_on == date(2025, 10, 16)


def test_no_labour_household_is_never_eliminated(world: MonitoringWorld) -> None:
    # given the sick household (head weak labour, spouse none) and make the head none too
    sick = world.sick
    sick.members.update(labour="none")
    with time_machine.travel(at(2025, 7, 15, 9, 0), tick=False):
        make_eliminable(sick, date(2025, 7, 15))
        case = services.elimination_open(actor=world.users["officer"], household=sick)
        with pytest.raises(DomainError) as refused:
            services.case_verify(actor=world.users["officer"], case=case, notes="核实")
    assert refused.value.code == MonitoringErrorCode.ELIMINATION_REFUSED
    assert MonitoringErrorCode.ELIMINATION_NO_LABOUR.en.split(":")[0] in refused.value.message_en


def test_six_month_income_rule_moves_with_the_clock(world: MonitoringWorld) -> None:
    household = world.a1
    with time_machine.travel(at(2025, 7, 15, 9, 0), tick=False):
        make_eliminable(household, date(2025, 7, 15))
        facts = selectors.elimination_facts(household, as_of=date(2025, 7, 15))
        assert [m.month.month for m in facts.income] == [1, 2, 3, 4, 5, 6]
        from zhenxing.monitoring.domain import elimination_refusals

        assert elimination_refusals(facts) == []
        IncomeObservation.objects.filter(household=household, month=date(2025, 3, 1)).update(
            per_capita_fen=700_000
        )
        codes = [r.code for r in elimination_refusals(
            selectors.elimination_facts(household, as_of=date(2025, 7, 15)))]  # fmt: skip
        assert codes == [MonitoringErrorCode.ELIMINATION_INCOME_BELOW]
    with time_machine.travel(at(2025, 8, 1, 0, 5), tick=False):
        facts = selectors.elimination_facts(household, as_of=date(2025, 8, 1))
        codes = [r.code for r in elimination_refusals(facts)]
        # window Feb–Jul: March is low and July was never observed
        assert codes == [
            MonitoringErrorCode.ELIMINATION_INCOME_BELOW,
            MonitoringErrorCode.ELIMINATION_INCOME_MISSING,
        ]


def test_deadlines_due_overdue_and_escalation(world: MonitoringWorld) -> None:
    u = world.users
    with time_machine.travel(at(2025, 3, 1, 9, 0), tick=False):
        lead = services.lead_record(
            actor=u["officer"], household=world.a1, channel=Channel.VISIT, detail="房屋开裂",
            risk_types=["housing_safety"],
        )  # fmt: skip
        assert lead.due_on == date(2025, 3, 16)
        case = services.lead_accept(actor=u["officer"], lead=lead)
    with time_machine.travel(at(2025, 3, 14, 9, 0), tick=False):
        due, late = selectors.due_lists(u["town"], today=date(2025, 3, 14))
        assert list(due) == [case]
        assert not late.exists()
        assert case in selectors.tasks_for(u["officer"], today=date(2025, 3, 14)).own
        assert selectors.tasks_for(u["town"], today=date(2025, 3, 14)).escalated == []
    with time_machine.travel(at(2025, 3, 17, 9, 0), tick=False):
        today = date(2025, 3, 17)
        _due, late = selectors.due_lists(u["town"], today=today)
        assert list(late) == [case]
        # a village-level step overdue: escalated to the town, not yet to the county
        assert selectors.tasks_for(u["town"], today=today).escalated == [case]
        assert selectors.tasks_for(u["district"], today=today).escalated == []
        assert selectors.tasks_for(u["town_b"], today=today).escalated == []


def test_a_second_lead_merges_into_the_open_case(world: MonitoringWorld) -> None:
    u = world.users
    officer, target = u["officer"], world.a1
    first = services.lead_record(
        actor=officer, household=target, channel=Channel.VISIT, detail="a", risk_types=["illness"]
    )
    second = services.lead_record(
        actor=officer, household=target, channel=Channel.DECLARATION, detail="b",
        risk_types=["accident"],
    )  # fmt: skip
    case = services.lead_accept(actor=u["officer"], lead=first)
    again = services.lead_accept(actor=u["officer"], lead=second)
    second.refresh_from_db()
    assert again.pk == case.pk
    assert second.status == LeadStatus.MERGED
    with pytest.raises(DomainError):
        services.lead_accept(actor=u["officer"], lead=second)


def test_public_declaration_matches_quietly(world: MonitoringWorld) -> None:
    from zhenxing.core.crypto import decrypt
    from zhenxing.households.models import ID_CONTEXT

    member = world.a1.members.get(relation="head")
    number = decrypt(member.id_cipher, context=ID_CONTEXT)
    village = "500102100200"
    ok = services.declaration_receive(
        name=member.name, id_number=number, village_code=village, phone="13800001111",
        what_happened="因病住院", ip="10.0.0.1",
    )  # fmt: skip
    miss = services.declaration_receive(
        name="不存在", id_number=number, village_code=village, phone="",
        what_happened="家里遭灾", ip="10.0.0.1",
    )  # fmt: skip
    assert ok.reference
    assert miss.reference
    lead = Lead.objects.get(channel=Channel.DECLARATION)
    assert lead.status == LeadStatus.PENDING
    assert lead.household_id == world.a1.pk
    assert lead.accept_due_on is not None
    for _ in range(3):
        services.declaration_receive(
            name="x", id_number=number, village_code=village, phone="", what_happened="y",
            ip="10.0.0.1",
        )  # fmt: skip
    with pytest.raises(DomainError) as limited:
        services.declaration_receive(
            name="x", id_number=number, village_code=village, phone="", what_happened="y",
            ip="10.0.0.1",
        )  # fmt: skip
    assert limited.value.code == MonitoringErrorCode.RATE_LIMITED


def test_leads_from_screening_are_idempotent_per_run(world: MonitoringWorld) -> None:
    from django.utils import timezone

    from zhenxing.screening.models import RISK_BITS, RuleSet, Run
    from zhenxing.screening.tests.factories import result_row

    rule_set = RuleSet.objects.create(name="r", year=2025, region_code="500102", version=1)
    run = Run.objects.create(
        year=2025, county_code="500102", as_of=date(2025, 1, 1), status="published",
        published_at=timezone.now(),
    )  # fmt: skip
    for h, suggestion in ((world.a1, "marginal"), (world.b1, "unstable_exited"), (world.a2, "")):
        result_row(
            run=run, household=h, rule_set=rule_set, stability="marginal",
            risk_mask=RISK_BITS["illness"], suggested_category=suggestion,
        )  # fmt: skip
    # a town user creates its town's leads; the district then the rest; a re-run adds nothing
    assert services.leads_from_screening(actor=world.users["town"], run=run) == 1
    assert services.leads_from_screening(actor=world.users["district"], run=run) == 1
    assert services.leads_from_screening(actor=world.users["district"], run=run) == 0
    assert Lead.objects.filter(channel=Channel.SCREENING).count() == 2
    run.status = "done"
    with pytest.raises(DomainError):
        services.leads_from_screening(actor=world.users["district"], run=run)


def test_case_in_factory_is_in_scope_only_for_its_area(world: MonitoringWorld) -> None:
    case = case_in(State.VERIFYING, world.a1)
    assert selectors.cases_visible(world.users["officer"]).filter(pk=case.pk).exists()
    assert not selectors.cases_visible(world.users["officer_a2"]).filter(pk=case.pk).exists()
    assert not selectors.cases_visible(world.users["town_b"]).filter(pk=case.pk).exists()
    assert not selectors.cases_visible(world.users["clerk"]).exists()
