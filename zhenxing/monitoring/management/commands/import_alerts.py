"""`zhenxing import-alerts FILE --source SOURCE [--commit] [--skip-invalid]`.

Checks a department alert file as the server operator (the whole registry) and prints every
reported row: row, column, masked value, reason in Chinese and English. Nothing is written
without `--commit`; with it, invalid rows refuse the whole file unless `--skip-invalid`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenxing.core.errors import DomainError
from zhenxing.monitoring.imports import AlertIssue, AlertRefused, AlertReport, alerts_import
from zhenxing.monitoring.models import AlertSource


def issue_line(issue: AlertIssue) -> str:
    column = f"{issue.header_zh} {issue.header_en}".strip() or "-"
    value = f" 值 value「{issue.value}」" if issue.value else ""
    return (
        f"第 {issue.row} 行 row {issue.row} [{column}]{value}: "
        f"{issue.message_zh} / {issue.message_en}"
    )


class Command(BaseCommand):
    help = (
        "检查并导入部门预警名单 / Check and import a department alert file (xlsx or csv). "
        "Nothing is written without --commit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", required=True, choices=AlertSource.values)
        parser.add_argument("--commit", action="store_true", help="生成线索 / create the leads")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="跳过格式错误的行 / skip the invalid rows (after reading the report)",
        )

    def _print(self, report: AlertReport) -> None:
        for issue in report.issues:
            self.stdout.write(issue_line(issue))
        self.stdout.write(
            f"数据行 rows {report.rows}；格式错误 invalid {report.invalid}；"
            f"未匹配 unmatched {report.unmatched}；需核实 ambiguous {report.ambiguous}；"
            f"匹配 matched {report.matched}（已导入过 already imported {report.already}）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"找不到文件 / no such file: {path}")
        started = time.perf_counter()
        try:
            report = alerts_import(
                path,
                actor=None,
                source=options["source"],
                commit=options["commit"],
                skip_invalid=options["skip_invalid"],
            )
        except AlertRefused as exc:
            self._print(exc.report)
            raise CommandError(exc.error.message) from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self._print(report)
        elapsed = time.perf_counter() - started
        if report.committed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"已生成线索 leads created: {report.leads_created} ({elapsed:.1f}s)"
                )
            )
        else:
            self.stdout.write(
                "检查完成，未写入任何数据；加 --commit 生成线索 / checked, nothing written; "
                f"add --commit to create the leads ({elapsed:.1f}s)"
            )
