"""Who may do what in supervision (scope is the selectors' job).

Holds `can_manage_organisation`, `can_record_visit`, `can_assign_problem`, `can_rectify`,
`can_verify`, `can_manage_items`, `can_complete_item`, `can_manage_projects`,
`can_report_progress`, `can_read`.
"""

from __future__ import annotations

from typing import Any

from zhenxing.core.roles import Role

READERS = frozenset(
    {Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER, Role.CADRE, Role.SUPERVISOR}
)
OFFICE = frozenset({Role.DISTRICT_STAFF, Role.SUPERVISOR})


def _has(actor: Any, roles: frozenset[Role]) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False) and actor.is_active and actor.role in roles
    )


def can_read(actor: Any) -> bool:
    return _has(actor, READERS)


def can_manage_organisation(actor: Any) -> bool:
    """Groups, units, work teams, commanders and departments: the district office."""
    return _has(actor, frozenset({Role.DISTRICT_STAFF}))


def can_record_visit(actor: Any) -> bool:
    """A commander records a visit and turns findings into problems (district staff for them)."""
    return _has(actor, OFFICE)


def can_assign_problem(actor: Any) -> bool:
    return _has(actor, OFFICE)


def can_rectify(actor: Any) -> bool:
    """The owner's side reports the rectification with evidence."""
    return _has(actor, READERS)


def can_verify(actor: Any) -> bool:
    return _has(actor, frozenset({Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.SUPERVISOR}))


def can_manage_items(actor: Any) -> bool:
    return _has(actor, OFFICE)


def can_complete_item(actor: Any) -> bool:
    return _has(actor, READERS)


def can_manage_projects(actor: Any) -> bool:
    return _has(actor, frozenset({Role.DISTRICT_STAFF}))


def can_report_progress(actor: Any) -> bool:
    return _has(actor, frozenset({Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER}))
