"""`zhenxing demo`: build the demo district on the embedded database, print logins, serve."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenxing.demo.accounts import ensure_demo_accounts
from zhenxing.demo.regions import demo_region_rows
from zhenxing.regions.services import regions_load_roster


class Command(BaseCommand):
    help = "构建演示区县并启动网站 / Build the demo district and serve the site"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="规模 / size (1 = Fuling)")
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--no-serve", action="store_true")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        scale = options["scale"]
        if not 0 < scale <= 5:
            raise CommandError("--scale 应在 0 到 5 之间 / --scale must be in (0, 5]")
        started = time.perf_counter()
        rows = demo_region_rows(seed=options["seed"], scale=scale)
        report = regions_load_roster(
            actor=None,
            rows=[(i + 1, code, name) for i, (code, name) in enumerate(rows)],
            valid_from=date(2016, 12, 31),
            illustrative=True,
        )
        if report.errors:
            raise CommandError("; ".join(e.message for e in report.errors[:5]))
        logins = ensure_demo_accounts()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"演示区县已就绪 / demo district ready: 区划 divisions +{report.created}"
            f" ({elapsed:.1f}s)"
        )
        self.stdout.write(
            "\n登录账户 Logins (密码每次构建重新生成 / new passwords at every build):"
        )
        for login in logins:
            line = f"  {login.username:<18} {login.password:<22} {login.role_label}"
            if login.totp_secret:
                line += f"\n  {'':<18} 动态口令密钥 TOTP key: {login.totp_secret}"
            self.stdout.write(line)
        self.stdout.write(
            "  区县人员与三员登录时需动态口令：用验证器添加上面的密钥，或运行 "
            "`zhenxing otp-code 用户名` / District staff and administrators need a one-time"
            " code: add the key to an authenticator app, or run `zhenxing otp-code USER`."
        )
        if not options["no_serve"]:
            call_command("serve", host=options["host"], port=options["port"])
