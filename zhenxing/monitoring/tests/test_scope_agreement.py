"""One household scope rule, seen alike by every app (security.md B1, B3).

Before the rule had one home, a cadre saw a paired household in the registry but not its case,
because monitoring also required the household to lie in the cadre's own region. For every
role, the households behind the visible households, members, cases, leads, monitorings and
screening results must be the same set, and equal the world's own oracle.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from zhenxing.households.selectors import households_visible, members_visible
from zhenxing.households.tests.factories import pair
from zhenxing.monitoring import selectors
from zhenxing.monitoring.models import Channel, Lead, LeadStatus
from zhenxing.monitoring.tests.factories import MonitoringWorld, make_monitored
from zhenxing.screening.models import RuleSet, Run
from zhenxing.screening.selectors import results_visible
from zhenxing.screening.tests.factories import result_row

ROLES = ["district", "supervisor", "town", "town_b", "officer", "officer_a2", "cadre", "clerk"]


def _households(rows: QuerySet[Any], field: str = "household_id") -> set[int]:
    return set(rows.values_list(field, flat=True))


@pytest.fixture
def everything(world: MonitoringWorld) -> Run:
    """A case, a lead, a monitoring and a published result for every household; the cadre is
    also paired with a household outside the town it works in."""
    pair(world.users["cadre"], world.b1)
    run = Run.objects.create(
        year=2025, county_code="500102", as_of=date(2025, 1, 1), status="published",
        published_at=timezone.now(),
    )  # fmt: skip
    rule_set = RuleSet.objects.create(name="r", year=2025, region_code="500102", version=1)
    for h in [*world.households, world.sick]:
        Lead.objects.create(
            household=h, channel=Channel.VISIT, detail="走访发现", found_on=date(2025, 3, 1),
            due_on=date(2025, 3, 16), status=LeadStatus.OPEN, dedupe_key=f"agree-{h.pk}",
            county_code=h.county_code, town_code=h.town_code, village_code=h.village_code,
        )  # fmt: skip
        make_monitored(h, started_on=date(2025, 1, 1))  # with its identification case
        if h.county_code == "500102":
            result_row(run=run, household=h, rule_set=rule_set, stability="stable")
    return run


@pytest.mark.parametrize("role", ROLES)
def test_every_app_sees_the_same_households_for_a_role(
    world: MonitoringWorld, everything: Run, role: str
) -> None:
    # given one actor
    actor = world.users[role]

    # when each app's scoped selector is read
    seen = {
        "households": _households(households_visible(actor), "pk"),
        "members": _households(members_visible(actor)),
        "cases": _households(selectors.cases_visible(actor)),
        "leads": _households(selectors.leads_visible(actor)),
        "monitorings": _households(selectors.monitorings_visible(actor)),
        "results": _households(results_visible(actor, everything)),
    }

    # then they agree with each other and with the registry's own answer
    assert all(ids == seen["households"] for ids in seen.values()), seen


def test_the_cadre_sees_the_case_of_a_paired_household_outside_its_town(
    world: MonitoringWorld, everything: Run
) -> None:
    cadre = world.users["cadre"]

    cases = _households(selectors.cases_visible(cadre))

    assert world.b1.pk in cases
    assert cases == {world.a1.pk, world.a2.pk, world.b1.pk}
