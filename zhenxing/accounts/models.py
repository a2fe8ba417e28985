"""User accounts: one role each, bound to a region (or, for cadres, to paired households)."""

from __future__ import annotations

import unicodedata
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone

from zhenxing.accounts.roles import ADMIN_ROLES, PRIVILEGED_ROLES, Role


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
