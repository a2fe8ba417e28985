"""Who may approve and reverse postings (the ledger's own actions).

Holds `can_approve`, `can_reverse`. Which accounts an actor may read is `Books` (selectors).
"""

from __future__ import annotations

from typing import Any

from zhenxing.core.roles import Role


def _district(actor: Any) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False)
        and actor.is_active
        and actor.role == Role.DISTRICT_STAFF
    )


def can_approve(actor: Any) -> bool:
    return _district(actor)


def can_reverse(actor: Any) -> bool:
    return _district(actor)
