"""The demo's benefit chain at a small scale: the article's grower, consistent amounts, one price
per cooperative and day, a season that settles balanced from the command line."""

from __future__ import annotations

from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from zhenxing.households.models import Household, IncomeLine
from zhenxing.industry.domain import weighing_amounts
from zhenxing.industry.models import (
    Clerk,
    HouseholdStatement,
    Membership,
    PointDayPrice,
    ProtectionAgreement,
    Season,
    Weighing,
)
from zhenxing.ledger.services import ledger_verify

pytestmark = pytest.mark.django_db


def test_the_demo_season_holds_the_articles_grower_and_settles_balanced() -> None:
    # given the demo district at 1 %
    out = StringIO()
    call_command("demo", "--no-serve", "--scale", "0.01", stdout=out)
    season = Season.objects.get(year=2021)
    lu = Household.objects.get(head_name="卢家庆")

    # then 卢家庆 is a member under a 60 mu × 3 t agreement with its 5,400-yuan deposit paid
    agreement = ProtectionAgreement.objects.get(household=lu)
    assert (agreement.area_mu, agreement.yield_kg_per_mu) == (D("60.00"), 3000)
    assert agreement.contracted_g == 180_000_000
    assert agreement.deposit_amount == D("5400.00")
    assert Membership.objects.filter(household=lu, cooperative=agreement.cooperative).exists()
    sold = Weighing.objects.filter(household=lu).aggregate(
        n=Count("id"), g=Sum("net_g"), fen=Sum("amount_market")
    )
    assert (sold["n"], sold["g"]) == (90, 180_000_000)
    assert "261,000.00" in out.getvalue()

    # and every sampled weighing's amounts are what the domain rule gives
    for w in Weighing.objects.order_by("?")[:300]:
        amounts = weighing_amounts(
            net_g=w.net_g, day_price=w.day_price, floor=season.floor_price, applies=w.floor_applied
        )
        assert (amounts.market, amounts.topup) == (w.amount_market, w.amount_topup)
    # prices below and above the floor; one price per cooperative and day (同价同步)
    assert Weighing.objects.filter(floor_applied=True).exists()
    assert Weighing.objects.filter(day_price__gt=season.floor_price).exists()
    spread = (
        PointDayPrice.objects.values("cooperative", "day")
        .annotate(prices=Count("price", distinct=True))
        .filter(prices__gt=1)
    )
    assert not spread.exists()
    assert Clerk.objects.filter(user__username="coop.clerk", cooperative=agreement.cooperative)

    # when the season is settled from the command line (with a second person's approval)
    call_command("settle", "--season", "2021", "--approver", "district", stdout=StringIO())

    # then the grower's statement shows the article's figures and the ledger balances
    statement = HouseholdStatement.objects.get(household=lu)
    assert statement.purchases == D("261000.00")
    assert (statement.deposit_refund, statement.payable) == (D("5400.00"), D("266400.00"))
    assert IncomeLine.objects.get(household=lu, year=2021, kind="business").amount == D("261000.00")
    assert ledger_verify().ok

    # a second build keeps the season as it is
    again = StringIO()
    call_command("demo", "--no-serve", "--scale", "0.01", stdout=again)
    assert "已存在" in again.getvalue()
    assert Season.objects.count() == 1
