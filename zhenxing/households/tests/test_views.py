"""Registry pages: scope per role (B3/B4), masks and unmasking (D2), search, edits through the
services, and bounded query counts."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhenxing.accounts.models import User
from zhenxing.accounts.tests.factories import sign_in_verified
from zhenxing.audit.models import AuditEvent
from zhenxing.core.crypto import decrypt
from zhenxing.core.timeutil import business_today
from zhenxing.households import selectors
from zhenxing.households.models import (
    BANK_CONTEXT,
    ID_CONTEXT,
    PHONE_CONTEXT,
    Household,
    HouseholdFacts,
    Member,
)
from zhenxing.households.services import households_create
from zhenxing.households.tests.factories import (
    HouseholdFactory,
    MemberDraftFactory,
    RegistryWorld,
    build_world,
    household,
    id_number,
)

pytestmark = pytest.mark.django_db

READER_KEYS = ["district", "town", "officer", "cadre", "supervisor"]
EDITOR_KEYS = ["district", "town", "officer"]
FULL_ID = re.compile(r"(?<![0-9*])[0-9]{17}[0-9X](?![0-9])")
FULL_MOBILE = re.compile(r"(?<![0-9*])1[3-9][0-9]{9}(?![0-9])")


@pytest.fixture
def world() -> RegistryWorld:
    return build_world()


def signed_in(client: Client, user: User) -> Client:
    if user.is_privileged:
        sign_in_verified(client, user)
    else:
        client.force_login(user)
    return client


def listed_ids(response: Any) -> set[int]:
    return {row.household.pk for row in response.context["rows"]}


def audit_count(event: str) -> int:
    return AuditEvent.objects.filter(event=event).count()


def full_id(member: Member) -> str:
    return decrypt(member.id_cipher, context=ID_CONTEXT)


def full_phone(h: Household) -> str:
    return decrypt(h.phone_cipher, context=PHONE_CONTEXT)


def full_bank(h: Household) -> str:
    return decrypt(h.bank_cipher, context=BANK_CONTEXT)


# ---------------------------------------------------------------- scope matrix (B3, B4)


@pytest.mark.parametrize("key", READER_KEYS)
def test_list_shows_exactly_the_households_in_the_actors_scope(
    client: Client, world: RegistryWorld, key: str
) -> None:
    signed_in(client, world.users[key])

    response = client.get("/households/")

    assert response.status_code == 200
    assert listed_ids(response) == world.oracle(key)
    assert response.context["page"].paginator.count == len(world.oracle(key))


@pytest.mark.parametrize("key", READER_KEYS)
def test_search_never_crosses_the_scope(client: Client, world: RegistryWorld, key: str) -> None:
    # given "邓明" names a head in village A1 and one in another county
    signed_in(client, world.users[key])

    # when
    found = {
        q: listed_ids(client.get("/households/", {"q": q}))
        for q in ("邓明", "dm", "dengming", "X1-0001", full_id(world.other.members.get()))
    }

    # then only what the scope allows
    assert found["邓明"] == found["dm"] == found["dengming"] == world.oracle(key) & {world.a1.pk}
    assert found["X1-0001"] == set()
    assert found[full_id(world.other.members.get())] == set()


def test_removing_the_scope_guard_makes_the_matrix_test_fail(
    client: Client, world: RegistryWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the selector's scope taken away
    monkeypatch.setattr(selectors, "households_visible", lambda actor: Household.objects.all())
    signed_in(client, world.users["officer"])

    # then the oracle comparison sees the leak
    assert listed_ids(client.get("/households/")) != world.oracle("officer")


def test_roles_without_registry_access_are_refused_and_audited(
    client: Client, world: RegistryWorld
) -> None:
    signed_in(client, world.users["clerk"])
    before = audit_count("permission.denied")

    response = client.get("/households/")

    assert response.status_code == 403
    assert audit_count("permission.denied") == before + 1


@pytest.mark.parametrize("key", READER_KEYS)
def test_detail_answers_in_scope_and_404s_with_an_audit_row_outside(
    client: Client, world: RegistryWorld, key: str
) -> None:
    signed_in(client, world.users[key])
    allowed = world.oracle(key)
    for h in world.households:
        before = audit_count("scope.denied")

        response = client.get(f"/households/{h.pk}/")

        if h.pk in allowed:
            assert response.status_code == 200
            assert audit_count("scope.denied") == before
        else:
            assert response.status_code == 404
            assert h.household_no not in response.content.decode()
            row = AuditEvent.objects.filter(event="scope.denied").latest("seq")
            assert audit_count("scope.denied") == before + 1
            assert (row.object_type, row.object_id) == ("household", str(h.pk))


@pytest.mark.parametrize("key", EDITOR_KEYS)
def test_edits_outside_the_scope_are_404_audited_and_change_nothing(
    client: Client, world: RegistryWorld, key: str
) -> None:
    signed_in(client, world.users[key])
    outside = [h for h in world.households if h.pk not in world.oracle(key)]
    assert outside
    for h in outside:
        member = h.members.get(relation="head")
        versions = Household.history.count() + Member.history.count()
        before = audit_count("scope.denied")

        posts = [
            client.post(f"/households/{h.pk}/edit/", {"category": "exited", "address": "改"}),
            client.post(f"/households/members/{member.pk}/edit/", {"name": "改名"}),
            client.post(f"/households/{h.pk}/facts/edit/", {"house_grade": "D"}),
        ]

        assert [r.status_code for r in posts] == [404, 404, 404]
        assert audit_count("scope.denied") == before + 3
        assert Household.history.count() + Member.history.count() == versions
        h.refresh_from_db()
        member.refresh_from_db()
        assert (h.address, member.name) == ("示例地址", member.name)
        assert HouseholdFacts.objects.get(household=h).house_grade == "A"


@pytest.mark.parametrize("key", ["cadre", "supervisor"])
def test_readers_who_may_not_edit_get_403_audited_and_nothing_changes(
    client: Client, world: RegistryWorld, key: str
) -> None:
    signed_in(client, world.users[key])
    target = world.a2  # visible to both
    member = target.members.get()
    before = audit_count("permission.denied")

    posts = [
        client.post(f"/households/{target.pk}/edit/", {"address": "改"}),
        client.post(f"/households/members/{member.pk}/edit/", {"name": "改名"}),
        client.post(f"/households/{target.pk}/facts/edit/", {"house_grade": "D"}),
    ]

    assert [r.status_code for r in posts] == [403, 403, 403]
    assert audit_count("permission.denied") == before + 3
    target.refresh_from_db()
    assert target.address == "示例地址"
    assert Household.history.filter(id=target.pk).count() == 1
    page = client.get(f"/households/{target.pk}/").content.decode()
    assert f"/households/{target.pk}/edit/" not in page
    assert "/unmask/" not in page


# ---------------------------------------------------------------- masks and unmasking (D2)


@pytest.mark.parametrize("key", ["district", "officer"])
def test_list_and_detail_show_personal_numbers_masked(
    client: Client, world: RegistryWorld, key: str
) -> None:
    signed_in(client, world.users[key])
    h = world.a1
    ids = [full_id(m) for m in h.members.all()]

    pages = [client.get("/households/").content.decode()]
    pages.append(client.get(f"/households/{h.pk}/").content.decode())

    for html in pages:
        assert not FULL_ID.search(html)
        assert not FULL_MOBILE.search(html)
        assert full_phone(h) not in html
        assert full_bank(h) not in html
    detail = pages[1]
    for number in ids:
        assert number not in detail
        assert f"{number[:6]}{'*' * 8}{number[-4:]}" in detail
    phone, bank = full_phone(h), full_bank(h)
    assert f"{phone[:3]}****{phone[-4:]}" in pages[0]
    assert f"{'*' * (len(bank) - 4)}{bank[-4:]}" in detail


def test_unmask_shows_the_value_once_and_writes_exactly_one_audit_row(
    client: Client, world: RegistryWorld
) -> None:
    # given
    user = world.users["officer"]
    signed_in(client, user)
    member = world.a1.members.get(relation="head")
    number = full_id(member)
    before = AuditEvent.objects.count()

    # when
    response = client.post(
        f"/households/members/{member.pk}/unmask/",
        {"reason": "入户核实身份"},
        HTTP_HX_REQUEST="true",
    )

    # then the value is shown, in a partial that must not be cached
    html = response.content.decode()
    assert response.status_code == 200
    assert number in html
    assert "<html" not in html
    assert "no-store" in response["Cache-Control"]
    # and exactly one row, naming who, what and why, without the value
    assert AuditEvent.objects.count() == before + 1
    row = AuditEvent.objects.latest("seq")
    assert row.event == "pii.unmask"
    assert row.actor_id == user.pk
    assert (row.object_type, row.object_id) == ("households.member", str(member.pk))
    assert row.detail == {"field": "id_number", "reason": "入户核实身份"}
    flat = f"{row.object_id} {row.actor_username} {row.detail}"
    assert number not in flat
    assert not FULL_ID.search(flat)
    # and the page shows the mask again afterwards
    assert number not in client.get(f"/households/{world.a1.pk}/").content.decode()


@pytest.mark.parametrize("name", ["phone", "bank_account"])
def test_unmask_household_fields_without_javascript(
    client: Client, world: RegistryWorld, name: str
) -> None:
    signed_in(client, world.users["town"])
    h = world.a1
    value = full_phone(h) if name == "phone" else full_bank(h)

    form = client.get(f"/households/{h.pk}/unmask/{name}/")
    shown = client.post(f"/households/{h.pk}/unmask/{name}/", {"reason": "发放补贴核对账户"})

    assert form.status_code == 200
    assert value not in form.content.decode()
    assert shown.status_code == 200
    assert value in shown.content.decode()
    assert "<html" in shown.content.decode()
    assert audit_count("pii.unmask") == 1


@pytest.mark.parametrize("reason", ["", "   ", "x"])
def test_unmask_without_a_reason_is_refused_and_not_audited(
    client: Client, world: RegistryWorld, reason: str
) -> None:
    signed_in(client, world.users["officer"])
    member = world.a1.members.get(relation="head")
    before = AuditEvent.objects.count()

    response = client.post(f"/households/members/{member.pk}/unmask/", {"reason": reason})

    html = response.content.decode()
    assert response.status_code == 200
    assert full_id(member) not in html
    assert "事由" in html
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("key", ["cadre", "supervisor"])
def test_unmask_by_a_role_without_the_right_is_403_and_audited(
    client: Client, world: RegistryWorld, key: str
) -> None:
    signed_in(client, world.users[key])
    member = world.a2.members.get()
    before = audit_count("permission.denied")

    response = client.post(f"/households/members/{member.pk}/unmask/", {"reason": "想看看"})
    phone = client.post(f"/households/{world.a2.pk}/unmask/phone/", {"reason": "想看看"})

    assert (response.status_code, phone.status_code) == (403, 403)
    assert full_id(member) not in response.content.decode()
    assert audit_count("permission.denied") == before + 2
    assert audit_count("pii.unmask") == 0


def test_unmask_outside_the_scope_is_404_and_audited(client: Client, world: RegistryWorld) -> None:
    signed_in(client, world.users["officer"])
    member = world.b1.members.get()

    response = client.post(f"/households/members/{member.pk}/unmask/", {"reason": "核实"})
    phone = client.post(f"/households/{world.b1.pk}/unmask/phone/", {"reason": "核实"})

    assert (response.status_code, phone.status_code) == (404, 404)
    assert audit_count("scope.denied") == 2
    assert audit_count("pii.unmask") == 0


def test_unmask_of_an_unknown_field_is_404(client: Client, world: RegistryWorld) -> None:
    signed_in(client, world.users["officer"])

    response = client.post(f"/households/{world.a1.pk}/unmask/id_cipher/", {"reason": "核实"})

    assert response.status_code == 404
    assert audit_count("pii.unmask") == 0


# ---------------------------------------------------------------- search, filters, pages


@pytest.mark.parametrize(
    "query",
    ["邓", "邓明", "邓明福", "deng", "dengmingfu", "DengMing", "dmf", "dm", "A1-0001", "a1-00"],
)
def test_search_finds_by_name_pinyin_initials_and_household_number(
    client: Client, world: RegistryWorld, query: str
) -> None:
    signed_in(client, world.users["district"])

    assert listed_ids(client.get("/households/", {"q": query})) == {world.a1.pk}


def test_search_by_a_members_name_finds_the_household(client: Client, world: RegistryWorld) -> None:
    signed_in(client, world.users["district"])

    assert listed_ids(client.get("/households/", {"q": "张秀"})) == {world.a1.pk}
    assert listed_ids(client.get("/households/", {"q": "zxy"})) == {world.a1.pk}


def test_search_by_id_number_is_exact_and_a_wrong_check_digit_finds_nothing(
    client: Client, world: RegistryWorld
) -> None:
    signed_in(client, world.users["district"])
    number = full_id(world.a1.members.get(relation="spouse"))
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    spaced = f" {number[:6]} {number[6:14]} {number[14:].lower()} "

    assert listed_ids(client.get("/households/", {"q": number})) == {world.a1.pk}
    assert listed_ids(client.get("/households/", {"q": spaced})) == {world.a1.pk}
    assert listed_ids(client.get("/households/", {"q": wrong})) == set()
    assert listed_ids(client.get("/households/", {"q": number[:17]})) == set()


def test_filters_by_town_village_and_category(client: Client, world: RegistryWorld) -> None:
    signed_in(client, world.users["district"])
    r = world.regions

    def ids(**params: str) -> set[int]:
        return listed_ids(client.get("/households/", params))

    assert ids(town=r.town_a.code) == {world.a1.pk, world.a2.pk}
    assert ids(town=r.town_b.code) == {world.b1.pk}
    assert ids(village=r.village_a2.code) == {world.a2.pk}
    assert ids(town=r.town_a.code, village=r.village_a1.code) == {world.a1.pk}
    # a village left over from another town is ignored, not combined into nothing
    assert ids(town=r.town_b.code, village=r.village_a1.code) == {world.b1.pk}
    assert ids(category="general") == {world.a2.pk}
    assert ids(category="exited", town=r.town_a.code) == {world.a1.pk}
    # a town outside the scope is not an option: it filters nothing and reveals nothing
    assert ids(town=r.other_town.code) == world.oracle("district")


def test_filter_options_are_limited_to_the_scope(client: Client, world: RegistryWorld) -> None:
    r = world.regions
    signed_in(client, world.users["town"])

    page = client.get("/households/").content.decode()
    options = client.get("/households/villages/", {"town": r.town_a.code}).content.decode()
    foreign = client.get("/households/villages/", {"town": r.town_b.code}).content.decode()

    assert r.village_a1.name in page
    assert r.village_a2.name in page
    assert r.village_b1.name not in page
    assert r.other_village.name not in page
    assert r.village_a1.name in options
    assert "<html" not in options
    assert r.village_b1.name not in foreign


def test_pages_of_fifty_with_a_count(client: Client, world: RegistryWorld) -> None:
    # given 51 more households in village A2
    drafts = [
        HouseholdFactory.build(household_no=f"P-{i:03d}", group_code="500102100201002")
        for i in range(51)
    ]
    households_create(actor=None, drafts=drafts, source="test")
    signed_in(client, world.users["town"])
    client.cookies["django_language"] = "en"  # the count's wording is checked in English

    first = client.get("/households/", {"village": world.regions.village_a2.code})
    second = client.get("/households/", {"village": world.regions.village_a2.code, "page": "2"})

    assert first.context["page"].paginator.count == 52
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 2
    numbers = [r.household.household_no for r in first.context["rows"]]
    assert numbers == sorted(numbers)
    assert "52 households" in first.content.decode()
    assert "page=2" in first.content.decode()
    assert "village=500102100201" in first.content.decode()


def test_htmx_requests_get_only_the_results_partial(client: Client, world: RegistryWorld) -> None:
    signed_in(client, world.users["district"])

    partial = client.get(
        "/households/", {"q": "邓"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="hh-results"
    )
    restore = client.get(
        "/households/", {"q": "邓"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )

    assert "<html" not in partial.content.decode()
    assert "A1-0001" in partial.content.decode()
    assert "<html" in restore.content.decode()
    assert "HX-Request" in partial["Vary"]


def test_list_query_count_does_not_grow_with_the_page(
    client: Client, world: RegistryWorld, django_assert_max_num_queries: Any
) -> None:
    # given a page of 1 row and a page of 50 rows
    signed_in(client, world.users["district"])
    few = client.get("/households/", {"q": "B1-"})
    drafts = [
        HouseholdFactory.build(household_no=f"Q-{i:03d}", group_code=f"5001022002000{i % 3:02d}")
        for i in range(60)
    ]
    households_create(actor=None, drafts=drafts, source="test")
    assert len(few.context["rows"]) == 1

    # when
    with CaptureQueriesContext(connection) as one:
        client.get("/households/", {"q": "B1-"})
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as many:
        response = client.get("/households/")

    # then
    assert len(response.context["rows"]) == 50
    assert len(many.captured_queries) == len(one.captured_queries)


def test_detail_query_count_is_bounded(
    client: Client, world: RegistryWorld, django_assert_max_num_queries: Any
) -> None:
    signed_in(client, world.users["officer"])
    big = household(
        group_code="500102100200001",
        members=[MemberDraftFactory(head=True)] + [MemberDraftFactory() for _ in range(7)],
    )
    for m in big.members.all():
        m.work_months = 3
        m.save()

    with django_assert_max_num_queries(20):
        response = client.get(f"/households/{big.pk}/")

    assert response.status_code == 200
    assert len(response.context["members"]) == 8


# ---------------------------------------------------------------- edits


def versions(h: Household) -> int:
    return (
        Household.history.filter(id=h.pk).count()
        + Member.history.filter(household_id=h.pk).count()
        + HouseholdFacts.history.filter(household_id=h.pk).count()
    )


def test_edit_form_labels_come_from_the_roster_columns(
    client: Client, world: RegistryWorld
) -> None:
    signed_in(client, world.users["officer"])
    member = world.a1.members.get(relation="head")

    household_form = client.get(f"/households/{world.a1.pk}/edit/").content.decode()
    member_form = client.get(f"/households/members/{member.pk}/edit/").content.decode()

    assert "农户类别 Category" in household_form
    assert "脱贫年度 Exit year" in household_form
    assert full_phone(world.a1) not in household_form
    assert "残疾等级 Disability grade" in member_form
    assert "在校情况 School status" in member_form


def test_exit_year_that_does_not_fit_the_category_is_shown_and_nothing_saved(
    client: Client, world: RegistryWorld
) -> None:
    signed_in(client, world.users["officer"])
    h = world.a1
    before = versions(h)

    response = client.post(
        f"/households/{h.pk}/edit/", {"category": "general", "exit_year": "2018", "address": "新"}
    )

    assert response.status_code == 200
    message = "一般农户不填写脱贫年度 / A general household has no exit year"
    assert response.context["form"].errors["exit_year"] == [message]
    assert message in response.content.decode()
    h.refresh_from_db()
    assert (h.category, h.address) == ("exited", "示例地址")
    assert versions(h) == before


def test_parse_errors_of_several_fields_are_all_shown(client: Client, world: RegistryWorld) -> None:
    signed_in(client, world.users["officer"])

    response = client.post(
        f"/households/{world.a1.pk}/edit/",
        {"category": "穷", "exit_year": "2031", "phone": "12345"},
    )

    errors = response.context["form"].errors
    assert set(errors) == {"category", "exit_year", "phone"}
    assert "2014" in errors["exit_year"][0]


def test_disability_grade_without_disability_is_refused(
    client: Client, world: RegistryWorld
) -> None:
    signed_in(client, world.users["officer"])
    member = world.a1.members.get(relation="head")
    before = versions(world.a1)

    response = client.post(f"/households/members/{member.pk}/edit/", {"disability_grade": "2"})

    assert response.context["form"].errors["disability_grade"] == [
        "健康状况不是“残疾”时不填残疾等级 / A disability grade is only given for a disabled person"
    ]
    member.refresh_from_db()
    assert member.disability_grade is None
    assert versions(world.a1) == before


def test_school_status_is_required_for_a_ten_year_old(client: Client, world: RegistryWorld) -> None:
    # given a child of ten in school
    today = business_today()
    child_birth = date(today.year - 10, 1, 1)
    h = household(
        group_code="500102100200001",
        members=[
            MemberDraftFactory(head=True),
            MemberDraftFactory(
                relation="child",
                birth_date=child_birth,
                values={
                    "health": "healthy",
                    "labour": "none",
                    "medical_insurance": True,
                    "school_status": "in_school",
                },
            ),
        ],
    )
    child = h.members.get(relation="child")
    signed_in(client, world.users["officer"])
    before = versions(h)

    # when the school status is cleared
    response = client.post(
        f"/households/members/{child.pk}/edit/",
        {"school_status": "", "name": child.name, "relation": "child"},
    )

    # then
    assert response.context["form"].errors["school_status"] == [
        "6–15 周岁儿童须填写在校情况 / A child aged 6-15 needs a school status"
    ]
    child.refresh_from_db()
    assert child.school_status == "in_school"
    assert versions(h) == before


def test_a_successful_edit_saves_and_records_a_version_by_the_user(
    client: Client, world: RegistryWorld
) -> None:
    # given
    user = world.users["town"]
    signed_in(client, user)
    h = world.a1
    form = client.get(f"/households/{h.pk}/edit/").context["form"]
    data = dict(form.initial)
    data |= {"address": "白沙镇柳溪村3组18号", "phone": "13700001111"}

    # when
    response = client.post(f"/households/{h.pk}/edit/", data, follow=True)

    # then
    assert response.redirect_chain[-1][0] == f"/households/{h.pk}/"
    h.refresh_from_db()
    assert h.address == "白沙镇柳溪村3组18号"
    assert full_phone(h) == "13700001111"
    latest = h.history.latest()
    assert latest.history_user_id == user.pk
    diff = latest.diff_against(latest.prev_record)
    assert set(diff.changed_fields) == {"address", "phone_cipher", "phone_index"}
    page = response.content.decode()
    assert "示例地址 → 白沙镇柳溪村3组18号" in page
    assert "13700001111" not in page
    assert [str(m) for m in response.context["messages"]]


def test_a_blank_phone_keeps_it_and_remove_clears_it(client: Client, world: RegistryWorld) -> None:
    signed_in(client, world.users["officer"])
    h = world.a1
    phone = full_phone(h)

    client.post(f"/households/{h.pk}/edit/", {"category": "exited", "exit_year": "2018"})
    h.refresh_from_db()
    kept = full_phone(h)
    client.post(
        f"/households/{h.pk}/edit/",
        {"category": "exited", "exit_year": "2018", "phone_clear": "on"},
    )
    h.refresh_from_db()

    assert kept == phone
    assert (h.phone_cipher, h.phone_index) == ("", "")


def test_an_unchanged_form_writes_no_version(client: Client, world: RegistryWorld) -> None:
    signed_in(client, world.users["officer"])
    h = world.a1
    member = h.members.get(relation="head")
    before = versions(h)

    for url in (f"/households/{h.pk}/edit/", f"/households/members/{member.pk}/edit/",
                f"/households/{h.pk}/facts/edit/"):  # fmt: skip
        initial = client.get(url).context["form"].initial
        response = client.post(url, initial)
        assert response.status_code == 302

    assert versions(h) == before


def test_member_and_facts_edits_go_through_the_services(
    client: Client, world: RegistryWorld
) -> None:
    # given
    signed_in(client, world.users["district"])
    h = world.a1
    member = h.members.get(relation="head")

    # when
    renamed = client.post(
        f"/households/members/{member.pk}/edit/",
        {"name": "邓明富", "health": "残疾", "disability_grade": "3"},
    )
    facts = client.post(
        f"/households/{h.pk}/facts/edit/", {"house_grade": "C", "water_piped": "否"}
    )
    refused = client.post(
        f"/households/{h.pk}/facts/edit/", {"house_grade": "", "water_litres": "x"}
    )

    # then
    assert (renamed.status_code, facts.status_code) == (302, 302)
    member.refresh_from_db()
    h.refresh_from_db()
    assert (member.name, member.name_initials, member.health, member.disability_grade) == (
        "邓明富", "dmf", "disabled", 3,
    )  # fmt: skip
    assert h.head_name == "邓明富"
    stored = HouseholdFacts.objects.get(household=h)
    assert (stored.house_grade, stored.water_piped) == ("C", False)
    assert set(refused.context["form"].errors) == {"house_grade", "water_litres"}
    assert HouseholdFacts.objects.get(household=h).house_grade == "C"


def test_detail_shows_members_facts_incomes_and_history(
    client: Client, world: RegistryWorld
) -> None:
    # given incomes for one year and a facts edit by an officer
    from decimal import Decimal

    from zhenxing.households.services import income_line_record

    h = world.a1
    income_line_record(
        actor=None, household=h, year=2024, kind="wage", amount=Decimal("10000"), source="务工"
    )
    income_line_record(
        actor=None,
        household=h,
        year=2024,
        kind="business",
        amount=Decimal("5000.01"),
        cost=Decimal("2000"),
        source="榨菜",
    )
    signed_in(client, world.users["officer"])
    client.post(f"/households/{h.pk}/facts/edit/", {"house_grade": "B"})

    # when
    response = client.get(f"/households/{h.pk}/")

    # then per-capita net = (10000 + 5000.01 - 2000) / 2 = 6500.005 → 6500.01 (half up)
    html = response.content.decode()
    assert "6500.01" in html
    assert "张秀英" in html
    assert "邓明福" in html
    assert "A级 安全 Safe → B级 基本安全 Basically safe" in html
    assert world.users["officer"].full_name in html


# ---------------------------------------------------------------- registering a household


def new_household(group: str, number: str, **overrides: str) -> dict[str, str]:
    return {
        "household_no": "N-0001",
        "group_code": group,
        "category": "general",
        "exit_year": "",
        "phone": "13900002222",
        "name": "赵新民",
        "id_number": number,
        "health": "healthy",
        "labour": "ordinary",
        "medical_insurance": "是",
        "house_grade": "B",
        "water_litres": "80",
        **overrides,
    }


def test_an_officer_registers_a_household_checked_like_a_roster_row(
    client: Client, world: RegistryWorld
) -> None:
    # given
    officer = world.users["officer"]
    signed_in(client, officer)
    group = world.regions.group_a1.code
    number = id_number(date(1980, 3, 1))
    form = client.get("/households/new/").content.decode()

    # when
    response = client.post("/households/new/", new_household(group, number))

    # then
    assert group in form
    created = Household.objects.get(household_no="N-0001")
    assert response.status_code == 302
    assert response["Location"] == f"/households/{created.pk}/"
    head = created.members.get()
    assert (head.name, head.relation, full_id(head)) == ("赵新民", "head", number)
    assert (created.village_code, created.member_count) == (world.regions.village_a1.code, 1)
    assert HouseholdFacts.objects.get(household=created).house_grade == "B"
    event = AuditEvent.objects.filter(event="registry.create").latest("seq")
    assert event.actor_id == officer.pk
    assert number not in repr(event.detail)


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"group_code": "500102200200001"}, "group_code", "不存在"),  # unknown group
        ({"household_no": "A1-0001"}, "household_no", "已在系统中登记"),
        ({"category": "exited", "exit_year": ""}, "exit_year", "2014–2020"),
        ({"health": "healthy", "disability_grade": "2"}, "disability_grade", "残疾"),
        ({"water_litres": ""}, "water_litres", ""),
    ],
)
def test_a_refused_registration_shows_the_roster_reason_and_saves_nothing(
    client: Client, world: RegistryWorld, overrides: dict[str, str], field: str, code: str
) -> None:
    signed_in(client, world.users["officer"])
    before = Household.objects.count()
    data = new_household(world.regions.group_a1.code, id_number(date(1981, 4, 2)), **overrides)

    response = client.post("/households/new/", data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert code in errors[field][0]
    assert Household.objects.count() == before


def test_registering_an_existing_person_or_outside_the_scope_is_refused(
    client: Client, world: RegistryWorld
) -> None:
    # given a group of another village, and the ID number of a registered person
    from zhenxing.regions.tests.factories import DivisionFactory

    outside = DivisionFactory.create(code="500102200200001")
    signed_in(client, world.users["officer"])
    taken = full_id(world.a1.members.get(relation="head"))

    # when
    elsewhere = client.post(
        "/households/new/", new_household(outside.code, id_number(date(1982, 5, 3)))
    )
    duplicate = client.post("/households/new/", new_household(world.regions.group_a1.code, taken))

    # then
    assert "管辖范围" in elsewhere.context["form"].errors["group_code"][0]
    assert "已在系统中登记" in duplicate.context["form"].errors["id_number"][0]
    assert taken not in duplicate.content.decode()
    assert not Household.objects.filter(household_no="N-0001").exists()


def test_only_editors_may_register(client: Client, world: RegistryWorld) -> None:
    signed_in(client, world.users["supervisor"])

    response = client.post("/households/new/", new_household("500102100200001", "x"))

    assert response.status_code == 403
    assert "/households/new/" not in client.get("/households/").content.decode()


def test_a_refused_edit_does_not_echo_the_typed_phone(client: Client, world: RegistryWorld) -> None:
    signed_in(client, world.users["officer"])

    response = client.post(
        f"/households/{world.a1.pk}/edit/",
        {"category": "general", "exit_year": "2018", "phone": "13711112222"},
    )

    assert "exit_year" in response.context["form"].errors
    assert "13711112222" not in response.content.decode()


def test_pages_in_the_back_half_are_read_from_the_end_in_the_same_order(
    client: Client, world: RegistryWorld
) -> None:
    # given 7 households in one village and pages of 2
    drafts = [
        HouseholdFactory.build(household_no=f"R-{i:03d}", group_code="500102100201003")
        for i in range(6)
    ]
    households_create(actor=None, drafts=drafts, source="test")
    signed_in(client, world.users["town"])
    expected = sorted([f"R-{i:03d}" for i in range(6)] + ["A2-0001"])

    # when every page is read
    from zhenxing.households import views

    pages = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(views, "PAGE_SIZE", 2)
        for number in (1, 2, 3, 4, 99):
            response = client.get("/households/", {"village": "500102100201", "page": str(number)})
            pages.append([r.household.household_no for r in response.context["rows"]])

    # then the pages join up in household-number order, the last one short
    assert pages[:4] == [expected[0:2], expected[2:4], expected[4:6], expected[6:7]]
    assert pages[4] == pages[3]
