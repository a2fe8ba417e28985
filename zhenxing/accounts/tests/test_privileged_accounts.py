"""B5: only the security administrator changes what a privileged account can do. The system
administrator cannot take over a privileged account (its password, device or role) nor disable
the security and audit administrators; each refusal answers 403 and is audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhenxing.accounts import policies
from zhenxing.accounts.enrolment import enrolment_issue
from zhenxing.accounts.errors import AccountErrorCode
from zhenxing.accounts.models import OTPEnrolment, User
from zhenxing.accounts.services import user_create, user_deactivate, user_reset_password
from zhenxing.accounts.tests.factories import (
    DEFAULT_PASSWORD,
    RegionTree,
    UserFactory,
    sign_in_verified,
)
from zhenxing.audit.models import AuditEvent
from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role

pytestmark = pytest.mark.django_db

PRIVILEGED_TARGETS = [Role.DISTRICT_STAFF, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.SYSTEM_ADMIN]


def _denied() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event="permission.denied").order_by("seq"))


def _target(role: str, regions: RegionTree) -> User:
    region = regions.county if role == Role.DISTRICT_STAFF else None
    return UserFactory.create(role=role, region=region)


def _signed_in(role: Role) -> tuple[Client, User]:
    user = UserFactory.create(role=role)
    client = Client()
    sign_in_verified(client, user)
    return client, user


def _state(user: User) -> tuple[Any, ...]:
    user.refresh_from_db()
    devices = TOTPDevice.objects.filter(user=user).count()
    links = OTPEnrolment.objects.filter(user=user).count()
    return (user.password, user.role, user.region_id, user.is_active, devices, links)


# --- the web pages: 403 and audited ------------------------------------------------------------

SYSTEM_ADMIN_REFUSED = [
    # (page under /accounts/<id>/, POST data, target role)
    ("password/", {}, Role.DISTRICT_STAFF),
    ("password/", {}, Role.SECURITY_ADMIN),
    ("enrolment/", {}, Role.DISTRICT_STAFF),
    ("enrolment/", {}, Role.AUDIT_ADMIN),
    ("role/", {"role": Role.SYSTEM_ADMIN, "region": ""}, ""),
    ("role/", {"role": Role.TOWN_STAFF, "region": "500102100"}, Role.DISTRICT_STAFF),
    ("deactivate/", {}, Role.SECURITY_ADMIN),
    ("deactivate/", {}, Role.AUDIT_ADMIN),
    ("deactivate/", {}, Role.DISTRICT_STAFF),
]


@pytest.mark.parametrize(("page", "data", "target_role"), SYSTEM_ADMIN_REFUSED)
def test_the_system_administrator_cannot_take_over_privileged_accounts(
    regions: RegionTree, page: str, data: dict[str, str], target_role: str
) -> None:
    # given
    system, system_user = _signed_in(Role.SYSTEM_ADMIN)
    target = _target(target_role, regions)
    before = _state(target)

    # when
    response = system.post(f"/accounts/{target.pk}/{page}", data)

    # then: 403, one audit row naming the system administrator, nothing changed
    assert response.status_code == 403
    [row] = _denied()
    assert (row.actor_username, row.role, row.outcome) == (
        system_user.username,
        Role.SYSTEM_ADMIN,
        "denied",
    )
    assert _state(target) == before


@pytest.mark.parametrize(
    ("page", "target_role", "status"),
    [
        ("password/", Role.DISTRICT_STAFF, 200),
        ("enrolment/", Role.DISTRICT_STAFF, 200),
        ("deactivate/", Role.AUDIT_ADMIN, 302),
        ("deactivate/", Role.SYSTEM_ADMIN, 302),
    ],
)
def test_the_security_administrator_may(
    regions: RegionTree, page: str, target_role: str, status: int
) -> None:
    """The other side of the table above: the same requests by the security administrator
    succeed, so the refusals come from who asks, not from the request."""
    security, _user = _signed_in(Role.SECURITY_ADMIN)
    target = _target(target_role, regions)
    before = _state(target)

    response = security.post(f"/accounts/{target.pk}/{page}")

    assert response.status_code == status
    assert _denied() == []
    assert _state(target) != before


@pytest.mark.parametrize("page", ["password/", "deactivate/"])
def test_the_system_administrator_keeps_ordinary_accounts(regions: RegionTree, page: str) -> None:
    system, _user = _signed_in(Role.SYSTEM_ADMIN)
    target = UserFactory.create(role=Role.TOWN_STAFF, region=regions.town_a)
    before = _state(target)

    response = system.post(f"/accounts/{target.pk}/{page}")

    assert response.status_code in (200, 302)
    assert _denied() == []
    assert _state(target) != before


@pytest.mark.parametrize("page", ["password/", "enrolment/", "deactivate/"])
def test_the_security_administrator_cannot_act_on_itself(page: str) -> None:
    security, user = _signed_in(Role.SECURITY_ADMIN)
    before = _state(user)

    response = security.post(f"/accounts/{user.pk}/{page}")

    assert response.status_code == 403
    assert len(_denied()) == 1
    assert _state(user) == before


def test_the_system_administrator_cannot_choose_a_password(db: None) -> None:
    system = UserFactory.create(role=Role.SYSTEM_ADMIN)

    with pytest.raises(DomainError) as caught:
        user_create(actor=system, username="newcomer", role="", password=DEFAULT_PASSWORD)

    assert caught.value.code is AccountErrorCode.NOT_ALLOWED
    assert not User.objects.filter(username_key="newcomer").exists()
    assert [e.detail for e in _denied()] == [{"action": "user_create_with_password"}]


# --- the services: the same table, and the guard removed ----------------------------------------

CALLS: dict[str, Callable[[User, User], Any]] = {
    "reset password": lambda actor, target: user_reset_password(actor=actor, user=target),
    "issue enrolment": lambda actor, target: enrolment_issue(actor=actor, user=target),
    "deactivate": lambda actor, target: user_deactivate(actor=actor, user=target),
}
POLICY = {
    "reset password": "can_reset_password",
    "issue enrolment": "can_issue_enrolment",
    "deactivate": "can_deactivate",
}


@pytest.mark.parametrize("action", list(CALLS))
@pytest.mark.parametrize("target_role", PRIVILEGED_TARGETS)
def test_only_the_security_administrator_changes_a_privileged_account(
    regions: RegionTree, action: str, target_role: Role
) -> None:
    system = UserFactory.create(role=Role.SYSTEM_ADMIN)
    security = UserFactory.create(role=Role.SECURITY_ADMIN)
    target = _target(target_role, regions)
    before = _state(target)

    with pytest.raises(DomainError) as caught:
        CALLS[action](system, target)

    assert caught.value.code is AccountErrorCode.NOT_ALLOWED
    [row] = _denied()
    assert (row.actor_username, row.object_id) == (system.username, str(target.pk))
    assert _state(target) == before
    CALLS[action](security, target)
    assert _state(target) != before


@pytest.mark.parametrize("action", list(CALLS))
def test_privileged_matrix_fails_without_the_policy(
    regions: RegionTree, monkeypatch: pytest.MonkeyPatch, action: str
) -> None:
    """Guard removed: with the policy allowing anyone, the system administrator takes over the
    security administrator's account, so the table above depends on the policies."""
    monkeypatch.setattr(policies, POLICY[action], lambda actor, target: True)
    system = UserFactory.create(role=Role.SYSTEM_ADMIN)
    target = UserFactory.create(role=Role.SECURITY_ADMIN)
    before = _state(target)

    CALLS[action](system, target)

    assert _denied() == []
    assert _state(target) != before
