"""Sign-in, second factor, password change, and the administrators' account pages."""

from __future__ import annotations

import base64
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
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhenxing.accounts import services
from zhenxing.accounts.access import exempt, scoped
from zhenxing.accounts.models import User
from zhenxing.accounts.roles import Role
from zhenxing.accounts.scope import get_in_scope
from zhenxing.audit.events import AuditEventType, Outcome
from zhenxing.audit.services import record
from zhenxing.core.errors import DomainError


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


@exempt("the signed-in user's own second factor; no registry data")
@login_required
def otp_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if device is None:
        device, _created = TOTPDevice.objects.get_or_create(
            user=user, confirmed=False, defaults={"name": "default"}
        )
    error = ""
    if request.method == "POST":
        token = request.POST.get("token", "").strip()
        if token.isdigit() and device.verify_token(token):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                record(AuditEventType.OTP_ENROLLED, actor=user)
            otp_login(request, device)
            return redirect("web:home")
        record(AuditEventType.OTP_FAILED, actor=user, outcome=Outcome.FAILED)
        error = "动态口令错误 / Wrong one-time code"
    context: dict[str, Any] = {"enrolling": enrolling, "error": error}
    if enrolling:
        context["qr_svg"] = _qr_svg(device.config_url)
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "web/otp.html", context)


@exempt("the signed-in user's own password")
@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        record(AuditEventType.PASSWORD_CHANGE, actor=user)
        messages.success(request, _("Password changed."))
        return redirect("web:home")
    return render(request, "web/password_change.html", {"form": form})


ACCOUNT_ADMINS = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)


@scoped(*ACCOUNT_ADMINS)
def accounts_view(request: HttpRequest) -> HttpResponse:
    users = User.objects.select_related("region").order_by("username_key")
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "web/accounts.html",
        {
            "page": page,
            "roles": Role.choices,
            "can_grant": getattr(request.user, "role", "") == Role.SECURITY_ADMIN,
        },
    )


def _form_error(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.message)


@scoped(Role.SYSTEM_ADMIN)
@require_POST
def account_create_view(request: HttpRequest) -> HttpResponse:
    try:
        services.user_create(
            actor=request.user,  # type: ignore[arg-type]
            username=request.POST.get("username", ""),
            password=request.POST.get("password", ""),
            full_name=request.POST.get("full_name", ""),
            role="",
        )
        messages.success(request, _("Account created; the security administrator grants its role."))
    except DomainError as exc:
        _form_error(request, exc)
    return redirect("web:accounts")


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
        _form_error(request, exc)
    return redirect("web:accounts")


@scoped(Role.SECURITY_ADMIN)
@require_POST
def account_unlock_view(request: HttpRequest, user_id: int) -> HttpResponse:
    target = get_in_scope(User.objects.all(), object_type="user", pk=user_id)
    services.user_unlock(actor=request.user, user=target)  # type: ignore[arg-type]
    messages.success(request, _("Account unlocked."))
    return redirect("web:accounts")


@scoped(Role.SYSTEM_ADMIN)
@require_POST
def account_deactivate_view(request: HttpRequest, user_id: int) -> HttpResponse:
    target = get_in_scope(User.objects.all(), object_type="user", pk=user_id)
    services.user_deactivate(actor=request.user, user=target)  # type: ignore[arg-type]
    messages.success(request, _("Account disabled."))
    return redirect("web:accounts")
