"""`zhenxing yushui`, `zhenxing season-setup` and `zhenxing settle` at the command line."""

from __future__ import annotations

from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhenxing.industry.models import HouseholdStatement, Season, SettlementRun
from zhenxing.industry.tests.factories import Chain, at, build_chain, sign_lu, weigh
from zhenxing.ledger.models import Entry


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("year", "instant"), [("2021", "2021-02-18 18:43:58"), ("2026", "2026-02-18 23:51:56")]
)
def test_yushui_prints_the_beijing_instant(year: str, instant: str) -> None:
    assert instant in run("yushui", year)


@pytest.mark.django_db
def test_season_setup_takes_the_latest_seasons_figures_unless_given() -> None:
    chain = build_chain(prices=False)

    out = run("season_setup", "--year", "2022", "--opens", "2022-01-20", "--closes",
              "2022-03-10", "--floor", "850")  # fmt: skip

    season = Season.objects.get(year=2022)
    assert "2022-02-19 00:43:01" in out
    assert (season.floor_price, season.household_deposit_rate) == (D("850"), D("30"))
    assert season.county_code == chain.season.county_code
    with pytest.raises(CommandError, match="已存在"):
        run("season_setup", "--year", "2022", "--opens", "2022-01-20", "--closes", "2022-03-10")


@pytest.fixture
def settled_chain() -> Chain:
    chain = build_chain()
    sign_lu(chain)
    for i in range(90):
        weigh(chain, chain.lu, "2000", at(17 + i % 4, 8 + i // 8, i % 8))
    return chain


@pytest.mark.django_db
def test_settle_dry_run_writes_nothing(settled_chain: Chain) -> None:
    out = run("settle", "--season", "2021", "--dry-run")

    assert "261,000.00" in out
    assert not SettlementRun.objects.exists()
    assert not HouseholdStatement.objects.exists()


@pytest.mark.django_db
def test_settle_needs_an_approver_above_the_threshold(settled_chain: Chain) -> None:
    Season.objects.update(approval_threshold=D("100000"))

    with pytest.raises(CommandError, match="--approver"):
        run("settle", "--season", "2021")
    with pytest.raises(CommandError, match="not an active district staff"):
        run("settle", "--season", "2021", "--approver", "clerk-a")
    out = run("settle", "--season", "2021", "--approver", "district-2")

    run_row = SettlementRun.objects.get()
    assert run_row.status == "settled"
    assert run_row.approved_by_id == settled_chain.users["district2"].pk
    assert "平衡 balanced" in out
    assert HouseholdStatement.objects.get(household=settled_chain.lu).purchases == D("261000")
    entries = Entry.objects.count()
    run("settle", "--season", "2021")  # settled: a re-run posts nothing
    assert Entry.objects.count() == entries
