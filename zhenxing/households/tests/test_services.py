"""Registry writes: edits validated like the import, nothing half-written, personal data sealed,
and the audited reveal of a personal value."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from zhenxing.accounts.models import User
from zhenxing.accounts.tests.factories import UserFactory
from zhenxing.audit.models import AuditEvent
from zhenxing.core.crypto import decrypt
from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role
from zhenxing.core.timeutil import business_today
from zhenxing.households.models import (
    ID_CONTEXT,
    PHONE_CONTEXT,
    Household,
    HouseholdFacts,
    IncomeLine,
    Member,
)
from zhenxing.households.services import (
    DomainErrors,
    facts_update,
    household_update,
    income_line_record,
    member_update,
    personal_value_reveal,
)
from zhenxing.households.tests.factories import MemberDraftFactory, household

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer() -> User:
    return UserFactory.create(role=Role.VILLAGE_OFFICER)


def codes(exc: DomainErrors) -> dict[str | None, str]:
    """field → the first reason given for it (a field may also fail a rule between fields)."""
    found: dict[str | None, str] = {}
    for error in exc.errors:
        found.setdefault(error.field, error.code.code)
    return found


def test_personal_values_are_stored_sealed_never_in_plain_text() -> None:
    h = household(phone="13812345678", bank_account="6217000012345671234")
    number = decrypt(h.members.get().id_cipher, context=ID_CONTEXT)

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM households_household")
        household_rows = repr(cursor.fetchall())
        cursor.execute("SELECT * FROM households_member")
        member_rows = repr(cursor.fetchall())

    assert "13812345678" not in household_rows
    assert "6217000012345671234" not in household_rows
    assert number not in member_rows
    assert decrypt(h.phone_cipher, context=PHONE_CONTEXT) == "13812345678"


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"category": "general"}, {"exit_year": "roster.exit_year_forbidden"}),
        ({"exit_year": ""}, {"exit_year": "roster.exit_year_required"}),
        ({"exit_year": "2013"}, {"exit_year": "roster.out_of_range"}),
        ({"category": "贫困户"}, {"category": "roster.bad_choice"}),
        ({"phone": "1381234"}, {"phone": "PHONE_MOBILE"}),
    ],
)
def test_household_update_refuses_bad_values_and_saves_nothing(
    officer: User, changes: dict[str, str], errors: dict[str, str]
) -> None:
    h = household(address="旧址")

    with pytest.raises(DomainErrors) as caught:
        household_update(actor=officer, household=h, changes={"address": "新址", **changes})

    assert codes(caught.value) == errors
    h.refresh_from_db()
    assert h.address == "旧址"
    assert h.history.count() == 1


def test_household_update_accepts_the_import_spellings(officer: User) -> None:
    h = household()

    household_update(
        actor=officer,
        household=h,
        changes={"category": "一般农户", "exit_year": "", "phone": "+86 138-1234-5678"},
    )

    h.refresh_from_db()
    assert (h.category, h.exit_year) == ("general", None)
    assert decrypt(h.phone_cipher, context=PHONE_CONTEXT) == "13812345678"
    assert h.history.count() == 2


def test_only_editors_may_update_and_a_refusal_is_audited() -> None:
    supervisor = UserFactory.create(role=Role.SUPERVISOR)
    h = household()

    with pytest.raises(PermissionDenied):
        household_update(actor=supervisor, household=h, changes={"address": "改"})

    assert AuditEvent.objects.filter(event="permission.denied", actor_id=supervisor.pk).count() == 1
    assert h.history.count() == 1


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"disability_grade": "2"}, {"disability_grade": "roster.disability_grade_forbidden"}),
        ({"health": "disabled"}, {"disability_grade": "roster.disability_grade_required"}),
        ({"disability_grade": "5"}, {"disability_grade": "roster.out_of_range"}),
        ({"name": ""}, {"name": "roster.required"}),
        ({"name": "张3"}, {"name": "roster.bad_name"}),
        ({"work_months": "13"}, {"work_months": "roster.out_of_range"}),
    ],
)
def test_member_update_applies_the_roster_rules(
    officer: User, changes: dict[str, str], errors: dict[str, str]
) -> None:
    h = household()
    member = h.members.get()

    with pytest.raises(DomainErrors) as caught:
        member_update(actor=officer, member=member, changes=changes)

    assert codes(caught.value) == errors
    assert Member.history.filter(id=member.pk).count() == 1


def test_a_child_of_compulsory_school_age_needs_a_school_status(officer: User) -> None:
    today = business_today()
    h = household(
        members=[
            MemberDraftFactory(head=True),
            MemberDraftFactory(
                relation="child",
                birth_date=date(today.year - 10, 1, 1),
                values={
                    "health": "healthy",
                    "labour": "none",
                    "medical_insurance": True,
                    "school_status": "in_school",
                },
            ),
        ]
    )
    child = h.members.get(relation="child")

    with pytest.raises(DomainErrors) as caught:
        member_update(actor=officer, member=child, changes={"school_status": ""})

    assert codes(caught.value) == {"school_status": "roster.school_status_required"}
    child.refresh_from_db()
    assert child.school_status == "in_school"


def test_renaming_the_head_renames_the_household_and_its_search_forms(officer: User) -> None:
    h = household(members=[MemberDraftFactory(head=True, name="邓明福")])
    head = h.members.get()

    member_update(actor=officer, member=head, changes={"name": "王小二", "health": "残疾",
                                                       "disability_grade": "3"})  # fmt: skip

    head.refresh_from_db()
    h.refresh_from_db()
    assert (head.name_pinyin, head.name_initials) == ("wangxiaoer", "wxe")
    assert (head.health, head.disability_grade) == ("disabled", 3)
    assert h.head_name == "王小二"


def test_facts_update_requires_the_head_facts_and_parses_like_the_import(officer: User) -> None:
    h = household()

    with pytest.raises(DomainErrors) as caught:
        facts_update(
            actor=officer,
            household=h,
            changes={"house_grade": "", "water_outage_days": "400", "water_piped": "也许"},
        )
    facts_update(actor=officer, household=h, changes={"house_grade": "D级", "water_piped": "否"})

    assert codes(caught.value) == {
        "house_grade": "roster.required",
        "water_outage_days": "roster.out_of_range",
        "water_piped": "roster.bad_bool",
    }
    facts = HouseholdFacts.objects.get(household=h)
    assert (facts.house_grade, facts.water_piped) == ("D", False)
    assert facts.history.count() == 2


def test_facts_update_creates_missing_facts(officer: User) -> None:
    h = household()
    HouseholdFacts.history.filter(household_id=h.pk).delete()
    HouseholdFacts.objects.filter(household=h).delete()

    facts_update(actor=officer, household=h, changes={"house_grade": "B", "water_litres": "60"})

    facts = HouseholdFacts.objects.get(household=h)
    assert (facts.house_grade, facts.water_litres, facts.water_piped) == ("B", 60, True)


def test_income_with_a_source_is_recorded_once() -> None:
    h = household()

    first = income_line_record(
        actor=None, household=h, year=2025, kind="business", amount=Decimal("261000"),
        source="榨菜结算", source_ref="season-2025-1",
    )  # fmt: skip
    again = income_line_record(
        actor=None, household=h, year=2025, kind="business", amount=Decimal("261000"),
        source="榨菜结算", source_ref="season-2025-1",
    )  # fmt: skip

    assert first.pk == again.pk
    assert IncomeLine.objects.filter(household=h).count() == 1


# ---------------------------------------------------------------- personal_value_reveal (D2)


def test_reveal_returns_the_value_with_exactly_one_audit_row_and_no_value_in_it(
    officer: User,
) -> None:
    # given
    h = household(phone="13812345678")
    member = h.members.get()
    number = decrypt(member.id_cipher, context=ID_CONTEXT)
    before = AuditEvent.objects.count()

    # when
    shown = personal_value_reveal(actor=officer, obj=member, name="id_number", reason="入户核实")
    phone = personal_value_reveal(actor=officer, obj=h, name="phone", reason="电话回访")

    # then
    assert (shown, phone) == (number, "13812345678")
    rows = list(AuditEvent.objects.order_by("seq")[before:])
    assert [(r.event, r.object_type, r.detail) for r in rows] == [
        ("pii.unmask", "households.member", {"field": "id_number", "reason": "入户核实"}),
        ("pii.unmask", "households.household", {"field": "phone", "reason": "电话回访"}),
    ]
    text = repr([(r.object_id, r.actor_username, r.detail) for r in rows])
    assert number not in text
    assert "13812345678" not in text


@pytest.mark.parametrize("reason", ["", " ", "x"])
def test_reveal_needs_a_reason(officer: User, reason: str) -> None:
    member = household().members.get()

    with pytest.raises(DomainError) as caught:
        personal_value_reveal(actor=officer, obj=member, name="id_number", reason=reason)

    assert caught.value.code.code == "registry.reason_required"
    assert not AuditEvent.objects.filter(event="pii.unmask").exists()


@pytest.mark.parametrize("role", [Role.CADRE, Role.SUPERVISOR, Role.COOP_CLERK])
def test_reveal_is_refused_and_audited_for_roles_without_the_right(role: str) -> None:
    user = UserFactory.create(role=role)
    member = household().members.get()

    with pytest.raises(PermissionDenied):
        personal_value_reveal(actor=user, obj=member, name="id_number", reason="想看看")

    assert AuditEvent.objects.filter(event="permission.denied", actor_id=user.pk).count() == 1
    assert not AuditEvent.objects.filter(event="pii.unmask").exists()


def test_reveal_knows_only_personal_fields(officer: User) -> None:
    h: Household = household()

    with pytest.raises(DomainError) as caught:
        personal_value_reveal(actor=officer, obj=h, name="address", reason="核实")

    assert caught.value.code.code == "registry.not_personal"
