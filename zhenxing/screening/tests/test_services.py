"""Rule set versions, parameters, runs, publication, what-if and the explanation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhenxing.core.errors import DomainError
from zhenxing.screening.errors import ScreeningErrorCode
from zhenxing.screening.loader import LoaderErrorCode
from zhenxing.screening.models import AreaCount, Parameter, Result, RuleSet, Run
from zhenxing.screening.selectors import compare_runs, explain, flag_codes, results_summary
from zhenxing.screening.services import (
    parameter_set,
    ruleset_create,
    ruleset_edit,
    ruleset_publish,
    run_discard,
    run_execute,
    run_plan,
    run_publish,
    run_start,
)
from zhenxing.screening.setup import DEFAULT_RULES
from zhenxing.screening.tests.factories import GROUP, Case, Person, install_rules, region_tree

pytestmark = pytest.mark.django_db
AS_OF = date(2025, 12, 31)
TEXT = DEFAULT_RULES.read_text(encoding="utf-8")


def _run(**kwargs: Any) -> Run:
    run = run_start(
        actor=None, year=2025, county_code="500102", as_of=AS_OF, background=False, **kwargs
    )
    return run_execute(run.pk)


@pytest.fixture
def county() -> None:
    region_tree()
    install_rules()


def test_a_used_version_is_never_edited(county: None) -> None:
    # given the published default, used by a run
    Case().register()
    rule_set = RuleSet.objects.get(year=2025, region_code="500102")
    _run()
    rule_set.refresh_from_db()
    assert rule_set.frozen
    # when someone edits it
    with pytest.raises(DomainError) as caught:
        ruleset_edit(actor=None, rule_set=rule_set, text=TEXT.replace("8000", "9000"))
    # then it is refused and the rules are unchanged
    assert caught.value.code is ScreeningErrorCode.USED_VERSION
    assert rule_set.rules.count() == 19


def test_a_draft_may_be_edited_and_versions_count_up(county: None) -> None:
    draft = ruleset_create(actor=None, year=2025, region_code="500102", text=TEXT)
    assert draft.version == 2
    edited = ruleset_edit(
        actor=None,
        rule_set=draft,
        text=TEXT.replace('house_grade in ["C", "D"]', 'house_grade == "D"'),
    )
    assert edited.rules.get(code="HOUSE_UNSAFE").expression == 'house_grade == "D"'


def test_an_invalid_rule_file_is_refused_with_rule_and_position(county: None) -> None:
    broken = TEXT.replace('when: house_grade in ["C", "D"]', "when: house_grade < 3")
    with pytest.raises(DomainError) as caught:
        ruleset_create(actor=None, year=2025, region_code="500102", text=broken)
    assert caught.value.code is LoaderErrorCode.EXPRESSION
    assert "HOUSE_UNSAFE" in caught.value.message_zh
    assert "13" in caught.value.message_en  # the position of "<"
    assert RuleSet.objects.count() == 1


def test_a_missing_parameter_stops_the_run_before_it_starts(county: None) -> None:
    # given one parameter of 2025 deleted
    Parameter.objects.filter(year=2025, name="water_outage_days_max").delete()
    # when a run is asked for
    with pytest.raises(DomainError) as caught:
        run_start(actor=None, year=2025, county_code="500102", background=False)
    # then it names what is missing and no run exists
    assert caught.value.code is ScreeningErrorCode.MISSING_PARAMETERS
    assert "water_outage_days_max" in caught.value.message
    assert Run.objects.count() == 0


def test_a_year_without_rules_is_refused(county: None) -> None:
    with pytest.raises(DomainError) as caught:
        run_plan(year=2030, county_code="500102")
    assert caught.value.code is ScreeningErrorCode.NO_RULE_SET


def test_a_town_parameter_overrides_the_county_for_that_town_only(county: None) -> None:
    # given the same household in two towns and a lower threshold in 珍溪镇 only
    in_zhenxi = Case(wage=D("7000")).register()
    elsewhere = Case(wage=D("7000"), group="500102001201001").register()
    parameter_set(
        actor=None,
        year=2025,
        region_code="500102104",
        name="income_threshold",
        kind="money",
        value="6000",
    )
    # when screened
    run = _run()
    # then only 珍溪镇's household escapes INC_BELOW
    zhenxi = Result.objects.get(run=run, household=in_zhenxi)
    other = Result.objects.get(run=run, household=elsewhere)
    assert "INC_BELOW" not in flag_codes(zhenxi.rule_set_id, zhenxi.flags)
    assert "INC_BELOW" in flag_codes(other.rule_set_id, other.flags)


def test_a_town_rule_set_judges_its_own_town_in_the_same_run(county: None) -> None:
    # given a published 珍溪镇 version in which income below the threshold is only a warning
    town_text = TEXT.replace(
        "  - code: INC_BELOW\n    look: 看收入\n    question: 问增收\n    severity: critical",
        "  - code: INC_BELOW\n    look: 看收入\n    question: 问增收\n    severity: warning",
    )
    assert town_text != TEXT
    town_rules = ruleset_create(actor=None, year=2025, region_code="500102104", text=town_text)
    ruleset_publish(actor=None, rule_set=town_rules)
    # and the same low-income exited household in 珍溪镇 and elsewhere
    in_zhenxi = Case(wage=D("7000"), category="exited").register()
    elsewhere = Case(wage=D("7000"), category="exited", group="500102001201001").register()
    # when screened
    run = _run()
    # then each is judged by its own town's rules, in one run, and explained by them
    zhenxi = Result.objects.get(run=run, household=in_zhenxi)
    other = Result.objects.get(run=run, household=elsewhere)
    assert (zhenxi.rule_set_id, zhenxi.stability) == (town_rules.pk, "consolidating")
    assert other.stability == "marginal"
    assert other.rule_set_id != town_rules.pk
    assert "INC_BELOW" in flag_codes(zhenxi.rule_set_id, zhenxi.flags)
    fired = {o.code: o.severity for o in explain(run, zhenxi) if o.fired}
    assert fired == {"INC_BELOW": "warning"}


def test_publish_and_discard(county: None) -> None:
    Case().register()
    run = _run()
    assert run.status == "done"
    published = run_publish(actor=None, run=run)
    assert published.status == "published"
    with pytest.raises(DomainError):
        run_discard(actor=None, run=published)
    second = _run()
    run_discard(actor=None, run=second)
    assert AreaCount.objects.filter(run=second).count() == 0
    assert Result.objects.filter(run=second).count() == 0


def test_a_what_if_run_cannot_be_published(county: None) -> None:
    Case().register()
    run = _run(param_overrides={"income_threshold": "9000"})
    assert run.what_if
    with pytest.raises(DomainError) as caught:
        run_publish(actor=None, run=run)
    assert caught.value.code is ScreeningErrorCode.BAD_STATUS


def test_what_if_shows_who_changes_class(county: None, make_user: object) -> None:
    # given two exited households, one just above 8,000 and one well above
    near = Case(wage=D("10500"), category="exited").register()
    Case(wage=D("40000"), category="exited").register()
    base = _run()
    run_publish(actor=None, run=base)
    # when the threshold is raised to 9,000 (band 1.3 → 11,700) as a what-if
    trial = _run(param_overrides={"income_threshold": "9000"})
    # then only the near household changes, stable → consolidating, counted in its town
    district = make_user("district_staff", "500102")  # type: ignore[operator]
    assert compare_runs(district, trial, base) == [
        {"code": "500102104", "before": "stable", "after": "consolidating", "households": 1}
    ]
    assert Result.objects.get(run=trial, household=near).stability == "consolidating"


def test_the_screen_command_prints_counts(county: None, capsys: pytest.CaptureFixture[str]) -> None:
    Case().register()
    Case(wage=D("100")).register()
    call_command("screen", "--year", "2025", "--publish")
    out = capsys.readouterr().out
    assert "households: 2" in out
    assert "稳定 Stable" in out
    assert Run.objects.get().status == "published"


def test_the_screen_command_dry_run_keeps_nothing(county: None, tmp_path: Path) -> None:
    Case().register()
    rules = tmp_path / "trial.yaml"
    rules.write_text(TEXT.replace("severity: warning", "severity: critical"), encoding="utf-8")
    call_command("screen", "--year", "2025", "--rules", str(rules), "--dry-run")
    assert Result.objects.count() == 0
    with pytest.raises(CommandError):
        call_command("screen", "--year", "2031")


def test_explanation_lists_every_rule_with_inputs(county: None) -> None:
    household = Case(wage=D("6000"), facts={"house_grade": "C"}).register()
    run = _run()
    result = Result.objects.get(run=run, household=household)
    outcomes = explain(run, result)
    assert len(outcomes) == 19
    fired = {o.code: o for o in outcomes if o.fired}
    assert set(fired) == {"INC_BELOW", "HOUSE_UNSAFE"}
    assert fired["INC_BELOW"].inputs == {"per_capita_net_income": "6,000.00"}
    assert fired["INC_BELOW"].parameters == {"income_threshold": "8,000.00"}
    assert fired["INC_BELOW"].reason_zh == "人均纯收入 6,000.00 元，低于监测标准 8,000.00 元"
    assert fired["HOUSE_UNSAFE"].reason_en.startswith("the house is graded C")


people = st.builds(
    Person,
    birth=st.dates(min_value=date(1940, 1, 1), max_value=date(2024, 1, 1)),
    relation=st.just("head"),
    health=st.sampled_from(["healthy", "chronic", "serious"]),
    labour=st.sampled_from(["ordinary", "skilled", "weak", "none"]),
    work_months=st.integers(0, 12),
    medical_insurance=st.booleans(),
    school_status=st.sampled_from(["in_school", "out_of_school", "exempt"]),
)
money = st.decimals(min_value=0, max_value=60000, places=2)
cases = st.builds(
    Case,
    members=st.lists(people, min_size=1, max_size=4),
    category=st.sampled_from(["general", "exited"]),
    facts=st.fixed_dictionaries(
        {
            "house_grade": st.sampled_from(["A", "B", "C", "D"]),
            "water_litres": st.integers(0, 60),
            "water_outage_days": st.integers(0, 60),
            "water_quality": st.sampled_from(["lab_test", "on_site", "unassessed", "failed"]),
        }
    ),
    wage=money,
    business=money,
    cost=money,
    transfer=money,
    medical=st.none() | money,
    education=st.none() | money,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=st.lists(cases, min_size=1, max_size=5))
def test_bulk_results_and_explanations_agree(county: None, batch: list[Case]) -> None:
    # given random households
    households = [case.register() for case in batch]
    # when the county is screened in bulk
    run = _run()
    # then each household's explanation fires exactly the rules its result row records
    for household in households:
        result = Result.objects.get(run=run, household=household)
        fired = {o.code for o in explain(run, result) if o.fired}
        assert fired == set(flag_codes(result.rule_set_id, result.flags))


def test_area_counts_and_summaries_agree_with_the_results(county: None, make_user: object) -> None:
    # given exited households of every class and ordinary households in two towns
    for wage, group, category in (
        ("40000", GROUP, "exited"),
        ("9000", GROUP, "exited"),
        ("3000", GROUP, "exited"),
        ("3000", GROUP, "general"),
        ("3000", "500102001201001", "exited"),
        ("40000", "500102001201001", "general"),
        ("2000", "500102001201001", "general"),
    ):
        Case(wage=D(wage), group=group, category=category).register()
    # when screened
    run = _run()
    rows = list(Result.objects.filter(run=run))
    classes = {r.stability for r in rows if r.stability}
    assert classes == {"stable", "consolidating", "marginal"}
    # then the run's counts and the summaries read from the area counts match the results
    assert run.counts["by_class"] == {c: sum(r.stability == c for r in rows) for c in classes}
    assert run.counts["households"] == len(rows)
    assert (run.counts["classed"], run.counts["ordinary"]) == (4, 3)
    district = make_user("district_staff", "500102")  # type: ignore[operator]
    for level, column in (("town", "town_code"), ("village", "village_code")):
        expected = [
            {
                "code": code,
                "total": sum(getattr(r, column) == code for r in rows),
                "classed": sum(getattr(r, column) == code and r.stability != "" for r in rows),
                **{
                    c: sum(getattr(r, column) == code and r.stability == c for r in rows)
                    for c in ("stable", "consolidating", "marginal")
                },
                "suggested": sum(
                    getattr(r, column) == code and r.suggested_category != "" for r in rows
                ),
                "ordinary": sum(getattr(r, column) == code and r.stability == "" for r in rows),
                "ordinary_suggested": sum(
                    getattr(r, column) == code and r.stability == "" and r.suggested_category != ""
                    for r in rows
                ),
            }
            for code in sorted({getattr(r, column) for r in rows})
        ]
        assert results_summary(district, run, level=level) == expected
    # and a town user sees only its own town
    town = make_user("town_staff", "500102104")  # type: ignore[operator]
    assert [r["code"] for r in results_summary(town, run, level="town")] == ["500102104"]
