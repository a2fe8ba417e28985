"""Account administration, each write atomic and audited.

Holds `user_create`, `user_grant_role`, `user_unlock`, `user_deactivate`.
`actor=None` means the operator at the server's command line (bootstrap), recorded as such.
"""

from __future__ import annotations

import unicodedata

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from zhenxing.accounts import policies
from zhenxing.accounts.errors import AccountErrorCode
from zhenxing.accounts.models import User, username_key
from zhenxing.accounts.roles import REGION_LEVEL_BY_ROLE, Role
from zhenxing.audit.events import AuditEventType, Outcome
from zhenxing.audit.services import record
from zhenxing.core.errors import DomainError
from zhenxing.regions.domain import DivisionLevel
from zhenxing.regions.models import Division
from zhenxing.regions.selectors import division_current

CLI_OPERATOR = "命令行 CLI"


def _denied(actor: User | None, action: str) -> DomainError:
    record(
        AuditEventType.PERMISSION_DENIED,
        actor=actor,
        outcome=Outcome.DENIED,
        detail={"action": action},
    )
    return DomainError(AccountErrorCode.NOT_ALLOWED, action=action)


def _check_username(username: str) -> str:
    name = unicodedata.normalize("NFKC", username).strip()
    if not 3 <= len(name) <= 150 or any(
        c.isspace() or unicodedata.category(c).startswith("C") for c in name
    ):
        raise DomainError(AccountErrorCode.USERNAME_INVALID, field="username")
    if User.objects.filter(username_key=username_key(name)).exists():
        raise DomainError(AccountErrorCode.USERNAME_TAKEN, field="username", username=name)
    return name


def check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        zh = "；".join(str(m).split(" / ")[0] for m in exc.messages)
        en = "; ".join(str(m).split(" / ")[-1] for m in exc.messages)
        raise DomainError(
            AccountErrorCode.PASSWORD_WEAK, field="password", reasons_zh=zh, reasons_en=en
        ) from exc


def _resolve_region(role: str, region_code: str | None) -> Division | None:
    if role not in Role.values:
        raise DomainError(AccountErrorCode.UNKNOWN_ROLE, field="role", role=role)
    level = REGION_LEVEL_BY_ROLE.get(role)
    needs_region = level is not None or role in (Role.CADRE, Role.SUPERVISOR)
    if not region_code:
        if needs_region:
            lvl = DivisionLevel(level or "village")
            raise DomainError(
                AccountErrorCode.REGION_REQUIRED,
                field="region",
                role=Role(role).label,
                level=lvl.label_zh,
                level_en=lvl.value,
            )
        return None
    region = division_current(region_code)
    if level is not None and region.level != level:
        lvl = DivisionLevel(level)
        actual = DivisionLevel(region.level)
        raise DomainError(
            AccountErrorCode.REGION_WRONG_LEVEL,
            field="region",
            role=Role(role).label,
            level=lvl.label_zh,
            level_en=lvl.value,
            code=region.code,
            actual=actual.label_zh,
            actual_en=actual.value,
        )
    return region


def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    region_code: str | None = None,
    full_name: str = "",
    is_demo: bool = False,
) -> User:
    """Open an account. The system administrator opens accounts without a role (the security
    administrator grants it); the operator at the command line may bootstrap any role."""
    # Refusals are audited outside the transaction so the audit row survives the refusal.
    if actor is not None and not policies.can_create_user(actor):
        raise _denied(actor, "user_create")
    if actor is not None and role:
        raise _denied(actor, "user_create_with_role")
    with transaction.atomic():
        name = _check_username(username)
        region = _resolve_region(role, region_code) if role else None
        user = User(username=name, full_name=full_name, role=role, region=region, is_demo=is_demo)
        check_password(password, user)
        user.set_password(password)
        user.save()
        record(
            AuditEventType.USER_CREATE,
            actor=actor,
            obj=user,
            username=CLI_OPERATOR,
            detail={"role": role, "region": region.code if region else ""},
        )
    return user


def user_grant_role(*, actor: User | None, user: User, role: str, region_code: str | None) -> User:
    if actor is not None and not policies.can_grant_role(actor, user):
        if actor.pk == user.pk and policies.can_unlock(actor):
            record(
                AuditEventType.PERMISSION_DENIED,
                actor=actor,
                obj=user,
                outcome=Outcome.DENIED,
                detail={"action": "self_grant"},
            )
            raise DomainError(AccountErrorCode.SELF_GRANT)
        raise _denied(actor, "user_grant_role")
    with transaction.atomic():
        region = _resolve_region(role, region_code)
        before = {"role": user.role, "region": user.region.code if user.region else ""}
        user.role, user.region = role, region
        user.save(update_fields=["role", "region"])
        record(
            AuditEventType.ROLE_CHANGE,
            actor=actor,
            obj=user,
            username=CLI_OPERATOR,
            detail={"before": before, "after": {"role": role, "region": region_code or ""}},
        )
    return user


def user_unlock(*, actor: User | None, user: User) -> None:
    if actor is not None and not policies.can_unlock(actor):
        raise _denied(actor, "user_unlock")
    with transaction.atomic():
        axes_reset(username=user.username_key)
        record(AuditEventType.ACCOUNT_UNLOCK, actor=actor, obj=user, username=CLI_OPERATOR)


def user_deactivate(*, actor: User | None, user: User) -> None:
    if actor is not None and not policies.can_create_user(actor):
        raise _denied(actor, "user_deactivate")
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        record(AuditEventType.USER_DEACTIVATE, actor=actor, obj=user, username=CLI_OPERATOR)
