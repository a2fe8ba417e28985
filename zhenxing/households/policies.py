"""Who may change the registry and who may see personal data unmasked.

Holds `can_edit_registry`, `can_unmask`. Scope (which households) is the selectors' business;
these answer only "may this role do this at all".
"""

from __future__ import annotations

from typing import Any

from zhenxing.core.roles import Role

EDITORS = frozenset({Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER})
# Those who verify identities in the field or at the office; cadres and supervisors see masks.
UNMASKERS = frozenset({Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER})


def _active(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.is_active)


def can_edit_registry(actor: Any) -> bool:
    return _active(actor) and actor.role in EDITORS


def can_unmask(actor: Any) -> bool:
    return _active(actor) and actor.role in UNMASKERS


def can_import_roster(actor: Any) -> bool:
    return _active(actor) and actor.role in EDITORS


def can_pair(actor: Any) -> bool:
    """Pair cadres with households (结对帮扶): district and town staff."""
    return _active(actor) and actor.role in (Role.DISTRICT_STAFF, Role.TOWN_STAFF)
