"""Who may do what in assistance (scope — which households — is the selectors' business)."""

from __future__ import annotations

from typing import Any

from zhenxing.core.roles import Role

STAFF = frozenset({Role.DISTRICT_STAFF, Role.TOWN_STAFF})
FIELD = frozenset({Role.VILLAGE_OFFICER, Role.CADRE})
READERS = STAFF | FIELD | {Role.SUPERVISOR}


def _active(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.is_active)


def can_record_measure(actor: Any) -> bool:
    return _active(actor) and actor.role in STAFF | FIELD


def can_review_plan(actor: Any) -> bool:
    """Accept, edit or reject proposed plan items; propose the district's plans."""
    return _active(actor) and actor.role in STAFF | {Role.VILLAGE_OFFICER}


def can_propose_plans(actor: Any) -> bool:
    return _active(actor) and actor.role == Role.DISTRICT_STAFF


def can_pair(actor: Any) -> bool:
    return _active(actor) and actor.role in STAFF


def can_assign_officer(actor: Any) -> bool:
    return _active(actor) and actor.role in STAFF


def can_visit(actor: Any) -> bool:
    return _active(actor) and actor.role in FIELD | STAFF


def can_print(actor: Any) -> bool:
    return _active(actor) and actor.role in STAFF | {Role.VILLAGE_OFFICER}


def can_resolve(actor: Any) -> bool:
    return _active(actor) and actor.role in STAFF | {Role.VILLAGE_OFFICER}
