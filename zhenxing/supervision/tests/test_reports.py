"""Reports: response time from warning to verification, identification and first measure; the
village standards gap list; "书记遍访" coverage; work-team flags; commander lists in scope."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from zhenxing.monitoring.domain import CaseKind, State
from zhenxing.monitoring.models import Case, CaseStep, Channel, Lead, LeadStatus, Measure
from zhenxing.supervision import domain, services
from zhenxing.supervision.choices import OwnerType
from zhenxing.supervision.reports import gap_list, response_report, secretary_visit_coverage
from zhenxing.supervision.selectors import item_list, problem_list, teams_with_flags
from zhenxing.supervision.tests.factories import SupWorld

pytestmark = pytest.mark.django_db
TODAY = date(2025, 8, 20)
SH = ZoneInfo("Asia/Shanghai")


def _codes(h: object) -> dict[str, str]:
    return {k: getattr(h, k) for k in ("county_code", "town_code", "village_code")}


def _lead(h: Any, found: date, key: str, channel: str = Channel.SCREENING, **kw: Any) -> Lead:
    return Lead.objects.create(
        household=h,
        channel=channel,
        found_on=found,
        due_on=found + timedelta(days=15),
        dedupe_key=key,
        **_codes(h),
        **kw,
    )


def _answered(world: SupWorld) -> Lead:
    """a1: found 1 July, verified 3 July, included 12 July, first measure planned 20 July."""
    case = Case.objects.create(
        household=world.a1,
        kind=CaseKind.IDENTIFICATION,
        state=State.INCLUDED,
        opened_on=date(2025, 7, 1),
        due_on=date(2025, 7, 16),
        decided_on=date(2025, 7, 12),
        **_codes(world.a1),
    )
    CaseStep.objects.create(
        case=case,
        action="verify",
        from_state=State.VERIFYING,
        to_state=State.VERIFIED,
        at=datetime(2025, 7, 3, 23, 30, tzinfo=SH),
    )
    Measure.objects.create(
        household=world.a1, kind="medical", planned_on=date(2025, 7, 20), **_codes(world.a1)
    )
    return _lead(world.a1, date(2025, 7, 1), "k1", case=case, status=LeadStatus.ACCEPTED)


def test_response_time_per_town_and_village(world: SupWorld) -> None:
    # given one warning answered in time in town A and one untouched since June in town B
    answered = _answered(world)
    late = _lead(world.b1, date(2025, 6, 1), "k2", channel=Channel.DEPARTMENT)
    _lead(world.b1, date(2025, 6, 2), "k3", status=LeadStatus.DISMISSED)
    _lead(world.other, date(2025, 6, 1), "k4")  # another county
    # when the district asks
    report = response_report(
        world.users["district"], since=date(2025, 1, 1), until=TODAY, today=TODAY
    )
    # then: deadlines are data, town A answered within all, town B is late at every stage
    assert report.deadlines == {"verify": 3, "identify": 15, "measure": 30}
    assert report.total == 2
    towns = {a.code: a for a in report.towns}
    a = towns[world.regions.town_a.code].stages
    assert (a["verify"].within, a["identify"].within, a["measure"].within) == (1, 1, 1)
    assert a["identify"].mean_days == Decimal("11.0")
    b = towns[world.regions.town_b.code].stages
    assert b["verify"].pending_late == 1
    assert b["verify"].within_percent == Decimal("0.0")
    assert [w.row.lead_id for w in report.slowest] == [late.pk]
    assert report.slowest[0].stage == "verify"
    assert answered.pk not in [w.row.lead_id for w in report.slowest]


def test_response_time_is_scoped_to_the_actor(world: SupWorld) -> None:
    _answered(world)
    _lead(world.b1, date(2025, 6, 1), "k2")
    report = response_report(world.users["town"], since=date(2025, 1, 1), until=TODAY, today=TODAY)
    assert [a.code for a in report.towns] == [world.regions.town_a.code]


def test_a_county_deadline_overrides_the_shared_one(world: SupWorld) -> None:
    from zhenxing.supervision.models import ResponseDeadline
    from zhenxing.supervision.reports import response_deadlines

    ResponseDeadline.objects.create(county_code="500102", stage="verify", days=2)
    assert response_deadlines("500102", year=2025)["verify"] == 2
    assert response_deadlines("500103", year=2025)["verify"] == 3


def test_gap_list_names_villages_missing_a_standard(world: SupWorld) -> None:
    r = world.regions
    district = world.users["district"]
    services.village_facts_record(
        actor=district,
        village_code=r.village_a1.code,
        clinics=1,
        doctors=2,
        waste_sorting=1,
        as_of=TODAY,
    )
    services.village_facts_record(
        actor=district,
        village_code=r.village_a2.code,
        clinics=1,
        doctors=0,
        waste_sorting=1,
        as_of=TODAY,
    )
    rows, standards, total = gap_list(district)
    missing = {row.village.code: [s.code for s in row.missing] for row in rows}
    assert total == 3
    assert missing == {
        r.village_a2.code: ["doctor"],
        r.village_b1.code: [s.code for s in standards],  # no facts recorded: misses all
    }


def test_secretary_visit_coverage_counts_each_household_once_in_scope(world: SupWorld) -> None:
    r = world.regions
    visits = [
        (r.village_a1.code, world.a1.pk),
        (r.village_a1.code, world.a1.pk),
        (r.other_village.code, world.other.pk),
    ]
    rows = {row.village_code: row for row in secretary_visit_coverage(world.users["town"], visits)}
    assert rows[r.village_a1.code].visited == 1
    assert rows[r.village_a1.code].percent == Decimal("100.0")
    assert rows[r.village_a2.code].visited == 0
    assert r.other_village.code not in rows


def test_team_flags_no_secretary_and_below_size(world: SupWorld) -> None:
    district = world.users["district"]
    r = world.regions
    full = services.work_team_create(
        actor=district, village_code=r.village_a1.code, started_on=date(2025, 1, 1), size=2
    )
    empty = services.work_team_create(
        actor=district, village_code=r.village_a2.code, started_on=date(2025, 1, 1)
    )
    for i, role in enumerate(["first_secretary", "member"]):
        services.work_team_member_add(
            actor=district,
            team=full,
            staff_no=f"S{i}",
            name=f"队员{i}",
            role=role,
            home_unit="区教委",
            level="district",
            started_on=date(2025, 1, 1),
        )
    services.work_team_member_add(
        actor=district,
        team=empty,
        staff_no="S9",
        name="队员9",
        role="member",
        home_unit="区教委",
        level="town",
        started_on=date(2025, 1, 1),
    )
    flags = {
        t.team.pk: (t.no_secretary, t.below_size) for t in teams_with_flags(district, on=TODAY)
    }
    assert flags == {full.pk: (False, False), empty.pk: (True, True)}


def test_commander_lists_cover_its_towns_and_departments(world: SupWorld) -> None:
    supervisor = world.users["supervisor"]
    district = world.users["district"]
    services.problem_assign(
        actor=supervisor,
        finding=world.work,
        owner_type=OwnerType.TOWN,
        owner=world.regions.town_a.code,
        deadline=date(2025, 8, 1),
    )
    dept_item = services.item_create(
        actor=district,
        title="慢病签约",
        pillar="medical",
        owner_type=OwnerType.DEPARTMENT,
        owner=world.dept.pk,
        due_on=date(2025, 8, 1),
    )
    town_b_item = services.item_create(
        actor=district,
        title="危房排查",
        pillar="housing",
        owner_type=OwnerType.TOWN,
        owner=world.regions.town_b.code,
        due_on=date(2025, 8, 1),
    )
    mine = item_list(supervisor, commander=world.commander, overdue_on=TODAY)
    assert [i.pk for i in mine] == [dept_item.pk]
    assert town_b_item.pk not in [i.pk for i in mine]
    assert len(problem_list(supervisor, commander=world.commander)) == 1
    # town B's staff see none of town A's problems
    assert problem_list(world.users["town"], town_code=world.regions.town_b.code) == []


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ((date(2020, 1, 1), date(2020, 12, 31)), (date(2021, 1, 1), None), False),
        ((date(2020, 1, 1), date(2020, 12, 31)), (date(2020, 12, 31), None), True),
        ((date(2020, 1, 1), None), (date(2030, 1, 1), date(2030, 2, 1)), True),
        ((date(2020, 6, 1), date(2020, 6, 30)), (date(2020, 1, 1), date(2020, 5, 31)), False),
    ],
)
def test_periods_overlap(
    a: tuple[date, date | None], b: tuple[date, date | None], overlap: bool
) -> None:
    assert domain.periods_overlap(a[0], a[1], b[0], b[1]) is overlap
    assert domain.periods_overlap(b[0], b[1], a[0], a[1]) is overlap


@pytest.mark.parametrize(
    ("value", "target", "percent", "over"),
    [
        ("0", "300", "0.0", False),
        ("150", "300", "50.0", False),
        ("1", "3", "33.3", False),
        ("0.05", "0.1", "50.0", False),
        ("300", "300", "100.0", False),
        ("300.01", "300", "100.0", True),
        ("2", "0", "0.0", False),
    ],
)
def test_progress_percent_rounds_half_up(value: str, target: str, percent: str, over: bool) -> None:
    assert domain.progress_percent(Decimal(value), Decimal(target)) == Decimal(percent)
    assert domain.over_target(Decimal(value), Decimal(target)) is over
