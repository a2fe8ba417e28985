from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhenxing.screening.setup import install_defaults


class Command(BaseCommand):
    help = "载入系统默认排查规则与参数 / Install the shipped rules and parameters"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--county", default="500102")
        parser.add_argument("--from-year", type=int, default=2023)
        parser.add_argument("--to-year", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        created = install_defaults(
            actor=None,
            county_code=options["county"],
            years=range(options["from_year"], options["to_year"] + 1),
        )
        self.stdout.write(f"规则集 rule sets +{created}; 参数已载入 parameters loaded")
