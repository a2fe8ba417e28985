"""Who may administer accounts (security.md B5: the three administrators' rights are disjoint).

Holds `can_create_user`, `can_grant_role`, `can_unlock`, `can_read_audit`, `can_manage_regions`.
"""

from __future__ import annotations

from typing import Any

from zhenxing.accounts.roles import Role


def _is(actor: Any, role: Role) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False) and actor.is_active and actor.role == role
    )


def can_create_user(actor: Any) -> bool:
    """The system administrator opens and closes accounts; it grants no role to itself."""
    return _is(actor, Role.SYSTEM_ADMIN)


def can_grant_role(actor: Any, target: Any) -> bool:
    """Only the security administrator changes role grants, and never its own."""
    return _is(actor, Role.SECURITY_ADMIN) and getattr(target, "pk", None) != actor.pk


def can_unlock(actor: Any) -> bool:
    return _is(actor, Role.SECURITY_ADMIN)


def can_read_audit(actor: Any) -> bool:
    return _is(actor, Role.AUDIT_ADMIN)


def can_manage_regions(actor: Any) -> bool:
    return _is(actor, Role.SYSTEM_ADMIN)
