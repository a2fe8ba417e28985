"""Scope of division reads per role (security.md B1, B3, B4): a matrix against an oracle."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from zhenxing.core import scope as scope_module
from zhenxing.core.errors import NotInScope
from zhenxing.core.roles import Role
from zhenxing.regions import selectors
from zhenxing.regions.models import Division
from zhenxing.regions.selectors import (
    division_children,
    division_get,
    division_roots,
    divisions_visible,
)
from zhenxing.regions.tests.factories import DivisionFactory, division_tree

pytestmark = pytest.mark.django_db

COUNTY = "500102"
TOWN_A, TOWN_B = "500102104", "500102105"
VILLAGE_A1, VILLAGE_A2, VILLAGE_B1 = "500102104201", "500102104202", "500102105201"
GROUP_A1 = "500102104201006"
COMMUNITY_A = "500102104001"
OTHER_COUNTY, OTHER_TOWN = "500103", "500103001"
MERGED_A = "500102104203"  # no longer current: nobody sees it
CURRENT = {
    COUNTY,
    TOWN_A,
    TOWN_B,
    VILLAGE_A1,
    VILLAGE_A2,
    VILLAGE_B1,
    GROUP_A1,
    COMMUNITY_A,
    OTHER_COUNTY,
    OTHER_TOWN,
}


def _under(code: str) -> set[str]:
    """The oracle: a bound user sees exactly the current codes that start with its own."""
    return {c for c in CURRENT if c.startswith(code)}


# (role, region the user is bound to, codes it must see)
MATRIX: list[tuple[str, str | None, set[str]]] = [
    (Role.DISTRICT_STAFF, COUNTY, _under(COUNTY)),
    (Role.TOWN_STAFF, TOWN_A, _under(TOWN_A)),
    (Role.VILLAGE_OFFICER, VILLAGE_A1, _under(VILLAGE_A1)),
    (Role.CADRE, VILLAGE_A2, _under(VILLAGE_A2)),
    (Role.SUPERVISOR, COUNTY, _under(COUNTY)),
    (Role.COOP_CLERK, None, set()),
    (Role.ENTERPRISE_CLERK, None, set()),
    (Role.SECURITY_ADMIN, None, set()),
    (Role.AUDIT_ADMIN, None, set()),
    (Role.SYSTEM_ADMIN, None, CURRENT),  # maintains the roster
]


@pytest.fixture
def tree() -> dict[str, Division]:
    divisions = division_tree(*CURRENT)
    DivisionFactory(code=MERGED_A, valid_to=date(2020, 12, 31))
    return divisions


@pytest.fixture
def users(tree: dict[str, Division], make_user: Callable[..., Any]) -> dict[str, Any]:
    return {role: make_user(role, region) for role, region, _expected in MATRIX}


def _mismatches(users: dict[str, Any]) -> dict[str, tuple[set[str], set[str]]]:
    """role → (seen, expected) for every role whose visible set differs from the oracle."""
    found = {}
    for role, _region, expected in MATRIX:
        seen = set(divisions_visible(users[role]).values_list("code", flat=True))
        if seen != expected:
            found[role] = (seen, expected)
    return found


def test_every_role_sees_exactly_its_oracle_set(users: dict[str, Any]) -> None:
    assert _mismatches(users) == {}


def test_the_matrix_catches_a_scope_that_ignores_the_binding(
    users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Guard removed: a scope that widens every binding to the county must fail the matrix."""
    real_scope_of = scope_module.scope_of

    def county_wide(actor: Any) -> scope_module.Scope:
        scope = real_scope_of(actor)
        return scope_module.Scope(scope.kind, county_code=scope.county_code)

    monkeypatch.setattr(selectors, "scope_of", county_wide)

    assert set(_mismatches(users)) == {Role.TOWN_STAFF, Role.VILLAGE_OFFICER, Role.CADRE}


@pytest.mark.parametrize(("role", "region", "_expected"), MATRIX)
def test_an_inactive_account_sees_nothing(
    tree: dict[str, Division],
    make_user: Callable[..., Any],
    role: str,
    region: str | None,
    _expected: set[str],
) -> None:
    user = make_user(role, region, is_active=False)

    assert not divisions_visible(user).exists()


def test_an_anonymous_visitor_sees_nothing(tree: dict[str, Division]) -> None:
    assert not divisions_visible(AnonymousUser()).exists()
    assert not divisions_visible(None).exists()


@pytest.mark.parametrize(
    ("role", "code"),
    [
        (Role.TOWN_STAFF, TOWN_B),  # a sibling town
        (Role.TOWN_STAFF, VILLAGE_B1),  # a village of the sibling town
        (Role.TOWN_STAFF, COUNTY),  # its own ancestor
        (Role.VILLAGE_OFFICER, VILLAGE_A2),  # a sibling village
        (Role.VILLAGE_OFFICER, TOWN_A),  # its own town
        (Role.CADRE, VILLAGE_A1),  # cadre of A2 asking for A1
        (Role.DISTRICT_STAFF, OTHER_COUNTY),  # another county
        (Role.DISTRICT_STAFF, OTHER_TOWN),
        (Role.DISTRICT_STAFF, MERGED_A),  # no longer current
        (Role.DISTRICT_STAFF, "not-a-code"),
        (Role.SYSTEM_ADMIN, MERGED_A),
        (Role.COOP_CLERK, COUNTY),
        (Role.SECURITY_ADMIN, COUNTY),
        (Role.AUDIT_ADMIN, VILLAGE_A1),
    ],
)
def test_division_get_outside_scope_raises_not_in_scope(
    users: dict[str, Any], role: str, code: str
) -> None:
    with pytest.raises(NotInScope) as caught:
        division_get(users[role], code)

    assert caught.value.object_type == "division"
    assert caught.value.object_ref == code


@pytest.mark.parametrize(
    ("role", "code"),
    [
        (Role.DISTRICT_STAFF, VILLAGE_B1),
        (Role.TOWN_STAFF, TOWN_A),
        (Role.TOWN_STAFF, GROUP_A1),
        (Role.VILLAGE_OFFICER, VILLAGE_A1),
        (Role.VILLAGE_OFFICER, GROUP_A1),
        (Role.SUPERVISOR, TOWN_B),
        (Role.SYSTEM_ADMIN, OTHER_TOWN),
    ],
)
def test_division_get_inside_scope_returns_the_current_division(
    users: dict[str, Any], role: str, code: str
) -> None:
    division = division_get(users[role], code)

    assert division.code == code
    assert division.valid_to is None


@pytest.mark.parametrize(
    ("role", "roots"),
    [
        (Role.DISTRICT_STAFF, {COUNTY}),
        (Role.TOWN_STAFF, {TOWN_A}),
        (Role.VILLAGE_OFFICER, {VILLAGE_A1}),
        (Role.CADRE, {VILLAGE_A2}),
        (Role.SYSTEM_ADMIN, {COUNTY, OTHER_COUNTY}),
        (Role.COOP_CLERK, set()),
        (Role.AUDIT_ADMIN, set()),
    ],
)
def test_division_roots_start_at_the_top_of_what_the_role_sees(
    users: dict[str, Any], role: str, roots: set[str]
) -> None:
    assert set(division_roots(users[role]).values_list("code", flat=True)) == roots


def test_division_children_counts_current_children_within_scope(
    tree: dict[str, Division], users: dict[str, Any]
) -> None:
    # given: town A has villages A1 (one group), A2, a community and a merged village

    # when
    district = {
        d.code: d.child_count  # type: ignore[attr-defined]
        for d in division_children(users[Role.DISTRICT_STAFF], tree[TOWN_A])
    }
    officer = [d.code for d in division_children(users[Role.VILLAGE_OFFICER], tree[TOWN_A])]
    town_b = list(division_children(users[Role.TOWN_STAFF], tree[TOWN_B]))

    # then
    assert district == {COMMUNITY_A: 0, VILLAGE_A1: 1, VILLAGE_A2: 0}
    assert officer == [VILLAGE_A1]
    assert town_b == []


def test_county_children_count_excludes_merged_villages(
    tree: dict[str, Division], users: dict[str, Any]
) -> None:
    counts = {
        d.code: d.child_count  # type: ignore[attr-defined]
        for d in division_children(users[Role.DISTRICT_STAFF], tree[COUNTY])
    }

    assert counts == {TOWN_A: 3, TOWN_B: 1}
