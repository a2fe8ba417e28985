"""The one place that turns an actor into what it may see (security.md B1).

Every selector of a region-bound model family filters with `scope_of(actor)`; a lookup that
misses raises `NotInScope`, which the web layer answers with 404 and an audit row.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet

from zhenxing.core.errors import NotInScope
from zhenxing.core.roles import Role

M = TypeVar("M", bound=Model)


class ScopeKind(enum.StrEnum):
    REGION = "region"  # everything under one county, town or village
    PAIRED = "paired"  # cadre: the households paired with this cadre
    BOOKS = "books"  # clerks: their own cooperative's or enterprise's books
    NONE = "none"  # administrators and unbound accounts see no registry data


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    county_code: str = ""
    town_code: str = ""
    village_code: str = ""
    user_id: int | None = None

    def region_q(self, prefix: str = "") -> Q:
        """Filter for rows that carry denormalised county/town/village code columns.

        Cadres are limited here to the region they work in; their household families narrow
        further to their pairings.
        """
        if self.kind in (ScopeKind.REGION, ScopeKind.PAIRED):
            if self.village_code:
                return Q(**{f"{prefix}village_code": self.village_code})
            if self.town_code:
                return Q(**{f"{prefix}town_code": self.town_code})
            if self.county_code:
                return Q(**{f"{prefix}county_code": self.county_code})
        return Q(pk__in=[])


def scope_of(actor: Any) -> Scope:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return Scope(ScopeKind.NONE)
    region = actor.region
    codes: dict[str, str] = {}
    if region is not None:
        codes = {
            "county_code": region.county_code,
            "town_code": region.town_code,
            "village_code": region.village_code,
        }
    if actor.role in (Role.COOP_CLERK, Role.ENTERPRISE_CLERK):
        return Scope(ScopeKind.BOOKS, user_id=actor.pk)
    if actor.role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN) or not codes:
        return Scope(ScopeKind.NONE, user_id=actor.pk)
    if actor.role == Role.CADRE:
        return Scope(ScopeKind.PAIRED, user_id=actor.pk, **codes)
    return Scope(ScopeKind.REGION, user_id=actor.pk, **codes)


def get_in_scope(queryset: QuerySet[M], *, object_type: str, **lookup: Any) -> M:
    """Fetch one object from an already scoped queryset, or raise `NotInScope`.

    A missing object and one outside the scope are indistinguishable to the caller on purpose.
    """
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError) as exc:
        ref = ",".join(str(v) for v in lookup.values())
        raise NotInScope(object_type, ref) from exc
