from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from zhenxing.accounts.models import username_key


class NormalisedUsernameBackend(ModelBackend):
    """Password login; the manager looks users up by their case-folded NFKC name (A1).

    R3: under production settings a demo-created account can neither sign in nor keep a
    session (`get_user` asks the same question)."""

    def user_can_authenticate(self, user: Any) -> bool:
        if getattr(user, "is_demo", False) and settings.ZHENXING_PRODUCTION:
            return False
        return super().user_can_authenticate(user)


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """Count failures per normalised name, so 'Zhang' and 'ZHANG' share one counter."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username", "")
    return username_key(str(raw or ""))
