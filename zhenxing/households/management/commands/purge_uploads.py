"""`zhenxing purge-uploads [--hours N]`: remove roster uploads nobody committed or discarded.

An uploaded roster holds names, ID numbers and bank accounts in plain text; it stays under
`VAR_DIR/uploads/` only until it is committed or discarded (both remove it at once), and this
command, run daily by the operator's scheduler (cron, a systemd timer), removes the ones older
than a day, with what their check jobs kept of the report (security.md D5). Every upload also
runs the same purge.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenxing.households.imports import STALE_AFTER, uploads_purge


class Command(BaseCommand):
    help = (
        "删除超过一天未导入也未放弃的花名册上传文件 / "
        "Remove roster uploads older than a day that were neither committed nor discarded"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=float,
            default=STALE_AFTER / 3600,
            help="保留时长（小时，默认 24）/ age in hours after which an upload is removed",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        hours: float = options["hours"]
        if hours < 0:
            raise CommandError("--hours 不能为负数 / --hours must not be negative")
        removed = uploads_purge(hours * 3600)
        self.stdout.write(f"已删除 removed: {removed} 个上传文件 uploads")
