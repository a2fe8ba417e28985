"""One demo account per role, with fresh passwords printed once at each build.

The demo is the server operator building a demo: its accounts are marked `is_demo` (R3: they
cannot sign in under production settings), keep the printed password (no first-sign-in change)
and get their TOTP devices directly, their keys printed for `zhenxing otp-code`.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhenxing.accounts.models import User, username_key
from zhenxing.accounts.services import user_create
from zhenxing.core.roles import PRIVILEGED_ROLES, Role

# (user name, role, region code or None, full name). Town, village: 珍溪镇 and its 石牛村.
DEMO_ACCOUNTS: list[tuple[str, str, str | None, str]] = [
    ("district", Role.DISTRICT_STAFF, "500102", "区乡村振兴局 王科长"),
    ("town.zhenxi", Role.TOWN_STAFF, "500102104", "珍溪镇 李干事"),
    ("officer.shiniu", Role.VILLAGE_OFFICER, "500102104201", "石牛村信息员 张敏"),
    ("cadre.shiniu", Role.CADRE, "500102104201", "帮扶干部 刘洋"),
    ("coop.clerk", Role.COOP_CLERK, None, "合作社记账员 陈静"),
    ("enterprise.clerk", Role.ENTERPRISE_CLERK, None, "榨菜企业记账员 周涛"),
    ("supervisor", Role.SUPERVISOR, "500102", "督战队 赵队长"),
    ("sysadmin", Role.SYSTEM_ADMIN, None, "系统管理员"),
    ("secadmin", Role.SECURITY_ADMIN, None, "安全管理员"),
    ("auditadmin", Role.AUDIT_ADMIN, None, "审计管理员"),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role_label: str
    password: str
    totp_secret: str | None


def _password(username: str) -> str:
    # Four character classes and no user name; drawn again in the rare case the random part
    # holds a run or a sequence, so it passes every rule of security.md A2.
    while True:
        candidate = f"Zx-{secrets.token_urlsafe(9)}-7q"
        try:
            validate_password(candidate, User(username=username))
        except ValidationError:
            continue
        return candidate


def ensure_demo_accounts() -> list[DemoLogin]:
    """Create the demo accounts (or give existing ones new passwords) and return the logins."""
    logins: list[DemoLogin] = []
    with transaction.atomic():
        for username, role, region, full_name in DEMO_ACCOUNTS:
            password = _password(username)
            user = User.objects.filter(username_key=username_key(username)).first()
            if user is None:
                user = user_create(
                    actor=None,
                    username=username,
                    password=password,
                    role=role,
                    region_code=region,
                    full_name=full_name,
                    is_demo=True,
                )
            elif user.is_demo:
                user.set_password(password)
                user.save(update_fields=["password", "password_changed_at"])
            else:
                continue  # a real account with this name: never touch it
            secret = None
            if role in PRIVILEGED_ROLES:
                device, _ = TOTPDevice.objects.get_or_create(
                    user=user, name="demo", defaults={"confirmed": True}
                )
                secret = base64.b32encode(device.bin_key).decode()
            logins.append(DemoLogin(username, Role(role).label, password, secret))
    return logins
