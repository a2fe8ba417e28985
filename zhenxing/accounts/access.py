"""Every view declares how it is guarded: `@scoped(...)` or `@exempt(reason=...)` (security.md B2).

`unclassified_views()` walks the URL configuration (Django patterns and django-ninja operations)
and lists every view that declares neither; a system check and a test fail on any.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.urls import URLPattern, URLResolver, get_resolver

from zhenxing.audit.events import AuditEventType, Outcome
from zhenxing.audit.services import record

ACCESS_ATTR = "zhenxing_access"

View = Callable[..., HttpResponseBase]


def scoped(*roles: str) -> Callable[[View], View]:
    """The view needs a login (and one of `roles`, when given) and reads only through
    scoped selectors."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if roles and request.user.role not in roles:
                raise PermissionDenied(request.path)
            return view(request, *args, **kwargs)

        setattr(wrapper, ACCESS_ATTR, ("scoped", roles))
        return wrapper

    return decorate


def exempt(reason: str) -> Callable[[Any], Any]:
    """The view reads no scoped data; `reason` says why (e.g. the login page)."""
    if not reason.strip():
        raise ValueError("an exempt view must say why")

    def decorate(view: Any) -> Any:
        setattr(view, ACCESS_ATTR, ("exempt", reason))
        return view

    return decorate


def require_allowed(allowed: bool, actor: Any, action: str) -> None:
    """A service's permission gate: refuse, with an audit row, unless `allowed`.

    `actor=None` is the operator at the server's command line, who is always allowed. The row
    is written before the refusal so it survives the caller's rolled-back transaction.
    """
    if actor is not None and not allowed:
        record(
            AuditEventType.PERMISSION_DENIED,
            actor=actor,
            outcome=Outcome.DENIED,
            detail={"action": action},
        )
        raise PermissionDenied(action)


def _callbacks(patterns: Iterable[Any], prefix: str = "") -> Iterable[tuple[str, Any]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _callbacks(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _ninja_operations(callback: Any) -> list[Any] | None:
    """django-ninja routes one URL to a closure over a PathView holding its operations."""
    for cell in getattr(callback, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if isinstance(operations, list):
            return operations
    return None


def unclassified_views(patterns: Iterable[Any] | None = None) -> list[str]:
    if patterns is None:
        patterns = get_resolver().url_patterns
    missing: list[str] = []
    for route, callback in _callbacks(patterns):
        operations = _ninja_operations(callback)
        if operations is not None:
            for op in operations:
                if not hasattr(op.view_func, ACCESS_ATTR):
                    missing.append(f"{route} [{op.view_func.__qualname__}]")
            continue
        view = getattr(callback, "view_class", None) or callback
        if not (hasattr(callback, ACCESS_ATTR) or hasattr(view, ACCESS_ATTR)):
            missing.append(f"{route} [{getattr(callback, '__qualname__', callback)!r}]")
    return missing
