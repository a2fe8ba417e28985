from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenxing.regions.imports import roster_rows
from zhenxing.regions.services import regions_load_roster


class Command(BaseCommand):
    help = "载入区划名录（xlsx/csv：代码, 名称）/ Load a division roster (xlsx/csv: code, name)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--commit", action="store_true", help="写入 / write (default: check only)"
        )
        parser.add_argument("--valid-from", type=date.fromisoformat, default=date(2016, 12, 31))
        parser.add_argument(
            "--illustrative",
            action="store_true",
            help="代码为示意值 / codes are illustrative, not official",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在 / no such file: {path}")
        try:
            rows = roster_rows(path)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        report = regions_load_roster(
            actor=None,
            rows=rows,
            valid_from=options["valid_from"],
            illustrative=options["illustrative"],
            commit=options["commit"],
        )
        if report.errors:
            for err in report.errors:
                self.stderr.write(f"第 {err.row} 行 row {err.row} [{err.field}]: {err.message}")
            raise CommandError(
                f"{len(report.errors)} 行有误，未写入任何数据 / "
                f"{len(report.errors)} rows are wrong; nothing was written"
            )
        verb = "已写入 written" if options["commit"] else "检查通过，未写入 checked, not written"
        self.stdout.write(
            f"{verb}: 新增 new {report.created}, 更名 renamed {report.renamed},"
            f" 已有 existing {report.unchanged}"
        )
