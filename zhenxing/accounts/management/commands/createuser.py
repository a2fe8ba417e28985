from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenxing.accounts.enrolment import enrolment_issue
from zhenxing.accounts.services import user_create
from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role


def enrolment_lines(token: str, expires: str) -> list[str]:
    return [
        f"动态口令绑定链接 enrolment link: /otp/enrol/{token}/",
        f"  （仅此一次显示，只能使用一次，{expires} 前有效；账户持有人登录后在本站打开 /"
        f" shown once, single use, valid until {expires}; the holder opens it on this site after"
        " signing in)",
    ]


class Command(BaseCommand):
    help = (
        "创建账户（服务器操作员）：生成一次性初始密码，首次登录须修改；需动态口令的角色同时签发"
        "一次性绑定链接 / Create an account as the server operator: a one-time password is"
        " generated (changed at the first sign-in), and a privileged role gets a one-time"
        " second-factor enrolment link."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--region", default=None, help="区划代码 / division code")
        parser.add_argument("--full-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = user_create(
                actor=None,
                username=options["username"],
                role=options["role"],
                region_code=options["region"],
                full_name=options["full_name"],
            )
            lines = [
                f"已创建 created: {user.username} ({user.get_role_display()})",
                f"一次性初始密码 one-time password: {user.one_time_password}",
                "  （仅此一次显示，首次登录须修改 / shown once; changed at the first sign-in)",
            ]
            if user.is_privileged:
                link, token = enrolment_issue(actor=None, user=user)
                lines += enrolment_lines(token, f"{link.expires_at:%Y-%m-%d %H:%M}")
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for line in lines:
            self.stdout.write(line)
