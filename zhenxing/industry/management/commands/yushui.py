"""`zhenxing yushui YEAR [YEAR …]`: the 雨水 instant of each year in Beijing time."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhenxing.industry.domain import yushui_instant


class Command(BaseCommand):
    help = "雨水时刻（北京时间）/ The Yushui instant of a year in Beijing time"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("years", nargs="+", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        for year in options["years"]:
            instant = yushui_instant(year)
            self.stdout.write(
                f"{year} 雨水 Yushui: {instant:%Y-%m-%d %H:%M:%S} 北京时间 Beijing time (UTC+8)"
            )
