"""Who may change rules and parameters and who may run and publish screenings.

Holds `can_configure`, `can_run`, `can_publish`. Results are read through scoped selectors.
"""

from __future__ import annotations

from typing import Any

from zhenxing.core.roles import Role


def _is_district(actor: Any) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False)
        and actor.is_active
        and actor.role == Role.DISTRICT_STAFF
    )


def can_configure(actor: Any) -> bool:
    return _is_district(actor)


def can_run(actor: Any) -> bool:
    return _is_district(actor)


def can_publish(actor: Any) -> bool:
    return _is_district(actor)
