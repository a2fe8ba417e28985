from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zhenxing.web.operations import retention_run


class Command(BaseCommand):
    help = (
        "清理保存期满的个人信息（不少于 1 年；审计记录不清理）/ Remove personal data past its "
        "retention (never younger than a year; never audit rows)"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for model, rows in retention_run().items():
            self.stdout.write(f"{model}: {rows}")
