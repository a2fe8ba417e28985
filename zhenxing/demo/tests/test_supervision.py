"""The demo's supervision at 1 %: the article's organisation, the July visit with one problem
verified and one overdue, items at every level, the infrastructure figures, a commander login."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from zhenxing.accounts.models import User
from zhenxing.core.timeutil import business_today
from zhenxing.demo.supervision import demo_supervision_load
from zhenxing.monitoring.models import Channel, Lead
from zhenxing.supervision import selectors
from zhenxing.supervision.choices import OwnerType, ProblemStatus
from zhenxing.supervision.models import (
    AssistanceGroup,
    Commander,
    GroupTown,
    MemberUnit,
    Problem,
    Project,
    ResponsibilityItem,
)
from zhenxing.supervision.reports import gap_list

pytestmark = pytest.mark.django_db


def test_the_demo_holds_the_articles_supervision() -> None:
    # given the demo district at 1 %
    call_command("demo", "--no-serve", "--scale", "0.01", stdout=StringIO())
    today = business_today()
    # then the article's organisation
    assert AssistanceGroup.objects.count() == 24
    assert MemberUnit.objects.count() == 119
    assert GroupTown.objects.filter(until__isnull=True).values("town_code").distinct().count() == 25
    assert Commander.objects.count() == 27
    # and the July visit: 石牛村 (a household) verified, 中乐村 overdue and escalated
    verified = Problem.objects.get(status=ProblemStatus.VERIFIED)
    assert verified.finding.visit.village_code.endswith("104201")
    assert verified.finding.visit.visited_on.month == 7
    assert verified.verified_by != verified.rectified_by
    assert Lead.objects.filter(channel=Channel.SUPERVISION, household=verified.household).exists()
    late = Problem.objects.get(status=ProblemStatus.OPEN)
    assert late.deadline < today
    assert late.escalated_on is not None
    # and responsibility items at every level
    owner_types = set(ResponsibilityItem.objects.values_list("owner_type", flat=True))
    assert owner_types == set(OwnerType.values)
    # and the article's figures
    assert Project.objects.get(code="roads-4197").target == Decimal("4197")
    assert Project.objects.get(code="toilet-12490").target == Decimal("12490")
    # and the supervisor login is a commander with work on its home page
    supervisor = User.objects.get(username="supervisor")
    commander = selectors.commander_of(supervisor)
    assert commander is not None
    assert commander.name == "徐志红"
    assert selectors.problem_list(supervisor, commander=commander, overdue_on=today)
    assert selectors.item_list(supervisor, commander=commander, overdue_on=today)
    rows, _standards, total = gap_list(supervisor)
    assert 0 < len(rows) < total
    # and a second load adds nothing
    assert demo_supervision_load(seed=1).skipped
