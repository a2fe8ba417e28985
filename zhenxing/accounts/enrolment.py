"""A8: a privileged account's TOTP device is enrolled only through a one-time link that the
security administrator (or the operator at the command line) issues; never first-come.

Holds `enrolment_issue`, `enrolment_open`, `enrolment_confirm` and `code_was_used`.
A link is single-use, expires after `ZHENXING_ENROLMENT_TTL`, is bound to one account, and only
the SHA-256 of its token is stored. Issuing and using it are audited.
"""

from __future__ import annotations

import hashlib
import secrets
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhenxing.accounts import policies
from zhenxing.accounts.errors import AccountErrorCode
from zhenxing.accounts.models import OTPEnrolment, User
from zhenxing.accounts.services import CLI_OPERATOR, _denied
from zhenxing.audit.events import AuditEventType, Outcome
from zhenxing.audit.services import record
from zhenxing.core.errors import DomainError


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def enrolment_issue(*, actor: User | None, user: User) -> tuple[OTPEnrolment, str]:
    """A new link for `user` (any earlier open link is revoked); returns it and its token,
    which is shown once and never stored."""
    if actor is not None and not policies.can_issue_enrolment(actor, user):
        raise _denied(actor, "otp_enrolment_issue", user)
    if not user.is_privileged:
        raise DomainError(AccountErrorCode.ENROLMENT_NOT_PRIVILEGED, username=user.username)
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        OTPEnrolment.objects.filter(user=user, used_at=None, revoked_at=None).update(revoked_at=now)
        enrolment = OTPEnrolment.objects.create(
            user=user,
            token_hash=token_hash(token),
            issued_by=actor,
            issued_at=now,
            expires_at=now + settings.ZHENXING_ENROLMENT_TTL,
        )
        record(
            AuditEventType.OTP_ENROLMENT_ISSUED,
            actor=actor,
            obj=user,
            username=CLI_OPERATOR,
            detail={"enrolment": enrolment.pk, "expires_at": enrolment.expires_at.isoformat()},
        )
    return enrolment, token


def enrolment_open(*, user: User, token: str) -> OTPEnrolment | None:
    """The open link of `user` with this token, with the unconfirmed device it enrols; None
    when the token is unknown, used, revoked, expired or another account's."""
    enrolment = (
        OTPEnrolment.objects.select_related("device")
        .filter(token_hash=token_hash(token), user=user)
        .first()
    )
    if enrolment is None or not enrolment.is_open(timezone.now()):
        return None
    if enrolment.device is None:
        with transaction.atomic():
            enrolment.device = TOTPDevice.objects.create(
                user=user, name="enrolment", confirmed=False
            )
            enrolment.save(update_fields=["device"])
    return enrolment


def enrolment_confirm(*, user: User, enrolment: OTPEnrolment, code: str) -> TOTPDevice | None:
    """Confirm the device with its first code: the link is used up, any older device of the
    account is removed. A wrong code is audited and changes nothing."""
    device = enrolment.device
    if device is None or not code.isdigit() or not device.verify_token(code):
        record(
            AuditEventType.OTP_FAILED,
            actor=user,
            outcome=Outcome.FAILED,
            detail={"enrolment": enrolment.pk},
        )
        return None
    with transaction.atomic():
        device.confirmed = True
        device.name = "default"
        device.save(update_fields=["confirmed", "name"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        enrolment.used_at = timezone.now()
        enrolment.save(update_fields=["used_at"])
        record(
            AuditEventType.OTP_ENROLLED,
            actor=user,
            detail={"enrolment": enrolment.pk, "issued_by": enrolment.issued_by_id or "cli"},
        )
    return device


def code_was_used(device: TOTPDevice, code: str) -> bool:
    """True when `code` is the device's code for a time step already used to sign in (django-otp
    refuses it; this tells the user why)."""
    if not code.isdigit() or device.last_t < 0:
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    now_t = totp.t()
    steps = range(now_t - device.tolerance, min(now_t + device.tolerance, device.last_t) + 1)
    return any(hotp(device.bin_key, t, digits=device.digits) == int(code) for t in steps)
