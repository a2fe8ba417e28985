"""Supervision services against a real database: the refusals of the issue (each names its field,
nothing half-written), four eyes, escalation, the hardship lead, the one-village-at-a-time rule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from zhenxing.audit.models import AuditEvent
from zhenxing.core.errors import DomainError, NotInScope
from zhenxing.monitoring.models import Channel, Lead
from zhenxing.supervision import services
from zhenxing.supervision.choices import OwnerType, ProblemStatus
from zhenxing.supervision.errors import SupervisionErrorCode
from zhenxing.supervision.models import (
    GroupTown,
    Problem,
    ProgressReport,
    ResponsibilityItem,
    WorkTeamMember,
)
from zhenxing.supervision.tests.factories import VISIT_DAY, SupWorld

TODAY = date(2025, 8, 20)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel("2025-08-20 10:00 +08:00", tick=False):
        yield


def _assign(world: SupWorld, **kw: Any) -> Problem:
    args: dict[str, Any] = {
        "actor": world.users["supervisor"],
        "finding": world.work,
        "owner_type": OwnerType.TOWN,
        "owner": world.regions.town_a.code,
        "deadline": VISIT_DAY + timedelta(days=20),
    }
    args.update(kw)
    return services.problem_assign(**args)


def _project(world: SupWorld) -> Any:
    return services.project_create(
        actor=world.users["district"],
        code="road-300",
        name="新改建四好农村路",
        category="roads",
        kind="plan",
        level="district",
        unit="公里",
        target="300",
        owner_type=OwnerType.DEPARTMENT,
        owner=world.dept.pk,
    )


def _member(world: SupWorld, team: Any, **kw: Any) -> WorkTeamMember:
    args: dict[str, Any] = {
        "actor": world.users["district"],
        "team": team,
        "staff_no": "FL-001",
        "name": "王强",
        "role": "first_secretary",
        "home_unit": "区财政局",
        "level": "district",
        "started_on": date(2025, 1, 1),
    }
    args.update(kw)
    return services.work_team_member_add(**args)


# ------------------------------------------------------------------ the refusals of the issue

REFUSALS: list[tuple[str, Callable[[SupWorld], Any], str, str]] = [
    ("problem without owner", lambda w: _assign(w, owner=""), "owner", "责任主体"),
    ("problem without deadline", lambda w: _assign(w, deadline=None), "deadline", "整改期限"),
    (
        "deadline before the visit",
        lambda w: _assign(w, deadline=VISIT_DAY - timedelta(days=1)),
        "deadline",
        "整改期限",
    ),
]


@pytest.mark.parametrize(("case", "call", "field", "zh"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_problem_refusals_name_the_field_and_write_nothing(
    world: SupWorld, case: str, call: Callable[[SupWorld], Any], field: str, zh: str
) -> None:
    with pytest.raises(DomainError) as err:
        call(world)
    assert err.value.field == field
    assert zh in err.value.message_zh
    assert not Problem.objects.exists()


def test_rectification_verified_by_its_owner_is_refused(world: SupWorld) -> None:
    # given a problem owned by the cadre, rectified by the cadre
    cadre = world.users["cadre"]
    problem = _assign(world, owner_type=OwnerType.CADRE, owner=cadre.pk)
    problem = services.problem_rectify(actor=cadre, problem=problem, rectification="已补齐考勤")
    # when the town verifies it is fine; but the rectifier (even as another role) may not
    with pytest.raises(DomainError) as err:
        services.problem_verify(actor=_as_verifier(cadre), problem=problem, accept=True)
    assert err.value.code == SupervisionErrorCode.VERIFIER_IS_OWNER
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.RECTIFIED
    assert problem.verified_by is None


def _as_verifier(user: Any) -> Any:
    """The same person given a verifying role: four eyes compares persons, not roles."""
    user.role = "town_staff"
    user.save(update_fields=["role"])
    return user


def test_four_eyes_another_person_verifies_and_closes(world: SupWorld) -> None:
    town = world.users["town"]
    problem = _assign(world)
    problem = services.problem_rectify(actor=town, problem=problem, rectification="考勤已补")
    with pytest.raises(DomainError) as err:
        services.problem_verify(actor=town, problem=problem, accept=True)
    assert err.value.code == SupervisionErrorCode.VERIFIER_IS_OWNER
    closed = services.problem_verify(
        actor=world.users["supervisor"], problem=problem, accept=True, note="现场核实"
    )
    assert closed.status == ProblemStatus.VERIFIED
    assert closed.verified_by == world.users["supervisor"]


def test_nothing_closes_without_evidence(world: SupWorld) -> None:
    problem = _assign(world)
    with pytest.raises(DomainError) as err:
        services.problem_rectify(actor=world.users["town"], problem=problem, rectification=" ")
    assert err.value.code == SupervisionErrorCode.NO_EVIDENCE
    with pytest.raises(DomainError) as err:  # an open problem cannot be verified at all
        services.problem_verify(actor=world.users["supervisor"], problem=problem, accept=True)
    assert err.value.code == SupervisionErrorCode.WRONG_STATUS
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN


def test_refused_verification_goes_back_to_the_owner(world: SupWorld) -> None:
    problem = _assign(world)
    problem = services.problem_rectify(
        actor=world.users["town"], problem=problem, rectification="已整改"
    )
    back = services.problem_verify(
        actor=world.users["supervisor"], problem=problem, accept=False, note="佐证不足"
    )
    assert back.status == ProblemStatus.OPEN
    assert back.verification_note == "佐证不足"


def test_progress_above_target_needs_a_note(world: SupWorld) -> None:
    project = _project(world)
    with pytest.raises(DomainError) as err:
        services.progress_report(
            actor=world.users["district"], project=project, reported_on=TODAY, value="301"
        )
    assert err.value.field == "value"
    assert "100%" in err.value.message_zh
    assert not ProgressReport.objects.exists()
    report = services.progress_report(
        actor=world.users["district"],
        project=project,
        reported_on=TODAY,
        value="301",
        note="含提前实施的 1 公里",
    )
    assert report.value == Decimal("301")
    assert AuditEvent.objects.filter(event="supervision.progress").count() == 1


def test_progress_at_exactly_the_target_needs_no_note(world: SupWorld) -> None:
    report = services.progress_report(
        actor=world.users["district"], project=_project(world), reported_on=TODAY, value="300.00"
    )
    assert report.value == Decimal("300")


def test_member_in_two_villages_at_once_is_refused(world: SupWorld) -> None:
    regions = world.regions
    team_a = services.work_team_create(
        actor=world.users["district"],
        village_code=regions.village_a1.code,
        started_on=date(2025, 1, 1),
    )
    team_b = services.work_team_create(
        actor=world.users["district"],
        village_code=regions.village_b1.code,
        started_on=date(2025, 1, 1),
    )
    _member(world, team_a, ended_on=date(2025, 6, 30))
    with pytest.raises(DomainError) as err:
        _member(world, team_b, started_on=date(2025, 6, 30))
    assert err.value.field == "staff_no"
    assert "人员编号" in err.value.message_zh
    assert WorkTeamMember.objects.count() == 1
    # the day after the first stint ended is fine
    _member(world, team_b, started_on=date(2025, 7, 1))
    assert WorkTeamMember.objects.count() == 2


def test_town_given_two_groups_for_the_same_period_is_refused(world: SupWorld) -> None:
    district = world.users["district"]
    g1 = services.group_create(
        actor=district, name="第一扶贫集团", lead_unit="区委办", units=["区委办", "区财政局"]
    )
    g2 = services.group_create(
        actor=district, name="第二扶贫集团", lead_unit="区政府办", units=["区政府办"]
    )
    town = world.regions.town_a.code
    services.group_assign_town(
        actor=district, group=g1, town_code=town, since=date(2018, 1, 1), until=date(2020, 12, 31)
    )
    with pytest.raises(DomainError) as err:
        services.group_assign_town(actor=district, group=g2, town_code=town, since=date(2020, 6, 1))
    assert err.value.field == "town"
    assert "第一扶贫集团" in err.value.message_zh
    assert GroupTown.objects.count() == 1
    later = services.group_assign_town(
        actor=district, group=g2, town_code=town, since=date(2021, 1, 1)
    )
    assert GroupTown.objects.filter(town_code=town).count() == 2
    assert later.until is None


def test_hardship_problem_raises_a_supervision_lead(world: SupWorld) -> None:
    # when the commander gives the medical finding about household a1 to the health department
    problem = _assign(
        world, finding=world.hardship, owner_type=OwnerType.DEPARTMENT, owner=world.dept.pk
    )
    # then a monitoring lead of the supervision channel exists for a1, found on the visit day
    lead = Lead.objects.get(household=world.a1)
    assert problem.lead == lead
    assert lead.channel == Channel.SUPERVISION
    assert lead.found_on == VISIT_DAY


def test_organisational_problem_raises_no_lead(world: SupWorld) -> None:
    _assign(world)
    assert not Lead.objects.exists()


def test_failed_lead_rolls_back_the_problem(world: SupWorld, monkeypatch: Any) -> None:
    from zhenxing.monitoring import services as monitoring_services

    def boom(**_: Any) -> None:
        raise DomainError(SupervisionErrorCode.BAD_VALUE, field="x", field_zh="x", field_en="x")

    monkeypatch.setattr(monitoring_services, "lead_record", boom)
    with pytest.raises(DomainError):
        _assign(world, finding=world.hardship)
    assert not Problem.objects.exists()


def test_overdue_problems_escalate_to_the_towns_commander(world: SupWorld) -> None:
    from zhenxing.supervision.selectors import problem_list

    late = _assign(world, deadline=VISIT_DAY + timedelta(days=5))
    n = services.problems_escalate(actor=world.users["district"], county_code="500102")
    assert n == 1
    late.refresh_from_db()
    assert late.escalated_on == TODAY
    # the commander of town A sees it as overdue; a second run stamps nothing new
    overdue = problem_list(world.users["supervisor"], commander=world.commander, overdue_on=TODAY)
    assert [p.pk for p in overdue] == [late.pk]
    assert services.problems_escalate(actor=None, county_code="500102") == 0


def test_item_owner_resolution_and_refusals(world: SupWorld) -> None:
    district = world.users["district"]
    with pytest.raises(DomainError) as err:
        services.item_create(
            actor=district,
            title="落实资助",
            pillar="education",
            owner_type=OwnerType.TOWN,
            owner="",
            due_on=TODAY,
        )
    assert err.value.field == "owner"
    with pytest.raises(DomainError) as err:
        services.item_create(
            actor=district,
            title="落实资助",
            pillar="education",
            owner_type=OwnerType.TOWN,
            owner=world.regions.town_a.code,
            due_on=None,
        )
    assert err.value.field == "due_on"
    item = services.item_create(
        actor=district,
        title="落实资助",
        pillar="education",
        owner_type=OwnerType.VILLAGE,
        owner=world.regions.village_a1.code,
        due_on=TODAY,
    )
    assert item.town_code == world.regions.town_a.code
    assert item.owner_name == "柳溪示例村"
    assert ResponsibilityItem.objects.count() == 1


def test_town_staff_cannot_assign_problems(world: SupWorld) -> None:
    with pytest.raises(PermissionDenied):
        _assign(world, actor=world.users["town"])
    assert AuditEvent.objects.filter(event="permission.denied").exists()


def test_visit_outside_scope_is_refused(world: SupWorld) -> None:
    with pytest.raises(NotInScope):
        services.visit_record(
            actor=world.users["other_district"],
            commander=world.commander,
            visited_on=VISIT_DAY,
            town_code=world.regions.town_a.code,
            checked=["medical"],
        )


def test_visit_needs_a_known_check(world: SupWorld) -> None:
    with pytest.raises(DomainError) as err:
        services.visit_record(
            actor=world.users["supervisor"],
            commander=world.commander,
            visited_on=VISIT_DAY,
            town_code=world.regions.town_a.code,
            checked=["astrology"],
        )
    assert err.value.field == "checked"
