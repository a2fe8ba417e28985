from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenxing.accounts.enrolment import enrolment_issue
from zhenxing.accounts.management.commands.createuser import enrolment_lines
from zhenxing.accounts.models import User, username_key
from zhenxing.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "为需动态口令的账户签发一次性绑定链接（服务器操作员，例如唯一的安全管理员换了手机）/"
        " Issue a one-time second-factor enrolment link for a privileged account as the server"
        " operator (e.g. the only security administrator lost the phone)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username_key=username_key(options["username"])).first()
        if user is None:
            raise CommandError(f"没有账户“{options['username']}” / no such account")
        try:
            link, token = enrolment_issue(actor=None, user=user)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for line in enrolment_lines(token, f"{link.expires_at:%Y-%m-%d %H:%M}"):
            self.stdout.write(line)
