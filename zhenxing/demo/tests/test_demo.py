"""The demo district: a deterministic division tree and one account per role."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.core.management.base import CommandError

from zhenxing.accounts.models import User
from zhenxing.core.roles import Role
from zhenxing.demo.accounts import DEMO_ACCOUNTS
from zhenxing.demo.regions import NAMED_VILLAGES, demo_region_rows
from zhenxing.regions.domain import DivisionLevel, parse_division_code
from zhenxing.regions.models import Division

FULL = demo_region_rows(seed=1, scale=1)
TOWN_NAMES = {code: name for code, name in FULL if len(code) == 9}


def test_same_seed_gives_the_same_rows_and_another_seed_other_rows() -> None:
    assert demo_region_rows(seed=1, scale=1) == FULL
    assert demo_region_rows(seed=2, scale=1) != FULL


def test_full_scale_has_about_400_village_level_units() -> None:
    villages = [code for code, _name in FULL if len(code) == 12]

    assert 300 <= len(villages) <= 500
    assert len(TOWN_NAMES) == 27


def test_every_code_parses_to_itself_and_is_unique() -> None:
    codes = [code for code, _name in FULL]

    assert len(codes) == len(set(codes))
    assert all(parse_division_code(code).code == code for code in codes)
    levels = Counter(parse_division_code(code).level for code in codes)
    assert levels[DivisionLevel.COUNTY] == 1
    assert levels[DivisionLevel.GROUP] > levels[DivisionLevel.VILLAGE]


def test_every_unit_hangs_under_a_unit_listed_before_it() -> None:
    seen: set[str] = set()
    for code, _name in FULL:
        parent = parse_division_code(code).parent_code
        assert parent is None or parent in seen, code
        seen.add(code)


@pytest.mark.parametrize(
    ("village", "town"),
    [(v, t) for t, villages in NAMED_VILLAGES.items() for v in villages],
)
@pytest.mark.parametrize("scale", [1, 0.01])
def test_named_villages_sit_in_their_towns(village: str, town: str, scale: float) -> None:
    rows = demo_region_rows(seed=7, scale=scale)
    codes = [code for code, name in rows if name == village and len(code) == 12]

    assert len(codes) == 1
    assert TOWN_NAMES[codes[0][:9]] == town
    assert parse_division_code(codes[0]).village_kind == "village"


@pytest.mark.parametrize(("village", "at_least"), [("石牛村", 6), ("二渡村", 4)])
def test_villages_named_in_the_article_have_their_groups(village: str, at_least: int) -> None:
    for seed in (1, 2, 3):
        rows = demo_region_rows(seed=seed, scale=0.01)
        code = next(code for code, name in rows if name == village)
        groups = [c for c, _n in rows if len(c) == 15 and c.startswith(code)]
        assert len(groups) >= at_least


def _logins(output: str) -> dict[str, str]:
    """user name → password from the command's login table."""
    usernames = {username for username, *_rest in DEMO_ACCOUNTS}
    found = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in usernames:
            found[parts[0]] = parts[1]
    return found


@pytest.mark.django_db
def test_demo_builds_the_tree_and_one_working_account_per_role() -> None:
    # when
    out = StringIO()
    call_command("demo", "--no-serve", "--scale", "0.01", stdout=out)

    # then: the tree
    expected = demo_region_rows(seed=2021, scale=0.01)
    assert set(Division.objects.values_list("code", "name")) == set(expected)
    assert Division.objects.filter(illustrative=False).count() == 0
    assert Division.objects.get(name="石牛村").parent.name == "珍溪镇"  # type: ignore[union-attr]

    # then: the accounts
    named = {username for username, *_rest in DEMO_ACCOUNTS}
    everyone = list(User.objects.select_related("region"))
    users = {u.username: u for u in everyone if u.username in named}
    assert sorted(u.role for u in users.values()) == sorted(Role.values)
    # the demo's other cadres and officers cannot sign in until issued credentials
    others = [u for u in everyone if u.username not in named]
    assert {u.role for u in others} <= {Role.CADRE, Role.VILLAGE_OFFICER}
    assert not any(u.has_usable_password() for u in others)
    for username, role, region, _full_name in DEMO_ACCOUNTS:
        user = users[username]
        assert (user.role, user.is_demo) == (role, True)
        assert (user.region.code if user.region else None) == region
    logins = _logins(out.getvalue())
    assert set(logins) == set(users)
    for username, password in logins.items():
        validate_password(password, User(username=username))  # the rules (not the history)
        assert users[username].check_password(password)
        assert not users[username].must_change_password  # the demo's printed password stays


@pytest.mark.django_db
def test_the_demo_screening_classes_exited_households_in_plausible_shares() -> None:
    from django.db.models import Q

    from zhenxing.households.models import Household
    from zhenxing.screening.models import Result, Run

    # when the demo district is built (it publishes one screening)
    call_command("demo", "--no-serve", "--scale", "0.01", stdout=StringIO())

    # then every household has a result, and most are stable, some consolidating, a few marginal
    run = Run.objects.get(status="published")
    households = Household.objects.count()
    assert Result.objects.filter(run=run).count() == households == run.counts["households"]
    # the class is for exited and monitored households only (the article: 77 / 20 / 2.4 %
    # of 大顺乡's exited households); no ordinary household has one
    classed = Household.objects.filter(Q(category="exited") | ~Q(monitoring_type=""))
    assert run.counts["classed"] == classed.count() > 0
    assert not Result.objects.filter(run=run, stability="").filter(household__in=classed).exists()
    assert not (
        Result.objects.filter(run=run, household__category="general", household__monitoring_type="")
        .exclude(stability="")
        .exists()
    )
    exited = Result.objects.filter(run=run, household__category="exited")
    shares = {
        c: n / exited.count()
        for c, n in Counter(exited.values_list("stability", flat=True)).items()
    }
    assert 0.65 <= shares["stable"] <= 0.88
    assert 0.10 <= shares["consolidating"] <= 0.30
    assert 0.005 <= shares["marginal"] <= 0.06
    assert sum(run.counts["by_category"].values()) > 0


@pytest.mark.django_db
def test_running_demo_twice_creates_no_duplicates_and_renews_passwords() -> None:
    # given
    first = StringIO()
    call_command("demo", "--no-serve", "--scale", "0.01", stdout=first)
    divisions, accounts = Division.objects.count(), User.objects.count()

    # when
    second = StringIO()
    call_command("demo", "--no-serve", "--scale", "0.01", stdout=second)

    # then
    assert (Division.objects.count(), User.objects.count()) == (divisions, accounts)
    assert "divisions +0" in second.getvalue()
    old, new = _logins(first.getvalue()), _logins(second.getvalue())
    for username, password in new.items():
        user = User.objects.get(username=username)
        assert user.check_password(password)
        assert not user.check_password(old[username])


@pytest.mark.django_db
def test_demo_leaves_a_real_account_with_a_demo_name_alone(make_user: Callable[..., Any]) -> None:
    real = make_user(Role.SECURITY_ADMIN, username="secadmin")
    password_before = real.password

    forced = "--i-know-this-is-not-production"  # a real account is on the database (R3)
    call_command("demo", "--no-serve", "--scale", "0.01", forced, stdout=StringIO())

    real.refresh_from_db()
    assert (real.password, real.is_demo) == (password_before, False)


@pytest.mark.parametrize("scale", ["0", "-1", "5.5"])
def test_demo_refuses_a_scale_out_of_range(scale: str) -> None:
    with pytest.raises(CommandError, match="--scale"):
        call_command("demo", "--no-serve", "--scale", scale)
