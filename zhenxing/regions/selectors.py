"""Reads of divisions. Registry-bound roles see their own subtree and its ancestors."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role
from zhenxing.core.scope import ScopeKind, get_in_scope, scope_of
from zhenxing.regions.domain import RegionErrorCode, parse_division_code
from zhenxing.regions.models import Division


def division_current(code: str) -> Division:
    """The currently valid division with this code, or a `DomainError` naming the code."""
    parsed = parse_division_code(code)
    division = Division.objects.filter(code=parsed.code, valid_to__isnull=True).first()
    if division is None:
        raise DomainError(RegionErrorCode.UNKNOWN, field="code", code=code)
    return division


def divisions_visible(actor: Any) -> QuerySet[Division]:
    """The scope entry point for divisions: the actor's subtree (the system administrator,
    who maintains the roster, sees all)."""
    current = Division.objects.filter(valid_to__isnull=True)
    if (
        getattr(actor, "is_authenticated", False)
        and actor.is_active
        and actor.role == Role.SYSTEM_ADMIN
    ):
        return current
    scope = scope_of(actor)
    if scope.kind not in (ScopeKind.REGION, ScopeKind.PAIRED):
        return current.none()
    return current.filter(scope.region_q())


def division_roots(actor: Any) -> QuerySet[Division]:
    """Where the actor's region browser starts: the top of what it may see."""
    visible = divisions_visible(actor)
    region = getattr(actor, "region", None)
    if region is not None and getattr(actor, "role", "") != Role.SYSTEM_ADMIN:
        return visible.filter(pk=region.pk)
    return visible.filter(parent__isnull=True)


def division_get(actor: Any, code: str) -> Division:
    return get_in_scope(divisions_visible(actor), object_type="division", code=code)


def division_children(actor: Any, parent: Division) -> QuerySet[Division]:
    """Children of a visible division, each with the count of its own current children."""
    return (
        divisions_visible(actor)
        .filter(parent=parent)
        .annotate(child_count=Count("children", filter=Q(children__valid_to__isnull=True)))
        .order_by("code")
    )


def division_ancestors(division: Division) -> list[Division]:
    """The path from the county down to (not including) this division, for breadcrumbs."""
    chain: list[Division] = []
    node = division.parent
    while node is not None:
        chain.append(node)
        node = node.parent
    return list(reversed(chain))
