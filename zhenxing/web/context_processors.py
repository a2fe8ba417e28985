from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from zhenxing.web.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "zhenxing_gate", None):
        return {"menu": []}  # nothing before the second factor or a forced password change
    return {"menu": menu_for(user.role)}
