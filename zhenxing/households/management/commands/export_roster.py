"""`zhenxing export-roster OUT.xlsx [--region CODE]`: the registry as a roster, masked.

Runs as the server operator (the whole registry, or one region with `--region`); ID numbers,
phones and bank accounts are always masked here, and the export is audited.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenxing.core.errors import DomainError
from zhenxing.households.exports import roster_export


class Command(BaseCommand):
    help = "导出花名册（个人信息已脱敏）/ Export the registry as a roster xlsx (masked)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path)
        parser.add_argument("--region", default="", help="区划代码（6/9/12/15 位）/ division code")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        if out.suffix.lower() != ".xlsx":
            raise CommandError("输出文件应为 .xlsx / the output file must end in .xlsx")
        try:
            result = roster_export(actor=None, target=out, region_code=options["region"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"已导出 exported: {result.households} 户 households，{result.members} 人 members"
            f"（已脱敏 masked）→ {out}"
        )
