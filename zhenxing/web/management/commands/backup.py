from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from zhenxing.audit.events import AuditEventType, Outcome
from zhenxing.audit.services import record
from zhenxing.core.backup import BackupError, database_backup

CLI_USERNAME = "operator (command line)"


class Command(BaseCommand):
    help = (
        "备份数据库（SQLite 在线备份；PostgreSQL pg_dump 自定义格式）/ Back up the database "
        "(SQLite online backup; PostgreSQL pg_dump -Fc)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="备份文件 / backup file")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        detail = {"vendor": connection.vendor, "path": str(out)[:200]}
        # Recorded first, so that the backup holds its own audit row.
        with transaction.atomic():
            record(AuditEventType.BACKUP, username=CLI_USERNAME, detail=detail)
        try:
            database_backup(out)
        except (BackupError, OSError) as exc:
            with transaction.atomic():
                record(
                    AuditEventType.BACKUP,
                    username=CLI_USERNAME,
                    outcome=Outcome.FAILED,
                    detail=detail,
                )
            raise CommandError(f"备份失败 / backup failed: {exc}") from exc
        size = out.stat().st_size
        self.stdout.write(f"已备份：{out}（{size} 字节）/ backed up to {out} ({size} bytes)")
