"""The default "六看六问" rule set, household by household: every rule firing and not firing,
every boundary value, and the class and suggested category that follow. Each case goes through
the real pipeline: registry → snapshot → compiled rules → results."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest

from zhenxing.households.models import Household
from zhenxing.screening.models import Result
from zhenxing.screening.selectors import flag_codes
from zhenxing.screening.services import run_execute, run_start
from zhenxing.screening.tests.factories import Case, Person, install_rules, region_tree

AS_OF = date(2025, 12, 31)
BASE = Case()


def _child(age: int, status: str) -> Person:
    return Person(
        birth=date(AS_OF.year - age, 6, 1),
        relation="child",
        labour="none",
        work_months=0,
        school_status=status,
    )


CASES: list[tuple[str, Case, str, set[str], str]] = [
    # (name, household, class, rules fired, suggested monitoring category)
    ("baseline", BASE, "stable", set(), ""),
    ("income at threshold", replace(BASE, wage=D("8000")), "consolidating", {"INC_NEAR"}, ""),
    ("income 1 fen below", replace(BASE, wage=D("7999.99")), "marginal", {"INC_BELOW"}, "marginal"),
    (
        "exited, income below",
        replace(BASE, category="exited", wage=D("5000")),
        "marginal",
        {"INC_BELOW"},
        "unstable_exited",
    ),
    ("top of band", replace(BASE, wage=D("10400")), "stable", set(), ""),
    ("inside band", replace(BASE, wage=D("10399.99")), "consolidating", {"INC_NEAR"}, ""),
    # three members: 23,999.99 / 3 = 7,999.9967 rounds half-up to 8,000.00 → not below
    (
        "rounds up to threshold",
        replace(
            BASE,
            members=[Person(), Person(relation="spouse"), Person(relation="child")],
            wage=D("23999.99"),
        ),
        "consolidating",
        {"INC_NEAR"},
        "",
    ),
    (
        "rounds below threshold",
        replace(
            BASE,
            members=[Person(), Person(relation="spouse"), Person(relation="child")],
            wage=D("23999.97"),
        ),
        "marginal",
        {"INC_BELOW"},
        "marginal",
    ),
    (
        "loss-making business",
        replace(BASE, wage=D("0"), business=D("1000"), cost=D("5000")),
        "marginal",
        {"INC_BELOW"},
        "marginal",
    ),
    (
        "transfer just over half",
        replace(BASE, wage=D("20000"), transfer=D("20000.01")),
        "consolidating",
        {"INC_DEPENDENT"},
        "",
    ),
    (
        "transfer exactly half",
        replace(BASE, wage=D("20000"), transfer=D("20000")),
        "stable",
        set(),
        "",
    ),
    (
        "food insecure",
        replace(BASE, facts={"food_secure": False}),
        "marginal",
        {"FOOD_CLOTHING"},
        "sudden_hardship",
    ),
    (
        "clothing insecure",
        replace(BASE, facts={"clothing_secure": False}),
        "marginal",
        {"FOOD_CLOTHING"},
        "sudden_hardship",
    ),
    ("house B", replace(BASE, facts={"house_grade": "B"}), "stable", set(), ""),
    (
        "house C",
        replace(BASE, facts={"house_grade": "C"}),
        "marginal",
        {"HOUSE_UNSAFE"},
        "sudden_hardship",
    ),
    (
        "house D",
        replace(BASE, facts={"house_grade": "D"}),
        "marginal",
        {"HOUSE_UNSAFE"},
        "sudden_hardship",
    ),
    ("water 35 litres", replace(BASE, facts={"water_litres": 35}), "stable", set(), ""),
    (
        "water 34 litres",
        replace(BASE, facts={"water_litres": 34}),
        "marginal",
        {"WATER_QUANTITY"},
        "sudden_hardship",
    ),
    (
        "scarce area 20 litres",
        replace(BASE, facts={"water_litres": 20, "water_scarce_area": True}),
        "stable",
        set(),
        "",
    ),
    (
        "scarce area 19 litres",
        replace(BASE, facts={"water_litres": 19, "water_scarce_area": True}),
        "marginal",
        {"WATER_QUANTITY"},
        "sudden_hardship",
    ),
    (
        "water failed test",
        replace(BASE, facts={"water_quality": "failed"}),
        "marginal",
        {"WATER_QUALITY"},
        "sudden_hardship",
    ),
    (
        "water unassessed",
        replace(BASE, facts={"water_quality": "unassessed"}),
        "consolidating",
        {"WATER_QUALITY_UNKNOWN"},
        "",
    ),
    (
        "far water",
        replace(
            BASE,
            facts={
                "water_piped": False,
                "water_trip_minutes": 21,
                "water_horizontal_m": 801,
                "water_vertical_m": 81,
            },
        ),
        "marginal",
        {"WATER_CONVENIENCE"},
        "sudden_hardship",
    ),
    (
        "far but 20 minutes",
        replace(
            BASE,
            facts={
                "water_piped": False,
                "water_trip_minutes": 20,
                "water_horizontal_m": 801,
                "water_vertical_m": 81,
            },
        ),
        "stable",
        set(),
        "",
    ),
    ("outage 36 days", replace(BASE, facts={"water_outage_days": 36}), "stable", set(), ""),
    (
        "outage 37 days",
        replace(BASE, facts={"water_outage_days": 37}),
        "marginal",
        {"WATER_SUPPLY"},
        "sudden_hardship",
    ),
    (
        "child 10 out of school",
        replace(BASE, members=[Person(), _child(10, "out_of_school")]),
        "marginal",
        {"SCHOOL_DROPOUT"},
        "sudden_hardship",
    ),
    (
        "child 10 in school",
        replace(BASE, members=[Person(), _child(10, "in_school")]),
        "stable",
        set(),
        "",
    ),
    (
        "child 16 out of school",
        replace(BASE, members=[Person(), _child(16, "out_of_school")]),
        "stable",
        set(),
        "",
    ),
    ("education at 30 %", replace(BASE, education=D("9000")), "stable", set(), ""),
    (
        "education over 30 %",
        replace(BASE, education=D("9000.01")),
        "consolidating",
        {"EDU_BURDEN"},
        "",
    ),
    (
        "uninsured member",
        replace(BASE, members=[Person(medical_insurance=False)]),
        "consolidating",
        {"UNINSURED"},
        "",
    ),
    (
        "uninsured member of an exited household",
        replace(BASE, category="exited", members=[Person(medical_insurance=False)]),
        "marginal",
        {"UNINSURED_EXITED"},
        "sudden_hardship",
    ),
    ("medical at 30 %", replace(BASE, medical=D("9000")), "stable", set(), ""),
    (
        "medical over 30 %",
        replace(BASE, medical=D("9000.01")),
        "marginal",
        {"MEDICAL_BURDEN"},
        "sudden_hardship",
    ),
    (
        "serious illness",
        replace(BASE, members=[Person(health="serious")]),
        "consolidating",
        {"SERIOUS_ILLNESS"},
        "",
    ),
    (
        "chronic illness only",
        replace(BASE, members=[Person(health="chronic")]),
        "stable",
        set(),
        "",
    ),
    (
        "disability grade 2",
        replace(BASE, members=[Person(health="disabled", disability_grade=2)]),
        "consolidating",
        {"SEVERE_DISABILITY"},
        "",
    ),
    (
        "disability grade 3",
        replace(BASE, members=[Person(health="disabled", disability_grade=3)]),
        "stable",
        set(),
        "",
    ),
    (
        "no labour",
        replace(BASE, members=[Person(labour="none", work_months=0)]),
        "consolidating",
        {"NO_LABOUR"},
        "",
    ),
    (
        "no labour, living on transfers below the threshold",
        replace(
            BASE,
            members=[Person(labour="none", work_months=0)],
            wage=D("0"),
            transfer=D("6000"),
        ),
        "marginal",
        {"NO_LABOUR", "INC_BELOW", "INC_DEPENDENT"},
        "marginal",
    ),
    (
        "weak labour only",
        replace(BASE, members=[Person(labour="weak", work_months=0)]),
        "stable",
        set(),
        "",
    ),
    (
        "idle worker",
        replace(BASE, members=[Person(work_months=5)]),
        "consolidating",
        {"NO_STABLE_WORK"},
        "",
    ),
    ("six months of work", replace(BASE, members=[Person(work_months=6)]), "stable", set(), ""),
    (
        "idle worker with a business",
        replace(BASE, members=[Person(work_months=0)], business=D("5000")),
        "stable",
        set(),
        "",
    ),
    (
        "several rules",
        replace(
            BASE,
            category="exited",
            wage=D("6000"),
            facts={"house_grade": "C", "water_quality": "unassessed"},
        ),
        "marginal",
        {"INC_BELOW", "HOUSE_UNSAFE", "WATER_QUALITY_UNKNOWN"},
        "unstable_exited",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "stability", "fired", "suggested"),
    [pytest.param(c, s, f, g, id=name) for name, c, s, f, g in CASES],
)
def test_default_rules(case: Case, stability: str, fired: set[str], suggested: str) -> None:
    # given one household in a county with the shipped rules and parameters
    region_tree()
    install_rules()
    household = case.register()
    # when the county is screened
    run = run_start(actor=None, year=2025, county_code="500102", as_of=AS_OF, background=False)
    run_execute(run.pk)
    # then the rules that fired and the suggested category are as expected, and the class
    # applies only to an exited household (the others get only the risk judgement)
    result = Result.objects.get(run=run, household=household)
    assert result.stability == (stability if case.category == "exited" else "")
    assert set(flag_codes(result.rule_set_id, result.flags)) == fired
    assert result.suggested_category == suggested


@pytest.mark.django_db
def test_monitored_general_households_get_the_class_their_rules_give() -> None:
    # given every general case of the table as a household under monitoring (边缘易致贫户)
    region_tree()
    install_rules()
    expected = {}
    for _name, case, stability, _fired, _suggested in CASES:
        if case.category == "general":
            household = case.register()
            expected[household.pk] = stability
    Household.objects.filter(pk__in=expected).update(monitoring_type="marginal")
    # when the county is screened
    run = run_start(actor=None, year=2025, county_code="500102", as_of=AS_OF, background=False)
    run_execute(run.pk)
    # then the class applies to them as to exited households
    got = dict(Result.objects.filter(run=run).values_list("household_id", "stability"))
    assert got == expected
    assert {"stable", "consolidating", "marginal"} <= set(got.values())
