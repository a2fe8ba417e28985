from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zhenxing.audit.checkpoint import checkpoint_write


class Command(BaseCommand):
    help = (
        "记录审计链检查点（库外签名文件）/ Write a signed checkpoint of the audit chain head "
        "outside the database"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint = checkpoint_write()
        self.stdout.write(
            f"检查点：第 {checkpoint.seq} 条 → {checkpoint.path} / "
            f"checkpoint at row {checkpoint.seq} → {checkpoint.path}"
        )
