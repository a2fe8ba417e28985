"""Account administration, each write atomic and audited.

Holds `user_create`, `user_grant_role`, `user_unlock`, `user_deactivate`,
`user_reset_password`, `user_change_own_password`.
`actor=None` means the operator at the server's command line (bootstrap), recorded as such.

A8: a new or reset account gets a one-time password, generated here and shown once to whoever
created or reset it (`user.one_time_password` on the returned instance); it must be changed at
the first sign-in. Only the operator at the command line (and the demo) may choose a password.
"""

from __future__ import annotations

import secrets
import unicodedata

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from zhenxing.accounts import policies
from zhenxing.accounts.errors import AccountErrorCode
from zhenxing.accounts.models import User, username_key
from zhenxing.audit.events import AuditEventType, Outcome
from zhenxing.audit.services import record
from zhenxing.core.errors import DomainError
from zhenxing.core.roles import REGION_LEVEL_BY_ROLE, Role
from zhenxing.regions.domain import DivisionLevel
from zhenxing.regions.models import Division
from zhenxing.regions.selectors import division_current

CLI_OPERATOR = "命令行 CLI"


def _denied(actor: User | None, action: str, target: User | None = None) -> DomainError:
    record(
        AuditEventType.PERMISSION_DENIED,
        actor=actor,
        obj=target,
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


# Letters and digits that cannot be misread for one another on paper (no 0/O, 1/l/I).
_OTP_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def one_time_password(user: User) -> str:
    """Four groups of five random characters joined by hyphens: ~110 bits, every class."""
    while True:
        groups = ["".join(secrets.choice(_OTP_ALPHABET) for _ in range(5)) for _ in range(4)]
        candidate = "-".join(groups)
        try:
            validate_password(candidate, user)
        except ValidationError:
            continue  # a random draw that happens to hold a run or a sequence
        return candidate


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
    role: str,
    region_code: str | None = None,
    full_name: str = "",
    password: str | None = None,
    is_demo: bool = False,
) -> User:
    """Open an account. The system administrator opens accounts without a role (the security
    administrator grants it) and with a generated one-time password; the operator at the
    command line may bootstrap any role, and may give the first password (still one-time).
    Demo accounts keep the password the demo printed."""
    # Refusals are audited outside the transaction so the audit row survives the refusal.
    if actor is not None and not policies.can_create_user(actor):
        raise _denied(actor, "user_create")
    if actor is not None and role:
        raise _denied(actor, "user_create_with_role")
    if actor is not None and password is not None:
        raise _denied(actor, "user_create_with_password")
    with transaction.atomic():
        name = _check_username(username)
        region = _resolve_region(role, region_code) if role else None
        user = User(username=name, full_name=full_name, role=role, region=region, is_demo=is_demo)
        generated = password is None
        password = one_time_password(user) if password is None else password
        check_password(password, user)
        user.set_password(password)
        user.must_change_password = not is_demo
        user.save()
        record(
            AuditEventType.USER_CREATE,
            actor=actor,
            obj=user,
            username=CLI_OPERATOR,
            detail={"role": role, "region": region.code if region else ""},
        )
    user.one_time_password = password if generated else None
    return user


def user_reset_password(*, actor: User | None, user: User) -> User:
    """Give an account a new one-time password (shown once, changed at the next sign-in).
    The security administrator resets any other account; the system administrator only an
    account that is not privileged (B5)."""
    if actor is not None and not policies.can_reset_password(actor, user):
        raise _denied(actor, "user_reset_password", user)
    with transaction.atomic():
        password = one_time_password(user)
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "password_changed_at", "must_change_password"])
        record(AuditEventType.PASSWORD_RESET, actor=actor, obj=user, username=CLI_OPERATOR)
    user.one_time_password = password
    return user


def user_change_own_password(*, actor: User, password: str) -> User:
    """The signed-in user's new password (already confirmed against the old one): checked
    against the rules and the last five passwords; it lifts the first-sign-in gate."""
    with transaction.atomic():
        check_password(password, actor)
        actor.set_password(password)
        actor.must_change_password = False
        actor.save(update_fields=["password", "password_changed_at", "must_change_password"])
        record(AuditEventType.PASSWORD_CHANGE, actor=actor)
    return actor


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
        raise _denied(actor, "user_grant_role", user)
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
        raise _denied(actor, "user_unlock", user)
    with transaction.atomic():
        axes_reset(username=user.username_key)
        record(AuditEventType.ACCOUNT_UNLOCK, actor=actor, obj=user, username=CLI_OPERATOR)


def user_deactivate(*, actor: User | None, user: User) -> None:
    """The system administrator disables ordinary accounts; only the security administrator
    disables a privileged one (B5)."""
    if actor is not None and not policies.can_deactivate(actor, user):
        raise _denied(actor, "user_deactivate", user)
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        record(AuditEventType.USER_DEACTIVATE, actor=actor, obj=user, username=CLI_OPERATOR)
