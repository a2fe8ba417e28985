from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from zhenxing.audit.checkpoint import checkpoint_supersede, checkpoint_write
from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record, verify_chain
from zhenxing.core.backup import BackupError, database_restore, table_counts
from zhenxing.ledger.services import ledger_verify
from zhenxing.web.management.commands.backup import CLI_USERNAME


class Command(BaseCommand):
    help = (
        "从备份恢复数据库，并校验审计链与账务平衡 / Restore the database from a backup, then "
        "check the audit chain and the ledger"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="备份文件 / backup file")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="确认替换当前数据库 / confirm that the current database is replaced",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError(
                "恢复会替换当前数据库的全部内容，请加 --yes 确认 / restoring replaces the whole "
                "database: add --yes to confirm"
            )
        source: Path = options["source"]
        try:
            database_restore(source)
        except (BackupError, OSError) as exc:
            raise CommandError(f"恢复失败 / restore failed: {exc}") from exc
        # The restored chain is the backup's: checkpoints of the replaced one are set aside.
        aside = checkpoint_supersede()
        with transaction.atomic():
            record(
                AuditEventType.RESTORE,
                username=CLI_USERNAME,
                detail={"vendor": connection.vendor, "path": str(source)[:200]},
            )
        checkpoint_write()
        if aside is not None:
            self.stdout.write(f"旧检查点已移至 / earlier checkpoints moved to {aside}")
        self.stdout.write("counts: " + json.dumps(table_counts(), sort_keys=True))
        problems = [str(p) for p in verify_chain()]
        ledger = ledger_verify()
        for problem in problems:
            self.stderr.write(problem)
        if not ledger.ok:
            self.stderr.write(f"账务不平 / ledger check failed: {ledger}")
        if problems or not ledger.ok:
            raise CommandError("恢复后校验未通过 / the restored database failed its checks")
        self.stdout.write(
            "已恢复，审计链完整，账务平衡 / restored; audit chain intact; ledger balanced"
        )
