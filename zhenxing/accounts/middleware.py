"""Session rules (security.md A3, A5, A6) and the uniform answer to refused access (B4).

- idle timeout (30 min; 15 min for the three administrators) and a 12-hour absolute limit;
- privileged roles pass a TOTP second factor before any page (A6); a privileged account with no
  device sees only the page asking for an enrolment link, and the link's own page (A8);
- a one-time password (new or reset account) and a privileged password older than 90 days
  must be changed first (A3, A8);
- `request.zhenxing_gate` names the gate a request stands at ("otp", "password" or None), so
  the layout shows no menu or data before it is passed;
- `NotInScope` becomes 404 and `PermissionDenied` 403, each with one audit row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from zhenxing.audit.events import AuditEventType, Outcome
from zhenxing.audit.services import record
from zhenxing.core.errors import NotInScope

LOGIN_AT = "zhenxing_login_at"
LAST_SEEN = "zhenxing_last_seen"
# Pages a privileged user may reach before completing the second factor (A6). The password
# page is not among them: with the password alone it would let a thief change the password.
_OTP_FREE = ("web:otp", "web:logout", "web:set_language")
# The enrolment link's page (A8) lives under the second-factor page: /otp/enrol/<token>/.
_ENROL_SUFFIX = "enrol/"
# ... and, once past it, before changing a one-time password or one older than 90 days (A3).
_GATE_FREE = (*_OTP_FREE, "web:password_change")


def _gate_free_paths(names: tuple[str, ...] = _GATE_FREE) -> set[str]:
    return {reverse(name) for name in names}


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = timezone.now()
            login_at = request.session.get(LOGIN_AT)
            last_seen = request.session.get(LAST_SEEN)
            idle_limit = (
                settings.ZHENXING_ADMIN_IDLE_TIMEOUT
                if user.is_admin_role
                else settings.ZHENXING_IDLE_TIMEOUT
            )
            expired = (
                login_at is None
                or now - datetime.fromisoformat(login_at) > settings.ZHENXING_SESSION_ABSOLUTE
                or (last_seen and now - datetime.fromisoformat(last_seen) > idle_limit)
            )
            if expired:
                record(AuditEventType.SESSION_EXPIRED, actor=user)
                logout(request)
                return redirect(f"{reverse(settings.LOGIN_URL)}?expired=1")
            request.session[LAST_SEEN] = now.isoformat()
            if not request.path.startswith(settings.STATIC_URL):
                gate = self._gate(request, user, now)
                if gate is not None:
                    return gate
        return self.get_response(request)

    @staticmethod
    def _gate(request: HttpRequest, user: Any, now: datetime) -> HttpResponse | None:
        request.zhenxing_gate = None  # type: ignore[attr-defined]
        path = request.path
        # django-otp's middleware attaches is_verified() to the user.
        if user.is_privileged and not user.is_verified():
            request.zhenxing_gate = "otp"  # type: ignore[attr-defined]
            if path in _gate_free_paths(_OTP_FREE) or path.startswith(
                reverse("web:otp") + _ENROL_SUFFIX
            ):
                return None
            return redirect("web:otp")
        expired = (
            user.is_privileged
            and now - user.password_changed_at > settings.ZHENXING_PASSWORD_MAX_AGE
        )
        if user.must_change_password or expired:
            request.zhenxing_gate = "password"  # type: ignore[attr-defined]
            if path in _gate_free_paths():
                return None
            return redirect("web:password_change")
        return None


class AccessDeniedMiddleware:
    """Answers refused access in one way everywhere, after any transaction has rolled back,
    so the audit row of the refusal is kept."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotInScope):
            record(
                AuditEventType.SCOPE_DENIED,
                actor=request.user,
                object_type=exception.object_type,
                object_id=exception.object_ref,
                outcome=Outcome.DENIED,
                detail={"path": request.path[:200]},
            )
            return render(request, "web/404.html", status=404)
        if isinstance(exception, PermissionDenied):
            record(
                AuditEventType.PERMISSION_DENIED,
                actor=request.user,
                outcome=Outcome.DENIED,
                detail={"path": request.path[:200]},
            )
            return render(request, "web/403.html", status=403)
        return None
