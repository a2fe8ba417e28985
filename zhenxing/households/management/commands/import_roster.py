"""`zhenxing import-roster FILE [--commit] [--skip-invalid] [--report OUT.xlsx]`.

Checks a roster file as the server operator (scope: the whole registry) and prints every
issue: row, column, masked value, reason in Chinese and English. Writes nothing without
`--commit`; with it, a file with any issue is refused as a whole (non-zero exit) unless
`--skip-invalid` asks for exactly the valid households.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenxing.core.errors import DomainError
from zhenxing.households.imports import (
    ImportIssue,
    ImportReport,
    RosterRefused,
    report_workbook_write,
    roster_import,
)


def issue_line(issue: ImportIssue) -> str:
    column = f"{issue.header_zh} {issue.header_en}".strip() or "-"
    value = f" 值 value「{issue.value}」" if issue.value else ""
    reason = f"{issue.message_zh} / {issue.message_en}"
    return f"第 {issue.row} 行 row {issue.row} [{column}]{value}: {reason}"


class Command(BaseCommand):
    help = (
        "检查并导入花名册（xlsx 或 csv）/ Check and import a roster file (xlsx or csv). "
        "Nothing is written without --commit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--commit", action="store_true", help="写入登记库 / write to the registry"
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="只导入没有错误的户 / import only the households without errors",
        )
        parser.add_argument(
            "--report", type=Path, default=None, help="错误报告 xlsx / write the error report"
        )

    def _print(self, report: ImportReport) -> None:
        for issue in report.warnings:
            self.stdout.write("提示 warning: " + issue_line(issue))
        for issue in report.issues:
            self.stdout.write(issue_line(issue))
        self.stdout.write(
            f"数据行 rows {report.rows}，有错误的行 rows with errors {report.rows_invalid}；"
            f"户 households {report.households}，可导入 valid {report.households_valid}"
            f"（{report.members_valid} 人 members），不能导入 invalid {report.households_invalid}"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"找不到文件 / no such file: {path}")
        started = time.perf_counter()
        try:
            result = roster_import(
                path,
                actor=None,
                commit=options["commit"],
                skip_invalid=options["skip_invalid"],
            )
            report = result.report
        except RosterRefused as exc:
            report = exc.report
            self._write_report(report, options["report"])
            self._print(report)
            raise CommandError(exc.error.message) from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self._write_report(report, options["report"])
        self._print(report)
        elapsed = time.perf_counter() - started
        if result.committed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"已导入 imported: {result.households} 户 households，"
                    f"{result.members} 人 members ({elapsed:.1f}s)"
                )
            )
            return
        if not report.ok and not options["skip_invalid"]:
            raise CommandError(
                f"有 {report.rows_invalid} 行错误，未写入任何数据 / "
                f"{report.rows_invalid} row(s) have errors; nothing was written"
            )
        self.stdout.write(
            "检查完成，未写入任何数据；加 --commit 导入 / checked, nothing written; "
            f"add --commit to import ({elapsed:.1f}s)"
        )

    def _write_report(self, report: ImportReport, target: Path | None) -> None:
        if target is None:
            return
        report_workbook_write(report, target)
        self.stdout.write(f"错误报告 error report: {target}")
