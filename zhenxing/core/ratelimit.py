"""Per-client limits for the anonymous pages (security.md R5), counted in Django's cache.

Holds:
- `client_key(request)`: the client's address (after the trusted-proxy rewrite), hashed.
- `hit(group, request)`: count one request of `group` in the current window.
- `first_in_window(name, request)`: true once per client, group and window (bounded audit).
- `rate_limited(group)`: the view decorator. Above the limit it raises `RateLimited`, which
  `zhenxing.web.middleware.RateLimitedMiddleware` answers with 429; an anonymous
  request that is refused (`NotInScope`, e.g. a wrong receipt code) is audited only the first
  time per client and window and answered with the same 404 afterwards, so a flood of
  anonymous requests writes a bounded number of chained audit rows.

Limits are `ZHENXING_RATE_LIMITS = {group: (requests, seconds)}`.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render

from zhenxing.core.errors import NotInScope

View = Callable[..., HttpResponseBase]


def _limits(group: str) -> tuple[int, int]:
    requests, seconds = settings.ZHENXING_RATE_LIMITS[group]
    return int(requests), int(seconds)


def client_key(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR") or "-"
    return hashlib.sha256(f"zhenxing-client:{address}".encode()).hexdigest()[:32]


def _slot_key(kind: str, group: str, request: HttpRequest) -> tuple[str, int]:
    _, seconds = _limits(group)
    slot = int(time.time() // seconds)
    return f"zx:{kind}:{group}:{client_key(request)}:{slot}", seconds * 2


def hit(group: str, request: HttpRequest) -> int:
    """How many requests this client has made in the group's current window, this one included."""
    key, timeout = _slot_key("rl", group, request)
    cache.add(key, 0, timeout=timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def first_in_window(name: str, group: str, request: HttpRequest) -> bool:
    key, timeout = _slot_key(name, group, request)
    return bool(cache.add(key, 1, timeout=timeout))


class RateLimited(Exception):
    """Above the limit: the web layer answers 429 (and audits the first refusal per window)."""

    def __init__(self, group: str, retry_after: int) -> None:
        self.group = group
        self.retry_after = retry_after
        super().__init__(f"rate limit of {group} reached")


def rate_limited(group: str) -> Callable[[View], View]:
    """Limit the view per client; keep the audit rows of anonymous refusals bounded."""
    _limits(group)  # an unknown group fails at import, not at the first request

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            limit, seconds = _limits(group)
            if hit(group, request) > limit:
                raise RateLimited(group, seconds)
            try:
                return view(request, *args, **kwargs)
            except NotInScope:
                anonymous = not getattr(request.user, "is_authenticated", False)
                if not anonymous or first_in_window("denied", group, request):
                    raise  # answered 404 and audited by the access middleware
                return render(request, "web/404.html", status=404)

        return wrapper

    return decorate
