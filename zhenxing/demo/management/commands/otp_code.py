"""Print the current one-time code of a demo account (demo accounts only)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhenxing.accounts.models import username_key


class Command(BaseCommand):
    help = "显示演示账户当前动态口令 / Show a demo account's current one-time code"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        device = TOTPDevice.objects.filter(
            user__username_key=username_key(options["username"]),
            user__is_demo=True,
            confirmed=True,
        ).first()
        if device is None:
            raise CommandError("不是带动态口令的演示账户 / not a demo account with a TOTP device")
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(
            f"{code:0{device.digits}d}  (有效约 {device.step - int(time.time()) % device.step} 秒)"
        )
