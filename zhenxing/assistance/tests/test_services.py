"""Assistance services: measures, plans, pairing, officers, visits, 六统一 — and bad input."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from zhenxing.assistance import selectors
from zhenxing.assistance.errors import AssistanceErrorCode as E
from zhenxing.assistance.models import (
    Discrepancy,
    ItemStatus,
    Measure,
    OfficerAssignment,
    Parameter,
    Plan,
    PlanItem,
    Visit,
)
from zhenxing.assistance.services import (
    VisitDraft,
    discrepancies_refresh,
    discrepancy_resolve,
    item_accept,
    item_reject,
    measure_record,
    officer_assign,
    plans_propose,
    stamp_print,
    visit_record,
)
from zhenxing.assistance.tests.factories import World, world
from zhenxing.audit.models import AuditEvent
from zhenxing.core.errors import DomainError, NotInScope
from zhenxing.core.timeutil import business_today
from zhenxing.households.models import CadrePairing
from zhenxing.households.services import PairingErrorCode, pairing_change, pairing_start

pytestmark = pytest.mark.django_db
TODAY = business_today()


@pytest.fixture
def w(make_user: Any) -> World:
    return world(make_user)


# ---------------------------------------------------------------- measures


def test_a_measure_for_a_member_of_another_household_is_refused(w: World) -> None:
    stranger = w.consolidating.members.first()
    with pytest.raises(DomainError) as caught:
        measure_record(actor=w.town, household=w.stable, kind="skills_training", member=stranger)
    assert (caught.value.code, caught.value.field) == (E.MEMBER_ELSEWHERE, "member")
    assert "不是本户成员" in caught.value.message_zh
    assert not Measure.objects.exists()


@pytest.mark.parametrize(
    ("kind", "amount", "code"),
    [
        ("skills_training", "1000.01", E.AMOUNT_RANGE),  # above the catalogue's 1,000 yuan
        ("skills_training", "-1", E.AMOUNT_RANGE),
        ("motivation", "10", E.NO_MONEY),
        ("skills_training", "abc", E.BAD_VALUE),
        ("skills_training", "1.001", E.BAD_VALUE),
        ("no_such_kind", None, E.UNKNOWN_KIND),
    ],
)
def test_bad_amounts_and_kinds_are_refused(w: World, kind: str, amount: Any, code: E) -> None:
    with pytest.raises(DomainError) as caught:
        measure_record(actor=w.town, household=w.stable, kind=kind, amount=amount)
    assert caught.value.code == code
    assert caught.value.field in ("amount", "kind")
    assert not Measure.objects.exists()


def test_a_measure_is_recorded_once_per_source(w: World) -> None:
    first = measure_record(
        actor=None, household=w.marginal, kind="protection_agreement", source_ref="agreement:1"
    )
    again = measure_record(
        actor=None, household=w.marginal, kind="protection_agreement", source_ref="agreement:1"
    )
    assert first.pk == again.pk
    assert Measure.objects.count() == 1
    assert first.county_code == "500102"


def test_a_measure_done_in_the_future_is_refused(w: World) -> None:
    with pytest.raises(DomainError) as caught:
        measure_record(
            actor=w.town, household=w.stable, kind="industry", done_on=TODAY + timedelta(days=1)
        )
    assert (caught.value.code, caught.value.field) == (E.FUTURE_DATE, "done_on")


def test_a_measure_outside_the_actors_scope_is_refused(w: World) -> None:
    with pytest.raises(NotInScope):
        measure_record(actor=w.town, household=w.elsewhere, kind="industry")


# ---------------------------------------------------------------- plans


def _items(household: Any) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for code, slot in PlanItem.objects.filter(household=household).values_list(
        "rule_code", "member_slot"
    ):
        out.setdefault(code, set()).add(slot)
    return out


def test_plans_are_proposed_by_class_and_per_person(w: World) -> None:
    # given the paired cadre of the marginal household
    pairing_start(actor=None, cadre=w.cadre, household=w.marginal, since=date(2025, 1, 1))
    # when the county's plans are proposed
    counts = plans_propose(actor=w.district, county_code="500102", year=2025)
    # then exited households get plans by class, the ordinary household none
    assert counts["plans"] == 4
    assert not Plan.objects.filter(household=w.ordinary).exists()
    assert set(_items(w.stable)) == {"S_MODEL"}
    assert {"C_MOTIVATION", "C_TRAINING", "C_JOBS"} <= set(_items(w.consolidating))
    marginal = _items(w.marginal)
    able, unable = (m.pk for m in w.marginal.members.order_by("labour"))
    # one public-welfare job for the member who can work, a backstop for the one who cannot
    assert marginal["M_PUBLIC_JOB"] == {m.pk for m in w.marginal.members.exclude(labour="none")}
    assert marginal["M_BACKSTOP"] == {m.pk for m in w.marginal.members.filter(labour="none")}
    assert marginal["M_DIVIDEND"] == {0}
    assert "M_INCOME_SHORTFALL" in marginal  # a response to the screening's risk
    assert able != unable
    # and the paired cadre is proposed as the responsible person
    item = PlanItem.objects.filter(household=w.marginal).first()
    assert item is not None
    assert item.responsible_id == w.cadre.pk


def test_a_new_proposal_never_changes_an_item_a_person_touched(w: World) -> None:
    pairing_start(actor=None, cadre=w.cadre, household=w.marginal, since=date(2025, 1, 1))
    plans_propose(actor=w.district, county_code="500102", year=2025)
    items = PlanItem.objects.filter(household=w.marginal).order_by("pk")
    accepted = item_accept(actor=w.town, item=items[0], note="改为下月落实")
    rejected = item_reject(actor=w.town, item=items[1], reason="已享受")
    before = {i.pk: (i.status, i.note, i.due_on) for i in (accepted, rejected)}
    count = PlanItem.objects.count()
    # when proposed again
    plans_propose(actor=w.district, county_code="500102", year=2025)
    # then the touched items are as the reviewer left them, and nothing is doubled
    for item in PlanItem.objects.filter(pk__in=before):
        assert (item.status, item.note, item.due_on) == before[item.pk]
    assert PlanItem.objects.count() == count
    assert Measure.objects.filter(plan_item=accepted).count() == 1


def test_an_untouched_proposal_the_rules_no_longer_give_is_dropped(w: World) -> None:
    plans_propose(actor=w.district, county_code="500102", year=2025)
    from zhenxing.assistance.models import PlanRule

    models = PlanItem.objects.filter(rule_code="S_MODEL").count()
    assert models == 2  # the two stable households
    PlanRule.objects.filter(code="S_MODEL").delete()
    counts = plans_propose(actor=w.district, county_code="500102", year=2025)
    assert counts["items_dropped"] == models
    assert not PlanItem.objects.filter(rule_code="S_MODEL").exists()


def test_a_plan_item_without_a_responsible_person_is_refused(w: World) -> None:
    plans_propose(actor=w.district, county_code="500102", year=2025)
    item = PlanItem.objects.filter(household=w.stable).get()
    assert item.responsible_id is None  # nobody paired
    with pytest.raises(DomainError) as caught:
        item_accept(actor=w.town, item=item)
    assert (caught.value.code, caught.value.field) == (E.REQUIRED, "responsible")
    item.refresh_from_db()
    assert item.status == ItemStatus.PROPOSED
    assert not Measure.objects.exists()


def test_proposal_needs_a_district_role(w: World) -> None:
    with pytest.raises(PermissionDenied):
        plans_propose(actor=w.cadre, county_code="500102", year=2025)


def test_indicators_count_developmental_measures_per_able_member(w: World) -> None:
    pairing_start(actor=None, cadre=w.cadre, household=w.marginal, since=date(2025, 1, 1))
    plans_propose(actor=w.district, county_code="500102", year=2025)
    before = selectors.indicators(w.district, today=TODAY)
    assert (before["target_households"], before["covered_households"]) == (1, 0)
    job = PlanItem.objects.get(household=w.marginal, rule_code="M_PUBLIC_JOB")
    item_accept(actor=w.town, item=job)
    after = selectors.indicators(w.district, today=TODAY)
    assert after["covered_households"] == 1
    assert after["covered_share"] == D("100.0")


# ---------------------------------------------------------------- pairing


def test_pairing_history_answers_who_was_responsible_on_a_day(w: World, make_user: Any) -> None:
    other = make_user("cadre", "500102104201", full_name="张敏")
    pairing_start(actor=w.town, cadre=w.cadre, household=w.stable, since=date(2024, 3, 1))
    pairing_change(actor=w.town, household=w.stable, cadre=other, since=date(2025, 2, 1))
    assert selectors.responsible_on(w.stable, date(2024, 6, 1)).cadre == w.cadre  # type: ignore[union-attr]
    assert selectors.responsible_on(w.stable, date(2025, 1, 31)).cadre == w.cadre  # type: ignore[union-attr]
    assert selectors.responsible_on(w.stable, date(2025, 2, 1)).cadre == other  # type: ignore[union-attr]
    assert selectors.responsible_on(w.stable, date(2024, 2, 1)) is None
    assert CadrePairing.objects.filter(household=w.stable).count() == 2


def test_a_second_simultaneous_cadre_is_refused(w: World, make_user: Any) -> None:
    other = make_user("cadre", "500102104201")
    pairing_start(actor=w.town, cadre=w.cadre, household=w.stable, since=date(2024, 3, 1))
    with pytest.raises(DomainError) as caught:
        pairing_start(actor=w.town, cadre=other, household=w.stable, since=date(2024, 5, 1))
    assert (caught.value.code, caught.value.field) == (PairingErrorCode.ALREADY_PAIRED, "cadre")
    assert "刘洋" in caught.value.message_zh
    assert CadrePairing.objects.count() == 1


def test_pairing_a_household_outside_the_cadres_reach_is_refused(w: World) -> None:
    with pytest.raises(DomainError) as caught:
        pairing_start(actor=w.district, cadre=w.cadre, household=w.elsewhere, since=TODAY)
    assert (caught.value.code, caught.value.field) == (PairingErrorCode.OUT_OF_REACH, "household")
    assert not CadrePairing.objects.exists()


def test_coverage_lists_exited_households_without_a_cadre(w: World) -> None:
    pairing_start(actor=None, cadre=w.cadre, household=w.stable, since=date(2024, 3, 1))
    report = selectors.coverage(w.district)
    assert (report["households"], report["without_cadre"]) == (4, 3)
    assert w.stable not in list(report["missing"])


# ---------------------------------------------------------------- officers


def test_an_officer_over_quota_is_refused(w: World) -> None:
    Parameter.objects.create(region_code="500102", name="officer_max_households", value=2, label="")
    officer_assign(actor=w.town, officer=w.officer, household=w.stable, since=date(2025, 1, 1))
    officer_assign(actor=w.town, officer=w.officer, household=w.marginal, since=date(2025, 1, 1))
    with pytest.raises(DomainError) as caught:
        officer_assign(
            actor=w.town, officer=w.officer, household=w.consolidating, since=date(2025, 1, 1)
        )
    assert (caught.value.code, caught.value.field) == (E.OVER_QUOTA, "officer")
    assert "上限 2 户" in caught.value.message_zh
    assert OfficerAssignment.objects.count() == 2
    quota = {r["code"]: r for r in selectors.officer_quota(w.district)}
    assert quota["500102104201"]["needed"] == 2  # ceil(3 / 2)
    assert quota["500102104201"]["short"] == 1


def test_the_due_list_puts_overdue_first(w: World) -> None:
    officer_assign(actor=w.town, officer=w.officer, household=w.stable, since=date(2025, 1, 1))
    officer_assign(actor=w.town, officer=w.officer, household=w.marginal, since=date(2025, 1, 1))
    rows = selectors.due_list(w.officer, today=date(2025, 3, 1))
    assert [r.household for r in rows] == [w.marginal, w.stable]  # monthly before half-yearly
    assert rows[0].due is not None
    assert rows[0].due.overdue
    assert rows[1].due is not None
    assert not rows[1].due.overdue


# ---------------------------------------------------------------- visits and 六统一


def _draft(**kwargs: Any) -> VisitDraft:
    values: dict[str, Any] = {"visited_on": TODAY, "met": "户主", "checked": ["members", "income"]}
    return VisitDraft(**(values | kwargs))


def test_a_visit_in_the_future_or_before_the_household_existed_is_refused(w: World) -> None:
    for day, code in (
        (TODAY + timedelta(days=1), E.FUTURE_DATE),
        (date(2000, 1, 1), E.BEFORE_HOUSEHOLD),
    ):
        with pytest.raises(DomainError) as caught:
            visit_record(actor=w.officer, household=w.stable, draft=_draft(visited_on=day))
        assert (caught.value.code, caught.value.field) == (code, "visited_on")
    assert not Visit.objects.exists()


def test_a_hardship_found_at_a_visit_raises_a_monitoring_lead(w: World) -> None:
    from zhenxing.monitoring.models import Lead

    visit = visit_record(
        actor=w.officer,
        household=w.stable,
        draft=_draft(hardship=True, hardship_detail="户主突发重病住院", risk_types=["illness"]),
    )
    assert visit.lead_id is not None
    lead = Lead.objects.get(pk=visit.lead_id)
    assert (lead.household_id, lead.channel) == (w.stable.pk, "visit")


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_is_written(w: World) -> None:
    with pytest.raises(DomainError):
        visit_record(
            actor=w.officer,
            household=w.stable,
            draft=_draft(),
            photo=io.BytesIO(b"MZ\x90\x00\x03\x00\x00\x00"),
            photo_name="x.jpg",
        )
    assert not Visit.objects.exists()


def test_visit_updates_plan_items_and_versions_seen_open_discrepancies(w: World) -> None:
    pairing_start(actor=None, cadre=w.cadre, household=w.marginal, since=date(2025, 1, 1))
    plans_propose(actor=w.district, county_code="500102", year=2025)
    item = item_accept(
        actor=w.town,
        item=PlanItem.objects.filter(household=w.marginal, rule_code="M_DIVIDEND").get(),
    )
    stamp_print(actor=w.town, household=w.marginal, document="handbook")
    stamp_print(actor=w.town, household=w.marginal, document="handbook")
    visit_record(
        actor=w.cadre,
        household=w.marginal,
        draft=_draft(item_status={item.pk: "done"}, versions={"handbook": 1}, differs="住房已翻修"),
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE
    assert Measure.objects.get(plan_item=item).status == "done"
    kinds = set(Discrepancy.objects.filter(household=w.marginal).values_list("kind", flat=True))
    assert kinds == {"version_seen", "visit_differs"}
    # resolving is audited
    found = Discrepancy.objects.get(household=w.marginal, kind="visit_differs")
    discrepancy_resolve(actor=w.officer, discrepancy=found, resolution="已更正系统记录")
    assert AuditEvent.objects.filter(detail__kind="discrepancy_resolve").exists()
    with pytest.raises(DomainError):
        discrepancy_resolve(actor=w.officer, discrepancy=found, resolution="again")


def test_a_record_change_after_printing_makes_the_document_outdated(w: World) -> None:
    from zhenxing.households.services import facts_update

    stamp_print(actor=w.town, household=w.stable, document="board")
    assert discrepancies_refresh(actor=None, county_code="500102") == 0
    facts_update(actor=w.town, household=w.stable, changes={"house_grade": "B"})
    assert discrepancies_refresh(actor=None, county_code="500102") == 1
    assert discrepancies_refresh(actor=None, county_code="500102") == 0  # never twice
    stamp_print(actor=w.town, household=w.stable, document="board")  # reprint resolves it
    assert not Discrepancy.objects.filter(resolved_at__isnull=True).exists()


def test_a_correction_at_a_visit_goes_through_the_registry_with_history(w: World) -> None:
    from zhenxing.households.models import HouseholdFacts

    before = HouseholdFacts.history.filter(household_id=w.stable.pk).count()
    visit_record(
        actor=w.officer, household=w.stable, draft=_draft(facts_changes={"house_grade": "B"})
    )
    facts = HouseholdFacts.objects.get(household=w.stable)
    assert facts.house_grade == "B"
    assert HouseholdFacts.history.filter(household_id=w.stable.pk).count() == before + 1


def test_a_cadres_correction_waits_for_the_officer(w: World) -> None:
    from zhenxing.households.models import HouseholdFacts

    pairing_start(actor=None, cadre=w.cadre, household=w.stable, since=date(2025, 1, 1))
    visit_record(
        actor=w.cadre, household=w.stable, draft=_draft(facts_changes={"house_grade": "C"})
    )
    assert HouseholdFacts.objects.get(household=w.stable).house_grade == "A"
    assert Discrepancy.objects.filter(household=w.stable, kind="visit_differs").exists()
