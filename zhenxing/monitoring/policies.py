"""Who may do what in the monitoring procedure, role by role (scope is the selectors' job).

Holds `can_record_lead`, `can_accept_lead`, `can_run_screening_leads`, `can_import_alerts`,
`can_record_objection`, `can_record_income`, `can_record_measure`, `can_open_elimination`,
`can_review_declarations`. Which role takes which case step is the transition table in
`domain.py`, not a policy here.
"""

from __future__ import annotations

from typing import Any

from zhenxing.core.roles import Role

FIELD_ROLES = frozenset({Role.VILLAGE_OFFICER, Role.CADRE, Role.TOWN_STAFF, Role.DISTRICT_STAFF})
OFFICE_ROLES = frozenset({Role.VILLAGE_OFFICER, Role.TOWN_STAFF, Role.DISTRICT_STAFF})
READER_ROLES = FIELD_ROLES | {Role.SUPERVISOR}


def _has(actor: Any, roles: frozenset[Role]) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False) and actor.is_active and actor.role in roles
    )


def can_record_lead(actor: Any) -> bool:
    """A visit finding or a declaration filled in for a household (officer, cadre, staff)."""
    return _has(actor, FIELD_ROLES)


def can_record_supervision_lead(actor: Any) -> bool:
    """A supervision problem about a household's hardship (commanders and field staff)."""
    return _has(actor, READER_ROLES)


def can_accept_lead(actor: Any) -> bool:
    return _has(actor, OFFICE_ROLES)


def can_run_screening_leads(actor: Any) -> bool:
    return _has(actor, frozenset({Role.DISTRICT_STAFF, Role.TOWN_STAFF}))


def can_import_alerts(actor: Any) -> bool:
    """Department files cover the district: district staff import them."""
    return _has(actor, frozenset({Role.DISTRICT_STAFF}))


def can_record_objection(actor: Any) -> bool:
    return _has(actor, OFFICE_ROLES)


def can_record_income(actor: Any) -> bool:
    return _has(actor, FIELD_ROLES)


def can_record_measure(actor: Any) -> bool:
    return _has(actor, FIELD_ROLES)


def can_open_elimination(actor: Any) -> bool:
    return _has(actor, OFFICE_ROLES)


def can_review_declarations(actor: Any) -> bool:
    return _has(actor, OFFICE_ROLES)
