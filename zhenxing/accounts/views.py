"""Sign-in, second factor, password change, and the administrators' account pages."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhenxing.accounts import enrolment, policies, services
from zhenxing.accounts.access import exempt, scoped
from zhenxing.accounts.errors import AccountErrorCode
from zhenxing.accounts.models import User
from zhenxing.audit.events import AuditEventType, Outcome
from zhenxing.audit.services import record
from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role
from zhenxing.core.scope import get_in_scope


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误 / Wrong user name or password",
        "inactive": "该账户已停用 / This account is disabled",
    }


@exempt("the sign-in page shows no data")
class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@exempt("signing out shows no data")
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth import logout

    logout(request)  # deletes the server-side session (A5)
    return redirect("web:login")


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    return render(request, "web/locked.html", status=429)


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def _private(response: HttpResponse) -> HttpResponse:
    """A page that shows a secret once: never cached, never kept by the browser."""
    response["Cache-Control"] = "no-store"
    return response


@exempt("the signed-in user's own second factor; no registry data")
@login_required
def otp_view(request: HttpRequest) -> HttpResponse:
    """Verify the code of an enrolled device. An account without one is told to ask the
    security administrator for an enrolment link (A8): never first-come enrolment here."""
    user: User = request.user  # type: ignore[assignment]
    if not user.is_privileged or user.is_verified():  # type: ignore[attr-defined]
        return redirect("web:home")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return render(request, "web/otp_ask.html")
    error = ""
    if request.method == "POST":
        token = request.POST.get("token", "").strip()
        if token.isdigit() and device.verify_token(token):
            otp_login(request, device)
            return redirect("web:home")
        reused = enrolment.code_was_used(device, token)
        record(
            AuditEventType.OTP_FAILED,
            actor=user,
            outcome=Outcome.FAILED,
            detail={"reason": "reused" if reused else "wrong"},
        )
        error = str(_("This code has already been used.") if reused else _("Wrong one-time code."))
    return render(request, "web/otp.html", {"error": error})


@exempt("the signed-in user's own enrolment link; no registry data")
@login_required
def otp_enrol_view(request: HttpRequest, token: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    link = enrolment.enrolment_open(user=user, token=token) if user.is_privileged else None
    if link is None or link.device is None:
        record(
            AuditEventType.OTP_FAILED,
            actor=user,
            outcome=Outcome.FAILED,
            detail={"reason": "enrolment_link"},
        )
        return render(request, "web/otp_ask.html", {"invalid_link": True}, status=404)
    error = ""
    if request.method == "POST":
        code = request.POST.get("token", "").strip()
        device = enrolment.enrolment_confirm(user=user, enrolment=link, code=code)
        if device is not None:
            otp_login(request, device)
            return redirect("web:home")
        error = str(_("Wrong one-time code."))
    context = {
        "qr_svg": _qr_svg(link.device.config_url),
        "secret": base64.b32encode(link.device.bin_key).decode(),
        "error": error,
    }
    return _private(render(request, "web/otp_enrol.html", context))


@exempt("the signed-in user's own password")
@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_change_own_password(
                actor=request.user,  # type: ignore[arg-type]
                password=form.cleaned_data["new_password1"],
            )
        except DomainError as exc:
            form.add_error("new_password1", exc.message)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Password changed."))
            return redirect("web:home")
    return render(request, "web/password_change.html", {"form": form})


ACCOUNT_ADMINS = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)


@dataclass(frozen=True)
class AccountRow:
    user: User
    can_grant: bool
    can_unlock: bool
    can_reset: bool
    can_enrol: bool
    can_deactivate: bool


@scoped(*ACCOUNT_ADMINS)
def accounts_view(request: HttpRequest) -> HttpResponse:
    actor = request.user
    users = User.objects.select_related("region").order_by("username_key")
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    rows = [
        AccountRow(
            user=u,
            can_grant=policies.can_grant_role(actor, u),
            can_unlock=policies.can_unlock(actor),
            can_reset=policies.can_reset_password(actor, u),
            can_enrol=policies.can_issue_enrolment(actor, u),
            can_deactivate=u.is_active and policies.can_deactivate(actor, u),
        )
        for u in page
    ]
    return render(
        request,
        "web/accounts.html",
        {"page": page, "rows": rows, "roles": Role.choices},
    )


def _form_error(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.message)


def _refused(request: HttpRequest, exc: DomainError) -> HttpResponse | None:
    """B5: a refused administrator's action answers 403 (its audit row is already written)."""
    if exc.code in (AccountErrorCode.NOT_ALLOWED, AccountErrorCode.SELF_GRANT):
        return render(request, "web/403.html", status=403)
    return None


def _secret_page(request: HttpRequest, **context: Any) -> HttpResponse:
    return _private(render(request, "web/account_secret.html", context))


@scoped(Role.SYSTEM_ADMIN)
@require_POST
def account_create_view(request: HttpRequest) -> HttpResponse:
    try:
        user = services.user_create(
            actor=request.user,  # type: ignore[arg-type]
            username=request.POST.get("username", ""),
            full_name=request.POST.get("full_name", ""),
            role="",
        )
    except DomainError as exc:
        refused = _refused(request, exc)
        if refused is not None:
            return refused
        _form_error(request, exc)
        return redirect("web:accounts")
    return _secret_page(
        request,
        heading=_("Account created"),
        target=user,
        password=user.one_time_password,
        note=_("The security administrator grants its role."),
    )


@scoped(Role.SECURITY_ADMIN)
@require_POST
def account_grant_view(request: HttpRequest, user_id: int) -> HttpResponse:
    target = get_in_scope(User.objects.all(), object_type="user", pk=user_id)
    try:
        services.user_grant_role(
            actor=request.user,  # type: ignore[arg-type]
            user=target,
            role=request.POST.get("role", ""),
            region_code=request.POST.get("region", "").strip() or None,
        )
        messages.success(request, _("Role changed."))
    except DomainError as exc:
        refused = _refused(request, exc)
        if refused is not None:
            return refused
        _form_error(request, exc)
    return redirect("web:accounts")


@scoped(Role.SECURITY_ADMIN)
@require_POST
def account_unlock_view(request: HttpRequest, user_id: int) -> HttpResponse:
    target = get_in_scope(User.objects.all(), object_type="user", pk=user_id)
    services.user_unlock(actor=request.user, user=target)  # type: ignore[arg-type]
    messages.success(request, _("Account unlocked."))
    return redirect("web:accounts")


@scoped(*ACCOUNT_ADMINS)
@require_POST
def account_reset_password_view(request: HttpRequest, user_id: int) -> HttpResponse:
    target = get_in_scope(User.objects.all(), object_type="user", pk=user_id)
    try:
        services.user_reset_password(actor=request.user, user=target)  # type: ignore[arg-type]
    except DomainError as exc:
        return _refused(request, exc) or redirect("web:accounts")
    return _secret_page(
        request, heading=_("Password reset"), target=target, password=target.one_time_password
    )


@scoped(Role.SECURITY_ADMIN)
@require_POST
def account_enrolment_view(request: HttpRequest, user_id: int) -> HttpResponse:
    target = get_in_scope(User.objects.all(), object_type="user", pk=user_id)
    try:
        link, token = enrolment.enrolment_issue(actor=request.user, user=target)  # type: ignore[arg-type]
    except DomainError as exc:
        refused = _refused(request, exc)
        if refused is not None:
            return refused
        _form_error(request, exc)
        return redirect("web:accounts")
    return _secret_page(
        request,
        heading=_("Second-factor enrolment link"),
        target=target,
        link=request.build_absolute_uri(reverse("web:otp_enrol", args=[token])),
        expires_at=link.expires_at,
    )


@scoped(*ACCOUNT_ADMINS)
@require_POST
def account_deactivate_view(request: HttpRequest, user_id: int) -> HttpResponse:
    target = get_in_scope(User.objects.all(), object_type="user", pk=user_id)
    try:
        services.user_deactivate(actor=request.user, user=target)  # type: ignore[arg-type]
    except DomainError as exc:
        return _refused(request, exc) or redirect("web:accounts")
    messages.success(request, _("Account disabled."))
    return redirect("web:accounts")
