from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhenxing.audit.checkpoint import checkpoint_latest
from zhenxing.audit.models import AuditEvent
from zhenxing.audit.services import verify_chain


class Command(BaseCommand):
    help = "校验审计链 / Verify the audit chain (exit 1 when any row was edited or deleted)"

    def handle(self, *args: Any, **options: Any) -> None:
        problems = verify_chain()
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"审计链已被破坏：{len(problems)} 处 / audit chain broken in {len(problems)} places"
            )
        count = AuditEvent.objects.count()
        self.stdout.write(f"审计链完整：{count} 条 / audit chain intact: {count} rows")
        latest = checkpoint_latest()
        if latest is None:
            self.stdout.write(
                "尚无库外检查点（运行 zhenxing audit-checkpoint）/ no checkpoint yet "
                "(run zhenxing audit-checkpoint)"
            )
        else:
            self.stdout.write(
                f"与检查点一致：第 {latest.seq} 条（{latest.at}）/ "
                f"matches the checkpoint at row {latest.seq} ({latest.at})"
            )
