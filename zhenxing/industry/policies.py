"""Who may do what in the benefit chain, by role. Which objects: the selectors' scope.

Holds `can_configure` (seasons, parties, settlement, dividends: district staff),
`can_bind_clerks` (the security administrator: binding a clerk to books is a grant of scope),
`can_sign_order`, `can_sign_protection`, `can_pay_deposit`, `can_set_price`, `can_weigh`,
`can_deliver`, `can_read`.
"""

from __future__ import annotations

from typing import Any

from zhenxing.core.roles import Role

READERS = frozenset({Role.DISTRICT_STAFF, Role.COOP_CLERK, Role.ENTERPRISE_CLERK})


def _role(actor: Any) -> str | None:
    if not (getattr(actor, "is_authenticated", False) and actor.is_active):
        return None
    return str(actor.role)


def can_read(actor: Any) -> bool:
    return _role(actor) in READERS


def can_configure(actor: Any) -> bool:
    return _role(actor) == Role.DISTRICT_STAFF


def can_bind_clerks(actor: Any) -> bool:
    return _role(actor) == Role.SECURITY_ADMIN


def can_sign_order(actor: Any) -> bool:
    return _role(actor) in (Role.DISTRICT_STAFF, Role.ENTERPRISE_CLERK)


def can_sign_protection(actor: Any) -> bool:
    return _role(actor) in (Role.DISTRICT_STAFF, Role.COOP_CLERK)


def can_pay_deposit(actor: Any) -> bool:
    return _role(actor) in READERS


def can_set_price(actor: Any) -> bool:
    return _role(actor) in (Role.DISTRICT_STAFF, Role.COOP_CLERK)


def can_weigh(actor: Any) -> bool:
    return _role(actor) == Role.COOP_CLERK


def can_deliver(actor: Any) -> bool:
    return _role(actor) in READERS
