"""Audit rows for the authentication events raised by Django and django-axes (C1).

These are library events, not domain flow: the libraries offer no other hook.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from zhenxing.accounts.middleware import LAST_SEEN, LOGIN_AT
from zhenxing.accounts.models import username_key
from zhenxing.audit.events import AuditEventType, Outcome
from zhenxing.audit.models import AuditEvent
from zhenxing.audit.services import _PERSONAL_DATA, record


def _safe_name(raw: Any) -> str:
    """A mistyped user name may be an ID or phone number: never write that into the trail."""
    name = username_key(str(raw or ""))[:150]
    return "[已隐去 redacted]" if _PERSONAL_DATA.search(name) else name


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = timezone.now().isoformat()
        request.session[LOGIN_AT] = now
        request.session[LAST_SEEN] = now
    record(AuditEventType.LOGIN_OK, actor=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any) -> None:
    record(
        AuditEventType.LOGIN_FAILED,
        username=_safe_name(credentials.get("username")),
        outcome=Outcome.FAILED,
    )


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(AuditEventType.LOGOUT, actor=user)


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any, username: str, **kwargs: Any) -> None:
    # django-axes signals again at every attempt while locked; one lockout is one event (C1).
    name = _safe_name(username)
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    if AuditEvent.objects.filter(
        event=AuditEventType.LOCKOUT, actor_username=name, occurred_at__gte=since
    ).exists():
        return
    record(
        AuditEventType.LOCKOUT,
        username=name,
        outcome=Outcome.DENIED,
        detail={"minutes": 30},
    )
