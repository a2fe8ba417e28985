"""Who may administer accounts (security.md B5: the three administrators' rights are disjoint).

Holds `can_create_user`, `can_grant_role`, `can_unlock`, `can_reset_password`,
`can_issue_enrolment`, `can_deactivate`, `can_read_audit`, `can_manage_regions`.

Only the security administrator changes what a privileged account (the three administrators,
district staff) can do: its role, password, second-factor device and whether it is active. The
system administrator opens accounts and looks after the ordinary ones.
"""

from __future__ import annotations

from typing import Any

from zhenxing.core.roles import PRIVILEGED_ROLES, Role


def _is(actor: Any, role: Role) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False) and actor.is_active and actor.role == role
    )


def _other(actor: Any, target: Any) -> bool:
    return getattr(target, "pk", None) != actor.pk


def _privileged(target: Any) -> bool:
    return getattr(target, "role", "") in PRIVILEGED_ROLES


def can_create_user(actor: Any) -> bool:
    """The system administrator opens and closes accounts; it grants no role to itself."""
    return _is(actor, Role.SYSTEM_ADMIN)


def can_grant_role(actor: Any, target: Any) -> bool:
    """Only the security administrator changes role grants, and never its own."""
    return _is(actor, Role.SECURITY_ADMIN) and _other(actor, target)


def can_unlock(actor: Any) -> bool:
    return _is(actor, Role.SECURITY_ADMIN)


def can_reset_password(actor: Any, target: Any) -> bool:
    """The security administrator resets any other account; the system administrator only an
    account that is not privileged."""
    if not _other(actor, target):
        return False
    if _is(actor, Role.SECURITY_ADMIN):
        return True
    return _is(actor, Role.SYSTEM_ADMIN) and not _privileged(target)


def can_issue_enrolment(actor: Any, target: Any) -> bool:
    """A8: a privileged account's TOTP device is enrolled only through the security
    administrator's one-time link, never for itself."""
    return _is(actor, Role.SECURITY_ADMIN) and _other(actor, target) and _privileged(target)


def can_deactivate(actor: Any, target: Any) -> bool:
    """The system administrator disables ordinary accounts; the security administrator the
    privileged ones (never itself)."""
    if not _other(actor, target):
        return False
    if _privileged(target):
        return _is(actor, Role.SECURITY_ADMIN)
    return _is(actor, Role.SYSTEM_ADMIN)


def can_read_audit(actor: Any) -> bool:
    return _is(actor, Role.AUDIT_ADMIN)


def can_manage_regions(actor: Any) -> bool:
    return _is(actor, Role.SYSTEM_ADMIN)
