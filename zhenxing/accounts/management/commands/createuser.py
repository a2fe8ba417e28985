from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenxing.accounts.roles import Role
from zhenxing.accounts.services import user_create
from zhenxing.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "创建账户（服务器操作员）/ Create an account as the server operator. The password is"
        " asked for, or read from ZHENXING_PASSWORD or standard input (--password-stdin)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--region", default=None, help="区划代码 / division code")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--password-stdin", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        elif os.environ.get("ZHENXING_PASSWORD"):
            password = os.environ["ZHENXING_PASSWORD"]
        else:
            password = getpass.getpass("密码 Password: ")
            if password != getpass.getpass("再次输入 Again: "):
                raise CommandError("两次输入的密码不一致 / the passwords differ")
        try:
            user = user_create(
                actor=None,
                username=options["username"],
                password=password,
                role=options["role"],
                region_code=options["region"],
                full_name=options["full_name"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"已创建 created: {user.username} ({user.get_role_display()})")
