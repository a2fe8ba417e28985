"""Registry reads: scope per role, the one search, filter options and the change history."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.test import RequestFactory
from simple_history.models import HistoricalRecords

from zhenxing.core.crypto import decrypt
from zhenxing.households import selectors
from zhenxing.households.models import ID_CONTEXT, Member
from zhenxing.households.selectors import household_list
from zhenxing.households.services import facts_update, household_update, member_update
from zhenxing.households.tests.factories import (
    MemberDraftFactory,
    RegistryWorld,
    build_world,
    household,
)

pytestmark = pytest.mark.django_db

ROLE_KEYS = ["district", "town", "officer", "cadre", "supervisor", "clerk"]


@pytest.fixture
def world() -> RegistryWorld:
    return build_world()


def ids(queryset: Any) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def full_id(member: Member) -> str:
    return decrypt(member.id_cipher, context=ID_CONTEXT)


@pytest.mark.parametrize("key", ROLE_KEYS)
def test_visible_households_and_members_equal_the_oracle(world: RegistryWorld, key: str) -> None:
    user = world.users[key]
    expected = world.oracle(key)

    assert ids(selectors.households_visible(user)) == expected
    assert ids(household_list(user)) == expected
    members = selectors.members_visible(user)
    assert set(members.values_list("household_id", flat=True)) == expected


def test_an_inactive_user_sees_nothing(world: RegistryWorld) -> None:
    user = world.users["district"]
    user.is_active = False

    assert ids(household_list(user)) == set()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("邓", {"a1"}),
        ("邓明福", {"a1"}),
        ("明福", set()),  # a name matches from its beginning only
        ("张秀", {"a1"}),  # any member's name finds the household
        ("王", {"a2"}),
        ("dengmingfu", {"a1"}),
        ("DENG MING", {"a1"}),
        ("dmf", {"a1"}),
        ("DM", {"a1"}),
        ("zxy", {"a1"}),
        ("wf", {"a2"}),
        ("A1-0001", {"a1"}),
        ("b1-", {"b1"}),
        ("Ｂ１-0001", {"b1"}),  # full-width input from a Chinese keyboard
        ("C9-", set()),
        ("zzz", set()),
    ],
)
def test_search_reads_names_pinyin_initials_and_household_numbers(
    world: RegistryWorld, query: str, expected: set[str]
) -> None:
    # 邓明亮 of the other county also matches "邓" and "dm", but is outside the scope
    found = ids(household_list(world.users["district"], query=query))

    assert found == {getattr(world, name).pk for name in expected}


def test_search_by_id_number_is_exact(world: RegistryWorld) -> None:
    district = world.users["district"]
    spouse = world.a1.members.get(relation="spouse")
    number = full_id(spouse)
    wrong_check = number[:17] + ("1" if number[17] == "0" else "0")

    assert ids(household_list(district, query=number)) == {world.a1.pk}
    assert ids(household_list(district, query=number.lower())) == {world.a1.pk}
    assert ids(household_list(district, query=f"{number[:10]} {number[10:]}")) == {world.a1.pk}
    assert ids(household_list(district, query=wrong_check)) == set()
    assert ids(household_list(district, query=number[:-1])) == set()
    # an ID number of a person outside the scope finds nothing
    assert ids(household_list(district, query=full_id(world.other.members.get()))) == set()


def test_search_and_filters_combine(world: RegistryWorld) -> None:
    district = world.users["district"]
    r = world.regions

    assert ids(household_list(district, query="邓", town_code=r.town_a.code)) == {world.a1.pk}
    assert ids(household_list(district, query="邓", town_code=r.town_b.code)) == set()
    assert ids(household_list(district, village_code=r.village_a2.code)) == {world.a2.pk}
    assert ids(household_list(district, category="general")) == {world.a2.pk}
    assert ids(household_list(world.users["town"], town_code=r.town_b.code)) == set()


def test_results_are_ordered_by_household_number(world: RegistryWorld) -> None:
    numbers = list(household_list(world.users["district"]).values_list("household_no", flat=True))

    assert numbers == sorted(numbers)
    assert numbers == ["A1-0001", "A2-0001", "B1-0001"]


def test_filter_options_come_from_the_scope(world: RegistryWorld) -> None:
    r = world.regions

    towns = list(selectors.town_options(world.users["district"]).values_list("code", flat=True))
    town_villages = ids(selectors.village_options(world.users["town"]))
    own = ids(selectors.village_options(world.users["officer"]))

    assert towns == [r.town_a.code, r.town_b.code]
    assert town_villages == {r.village_a1.pk, r.village_a2.pk}
    assert own == {r.village_a1.pk}
    assert ids(selectors.village_options(world.users["district"], r.town_b.code)) == {
        r.village_b1.pk
    }
    assert ids(selectors.town_options(world.users["clerk"])) == set()


def test_village_names_in_one_query(world: RegistryWorld, django_assert_num_queries: Any) -> None:
    r = world.regions
    with django_assert_num_queries(1):
        names = selectors.village_names([r.village_a1.code, r.village_b1.code, r.village_a1.code])

    assert names == {r.village_a1.code: r.village_a1.name, r.village_b1.code: r.village_b1.name}
    assert selectors.village_names([]) == {}


def test_household_members_puts_the_head_first(world: RegistryWorld) -> None:
    h = household(members=[MemberDraftFactory(name="甲"), MemberDraftFactory(head=True, name="乙")])

    assert [m.name for m in selectors.household_members(h)] == ["乙", "甲"]


@contextmanager
def web_request_by(user: Any) -> Iterator[None]:
    """What HistoryRequestMiddleware does for a page: versions name the signed-in user."""
    request = RequestFactory().post("/")
    request.user = user
    HistoricalRecords.context.request = request
    try:
        yield
    finally:
        del HistoricalRecords.context.request


def test_history_lists_field_changes_newest_first_without_personal_values(
    world: RegistryWorld, django_assert_max_num_queries: Any
) -> None:
    # given a household edited twice by the town's staff, a member renamed and facts changed
    user = world.users["town"]
    h = world.a1
    head = h.members.get(relation="head")
    with web_request_by(user):
        household_update(actor=user, household=h, changes={"address": "新地址"})
        household_update(actor=user, household=h, changes={"phone": "13600001111"})
        member_update(actor=user, member=head, changes={"name": "邓明富"})
        facts_update(actor=user, household=h, changes={"house_grade": "B", "water_piped": "否"})

    # when
    with django_assert_max_num_queries(5):
        history = selectors.household_history(h)

    # then
    newest = history[0]
    assert newest.part_kind == "facts"
    assert newest.user == user.full_name
    assert {(c.label, c.old, c.new) for c in newest.changes} == {
        ("住房安全等级 House grade", "A级 安全 Safe", "B级 基本安全 Basically safe"),
        ("自来水入户 Piped into the home", "是 Yes", "否 No"),
    }
    renamed = next(e for e in history if e.part_kind == "member" and e.action == "changed")
    assert [(c.field, c.old, c.new) for c in renamed.changes] == [("name", "邓明福", "邓明富")]
    household_changes = [e for e in history if e.part_kind == "household" and e.changes]
    fields = [[c.field for c in e.changes] for e in household_changes]
    assert fields == [["head_name"], ["phone_cipher"], ["address"]]
    phone = household_changes[1].changes[0]
    assert phone.hidden
    assert (phone.old, phone.new) == ("", "")
    assert "13600001111" not in repr(history)
    created = [e for e in history if e.action == "created"]
    assert {e.part_kind for e in created} == {"household", "member", "facts"}
    assert all(e.user == "系统 System" for e in created)
