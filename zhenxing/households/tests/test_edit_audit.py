"""Registry edits are audited (security.md C1): one REGISTRY_EDIT row per edit that changed
something, naming the changed fields and never their values; none when nothing changed, none
when the edit was refused."""

from __future__ import annotations

import json

import pytest

from zhenxing.accounts.models import User
from zhenxing.accounts.tests.factories import UserFactory
from zhenxing.audit.events import AuditEventType
from zhenxing.audit.models import AuditEvent
from zhenxing.core.roles import Role
from zhenxing.households.models import HouseholdFacts
from zhenxing.households.services import (
    DomainErrors,
    facts_update,
    household_update,
    member_update,
)
from zhenxing.households.tests.factories import MemberDraftFactory, household

pytestmark = pytest.mark.django_db

NEW_PHONE = "13900001111"
NEW_BANK = "6217000012345679999"


@pytest.fixture
def officer() -> User:
    return UserFactory.create(role=Role.VILLAGE_OFFICER)


def edits() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event=AuditEventType.REGISTRY_EDIT).order_by("id"))


def test_a_household_edit_is_one_event_with_the_changed_field_names_only(officer: User) -> None:
    h = household(phone="13812345678", bank_account="6217000012345671234", address="旧址")

    household_update(
        actor=officer,
        household=h,
        changes={"phone": NEW_PHONE, "bank_account": NEW_BANK, "address": "旧址"},
    )

    [event] = edits()
    assert event.actor_id == officer.pk
    assert (event.object_type, event.object_id) == ("households.household", str(h.pk))
    assert event.detail == {"fields": ["bank_account", "phone"]}
    trail = json.dumps(event.detail, ensure_ascii=False) + event.object_id
    assert NEW_PHONE not in trail
    assert NEW_BANK not in trail


def test_a_household_edit_that_changes_nothing_is_not_audited(officer: User) -> None:
    h = household(phone="13812345678", address="旧址")

    household_update(
        actor=officer, household=h, changes={"phone": "138 1234 5678", "address": "旧址"}
    )

    assert edits() == []


def test_a_refused_edit_is_not_an_edit_event(officer: User) -> None:
    h = household()

    with pytest.raises(DomainErrors):
        household_update(actor=officer, household=h, changes={"phone": "12"})

    assert edits() == []


def test_a_member_edit_names_its_changed_fields(officer: User) -> None:
    h = household(members=[MemberDraftFactory(head=True, name="邓明福")])
    head = h.members.get()

    member_update(
        actor=officer,
        member=head,
        changes={"name": "王小二", "health": "残疾", "disability_grade": "3"},
    )
    member_update(actor=officer, member=head, changes={"name": "王小二"})

    [event] = edits()
    assert (event.object_type, event.object_id) == ("households.member", str(head.pk))
    assert event.detail == {"fields": ["disability_grade", "health", "name"]}
    assert "王小二" not in json.dumps(event.detail, ensure_ascii=False)


def test_a_facts_edit_names_its_changed_fields_and_none_when_unchanged(officer: User) -> None:
    h = household()
    facts = HouseholdFacts.objects.get(household=h)
    piped = "是" if facts.water_piped else "否"

    facts_update(actor=officer, household=h, changes={"house_grade": "D级", "water_piped": piped})
    facts_update(actor=officer, household=h, changes={"house_grade": "D"})

    [event] = edits()
    assert (event.object_type, event.object_id) == ("households.householdfacts", str(facts.pk))
    assert event.detail == {"fields": ["house_grade"]}


def test_facts_created_by_an_edit_are_audited(officer: User) -> None:
    h = household()
    HouseholdFacts.objects.filter(household=h).delete()

    facts_update(actor=officer, household=h, changes={"house_grade": "B", "water_litres": "60"})

    [event] = edits()
    assert event.detail == {"fields": ["house_grade", "water_litres"]}
