from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from zhenxing.accounts.models import username_key


class NormalisedUsernameBackend(ModelBackend):
    """Password login; the manager looks users up by their case-folded NFKC name (A1)."""


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """Count failures per normalised name, so 'Zhang' and 'ZHANG' share one counter."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username", "")
    return username_key(str(raw or ""))
