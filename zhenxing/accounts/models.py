"""User accounts: one role each, bound to a region (or, for cadres, to paired households)."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone

from zhenxing.core.roles import ADMIN_ROLES, PRIVILEGED_ROLES, Role


def username_key(username: str) -> str:
    """A1: the form under which two user names count as the same (NFKC, then case-folded)."""
    return unicodedata.normalize("NFKC", username).casefold().strip()


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username_key=username_key(username or ""))

    def create_user(self, username: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(username=unicodedata.normalize("NFKC", username).strip(), **fields)
        user.set_password(password)
        user.save()
        return user


class User(AbstractBaseUser):
    username = models.CharField("用户名 User name", max_length=150)
    username_key = models.CharField(max_length=150, unique=True, editable=False)
    full_name = models.CharField("姓名 Name", max_length=60, blank=True)
    role = models.CharField("角色 Role", max_length=20, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        "regions.Division",
        verbose_name="所属区划 Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField("启用 Active", default=True)
    password_changed_at = models.DateTimeField(default=timezone.now)
    date_joined = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(default=False, editable=False)
    # A8: a new or reset account holds a one-time password, changed at its first sign-in.
    must_change_password = models.BooleanField(default=False, editable=False)

    # Set only on the instance returned by `user_create` / `user_reset_password`: the one-time
    # password, to be shown once to the operator. Never stored.
    one_time_password: str | None = None

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "username_key"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["username_key"]

    def __str__(self) -> str:
        return self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.username_key = username_key(self.username)
        super().save(*args, **kwargs)

    def get_username(self) -> str:
        return self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def is_privileged(self) -> bool:
        return self.role in PRIVILEGED_ROLES

    @property
    def is_admin_role(self) -> bool:
        return self.role in ADMIN_ROLES

    # Django's admin is not installed; these keep third-party checks that probe them honest.
    is_staff = False
    is_superuser = False

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return False

    def has_module_perms(self, app_label: str) -> bool:
        return False


class PasswordHistory(models.Model):
    """A8: the hashes of an account's latest passwords, so none of the last five is reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="pwhist_user_latest")]

    def __str__(self) -> str:
        return f"password of user {self.user_id} at {self.created_at:%Y-%m-%d}"


class OTPEnrolment(models.Model):
    """A8: a one-time link, issued by the security administrator, through which one privileged
    account enrols its TOTP device. Only the SHA-256 of the token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    device = models.ForeignKey(
        "otp_totp.TOTPDevice", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"enrolment #{self.pk} of user {self.user_id}"

    def is_open(self, now: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and now < self.expires_at
