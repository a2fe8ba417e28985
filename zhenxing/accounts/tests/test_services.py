"""Account services: unique names (A1), password rules (A2), region binding, and the separated
administrators' rights (B5), each refusal audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from zhenxing.accounts import policies
from zhenxing.accounts.errors import AccountErrorCode
from zhenxing.accounts.models import User
from zhenxing.accounts.services import user_create, user_deactivate, user_grant_role, user_unlock
from zhenxing.accounts.tests.factories import DEFAULT_PASSWORD, RegionTree, UserFactory
from zhenxing.audit.models import AuditEvent
from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role

pytestmark = pytest.mark.django_db


def _events(event: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event=event).order_by("seq"))


# --- A1: one account per name, whatever its case or Unicode form -------------------------------


@pytest.mark.parametrize(
    ("existing", "attempt"),
    [
        ("Zhang", "zhang"),
        ("Zhang", "ZHANG"),
        ("Zhang", "Ｚｈａｎｇ"),  # full-width Latin letters
        ("Zhang", "ｚｈａｎｇ"),
        ("Zhang", " Zhang "),
        ("Straße", "STRASSE"),  # case folding, not just lower-casing
        ("office1", "oﬃce1"),  # the ﬃ ligature is a compatibility form of "ffi"
        ("José", "Jose\u0301"),  # decomposed accent
        ("wang123", "wang１２３"),  # full-width digits
    ],
)
def test_a_name_differing_only_in_case_or_width_is_taken(existing: str, attempt: str) -> None:
    # given
    user_create(actor=None, username=existing, password=DEFAULT_PASSWORD, role="")
    users_before = User.objects.count()
    created_before = len(_events("user.create"))

    # when
    with pytest.raises(DomainError) as caught:
        user_create(actor=None, username=attempt, password=DEFAULT_PASSWORD, role="")

    # then
    error = caught.value
    assert error.code is AccountErrorCode.USERNAME_TAKEN
    assert error.field == "username"
    assert "已被使用" in error.message_zh
    assert "is taken" in error.message_en
    assert User.objects.count() == users_before
    assert len(_events("user.create")) == created_before


def test_the_database_refuses_a_duplicate_name_even_past_the_service() -> None:
    UserFactory.create(username="Zhang")

    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory.create(username="ＺＨＡＮＧ")


def test_the_name_is_stored_as_typed_and_found_by_its_folded_form() -> None:
    user = user_create(actor=None, username="ＬｉＭｉｎｇ", password=DEFAULT_PASSWORD, role="")

    assert user.username == "LiMing"
    assert User.objects.get_by_natural_key("LIMING") == user


# --- A2 at the service: a weak password saves nothing -------------------------------------------


@pytest.mark.parametrize(
    ("username", "password", "reason_en"),
    [
        ("lisi", "short1A!", "at least 12"),
        ("lisi", "password1234", "too common"),
        ("lisi", "abcdefghijkl", "three of"),
        ("wangfang", "WANGFANG#2024x", "user name"),
    ],
)
def test_a_weak_password_is_refused_and_nothing_saved(
    username: str, password: str, reason_en: str
) -> None:
    users_before = User.objects.count()

    with pytest.raises(DomainError) as caught:
        user_create(actor=None, username=username, password=password, role="")

    assert caught.value.code is AccountErrorCode.PASSWORD_WEAK
    assert caught.value.field == "password"
    assert reason_en in caught.value.message_en
    assert "密码" in caught.value.message_zh
    assert User.objects.count() == users_before
    assert _events("user.create") == []


# --- roles are bound to a division of the right level ------------------------------------------


@pytest.mark.parametrize(
    ("role", "region"),
    [
        (Role.TOWN_STAFF, "village_a1"),
        (Role.TOWN_STAFF, "county"),
        (Role.VILLAGE_OFFICER, "town_a"),
        (Role.DISTRICT_STAFF, "town_a"),
        (Role.VILLAGE_OFFICER, "group_a1"),
    ],
)
def test_a_role_bound_to_the_wrong_level_is_refused(
    regions: RegionTree, role: Role, region: str
) -> None:
    code = getattr(regions, region).code
    users_before = User.objects.count()

    with pytest.raises(DomainError) as caught:
        user_create(
            actor=None, username="zhaoliu", password=DEFAULT_PASSWORD, role=role, region_code=code
        )

    assert caught.value.code is AccountErrorCode.REGION_WRONG_LEVEL
    assert code in caught.value.message_zh
    assert code in caught.value.message_en
    assert User.objects.count() == users_before


def test_granting_a_role_at_the_wrong_level_changes_nothing(regions: RegionTree) -> None:
    # given a security administrator and an account without a role
    security = UserFactory.create(role=Role.SECURITY_ADMIN)
    target = UserFactory.create(role="", region=None)

    # when town staff is granted on a village
    with pytest.raises(DomainError) as caught:
        user_grant_role(
            actor=security, user=target, role=Role.TOWN_STAFF, region_code=regions.village_a1.code
        )

    # then
    assert caught.value.code is AccountErrorCode.REGION_WRONG_LEVEL
    target.refresh_from_db()
    assert (target.role, target.region) == ("", None)
    assert _events("role.change") == []


def test_a_region_bound_role_needs_a_region(db: None) -> None:
    with pytest.raises(DomainError) as caught:
        user_create(actor=None, username="zhaoliu", password=DEFAULT_PASSWORD, role=Role.TOWN_STAFF)

    assert caught.value.code is AccountErrorCode.REGION_REQUIRED


# --- B5: the separated administrators -----------------------------------------------------------

ACTORS = [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.DISTRICT_STAFF]


def _create(actor: User, target: User, regions: RegionTree) -> None:
    user_create(actor=actor, username="newcomer", role="")


def _grant(actor: User, target: User, regions: RegionTree) -> None:
    user_grant_role(actor=actor, user=target, role=Role.TOWN_STAFF, region_code=regions.town_a.code)


def _unlock(actor: User, target: User, regions: RegionTree) -> None:
    user_unlock(actor=actor, user=target)


def _deactivate(actor: User, target: User, regions: RegionTree) -> None:
    user_deactivate(actor=actor, user=target)


ACTIONS: dict[str, tuple[Callable[[User, User, RegionTree], None], str]] = {
    # action: (call, the audit event written when it succeeds)
    "create account": (_create, "user.create"),
    "grant role": (_grant, "role.change"),
    "unlock": (_unlock, "account.unlock"),
    "deactivate": (_deactivate, "user.deactivate"),
}
ALLOWED = {
    (Role.SYSTEM_ADMIN, "create account"),
    (Role.SYSTEM_ADMIN, "deactivate"),
    (Role.SECURITY_ADMIN, "grant role"),
    (Role.SECURITY_ADMIN, "unlock"),
}


def _state() -> list[tuple[Any, ...]]:
    return list(
        User.objects.order_by("pk").values_list("pk", "username_key", "role", "region", "is_active")
    )


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("actor_role", ACTORS)
def test_only_the_right_administrator_may_act(
    regions: RegionTree, actor_role: Role, action: str
) -> None:
    # given
    region = regions.county if actor_role == Role.DISTRICT_STAFF else None
    actor = UserFactory.create(role=actor_role, region=region)
    target = UserFactory.create(role="", region=None)
    call, success_event = ACTIONS[action]
    state_before = _state()
    denied_before = len(_events("permission.denied"))

    if (actor_role, action) in ALLOWED:
        # when / then: it happens, audited as itself
        call(actor, target, regions)
        assert len(_events("permission.denied")) == denied_before
        assert [e.actor_username for e in _events(success_event)] == [actor.username]
        assert _state() != state_before or action == "unlock"
        return

    # when
    with pytest.raises(DomainError) as caught:
        call(actor, target, regions)

    # then: refused, one audit row naming the actor, nothing changed. The service's own work
    # runs in a transaction (a savepoint here); the row is read after the exception, so a
    # refusal recorded inside that transaction would have been rolled back and fail this test.
    assert caught.value.code is AccountErrorCode.NOT_ALLOWED
    denied = _events("permission.denied")[denied_before:]
    assert len(denied) == 1
    assert denied[0].actor_username == actor.username
    assert denied[0].role == actor_role
    assert denied[0].outcome == "denied"
    assert _state() == state_before
    assert _events(success_event) == []


def test_the_system_administrator_opens_accounts_without_a_role(regions: RegionTree) -> None:
    system = UserFactory.create(role=Role.SYSTEM_ADMIN)

    with pytest.raises(DomainError) as caught:
        user_create(
            actor=system,
            username="newcomer",
            password=DEFAULT_PASSWORD,
            role=Role.TOWN_STAFF,
            region_code=regions.town_a.code,
        )

    assert caught.value.code is AccountErrorCode.NOT_ALLOWED
    assert not User.objects.filter(username_key="newcomer").exists()
    assert [e.detail for e in _events("permission.denied")] == [{"action": "user_create_with_role"}]


@pytest.mark.parametrize("role", [Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN])
def test_the_security_administrator_cannot_grant_a_role_to_itself(role: Role) -> None:
    # given
    security = UserFactory.create(role=Role.SECURITY_ADMIN)

    # when it tries to make itself another administrator
    with pytest.raises(DomainError) as caught:
        user_grant_role(actor=security, user=security, role=role, region_code=None)

    # then
    assert caught.value.code is AccountErrorCode.SELF_GRANT
    assert "自己" in caught.value.message_zh
    security.refresh_from_db()
    assert security.role == Role.SECURITY_ADMIN
    denied = _events("permission.denied")
    assert [(e.actor_username, e.object_id, e.detail) for e in denied] == [
        (security.username, str(security.pk), {"action": "self_grant"})
    ]
    assert _events("role.change") == []


def test_self_grant_test_fails_without_the_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Guard removed: with a policy that lets anyone grant, the self-grant goes through, so the
    test above depends on `can_grant_role`."""
    security = UserFactory.create(role=Role.SECURITY_ADMIN)
    monkeypatch.setattr(policies, "can_grant_role", lambda actor, target: True)

    user_grant_role(actor=security, user=security, role=Role.AUDIT_ADMIN, region_code=None)

    security.refresh_from_db()
    assert security.role == Role.AUDIT_ADMIN
    assert _events("permission.denied") == []


@pytest.mark.parametrize(
    ("policy", "action"),
    [
        ("can_create_user", "create account"),
        ("can_grant_role", "grant role"),
        ("can_unlock", "unlock"),
        ("can_deactivate", "deactivate"),
    ],
)
def test_matrix_fails_without_the_policies(
    monkeypatch: pytest.MonkeyPatch, regions: RegionTree, policy: str, action: str
) -> None:
    """Guard removed: district staff then succeeds at every administrator's action, so the
    matrix above depends on the policies, not on some accident of the data."""
    monkeypatch.setattr(policies, policy, lambda actor, target=None: True)
    district = UserFactory.create(role=Role.DISTRICT_STAFF, region=regions.county)
    target = UserFactory.create(role="")
    call, success_event = ACTIONS[action]

    call(district, target, regions)

    assert _events("permission.denied") == []
    assert [e.actor_username for e in _events(success_event)] == [district.username]


def test_a_role_change_is_audited_with_before_and_after(regions: RegionTree) -> None:
    # given
    security = UserFactory.create(role=Role.SECURITY_ADMIN)
    target = UserFactory.create(role=Role.VILLAGE_OFFICER, region=regions.village_a1)

    # when
    user_grant_role(
        actor=security, user=target, role=Role.TOWN_STAFF, region_code=regions.town_a.code
    )

    # then
    target.refresh_from_db()
    assert (target.role, target.region) == (Role.TOWN_STAFF, regions.town_a)
    [row] = _events("role.change")
    assert row.actor_username == security.username
    assert row.role == Role.SECURITY_ADMIN
    assert (row.object_type, row.object_id) == ("accounts.user", str(target.pk))
    assert row.detail == {
        "before": {"role": Role.VILLAGE_OFFICER, "region": regions.village_a1.code},
        "after": {"role": Role.TOWN_STAFF, "region": regions.town_a.code},
    }
