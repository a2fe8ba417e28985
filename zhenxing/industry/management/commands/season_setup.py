"""`zhenxing season-setup --year YEAR --opens DATE --closes DATE [--floor …]`: open a season.

Runs as the operator at the server's command line. Every figure not given is taken from the
county's latest season, or for the first season from the article's (800 yuan/t floor, 30 yuan/t
deposits, 150–200 yuan/t margin). The 雨水 instant is computed from the year.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenxing.core.errors import DomainError
from zhenxing.core.timeutil import BEIJING
from zhenxing.industry.selectors import season_defaults
from zhenxing.industry.services import SeasonInput, season_create
from zhenxing.regions.models import Division

NUMBERS = {
    "floor": "floor_price",
    "household_deposit": "household_deposit_rate",
    "coop_deposit": "coop_deposit_rate",
    "margin_min": "margin_min",
    "margin_max": "margin_max",
    "approval_threshold": "approval_threshold",
}


class Command(BaseCommand):
    help = "设立产季 / Set up a purchasing season"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--opens", type=date.fromisoformat, required=True)
        parser.add_argument("--closes", type=date.fromisoformat, required=True)
        parser.add_argument("--county", default=None, help="区县代码 / county code")
        parser.add_argument("--crop", default=None)
        for option in NUMBERS:
            parser.add_argument(f"--{option.replace('_', '-')}", type=Decimal, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        county = options["county"] or self._only_county()
        values = season_defaults(county)
        for option, name in NUMBERS.items():
            if options[option] is not None:
                values[name] = options[option]
        if options["crop"]:
            values["crop"] = options["crop"]
        try:
            season = season_create(
                actor=None,
                county_code=county,
                data=SeasonInput(
                    year=options["year"],
                    opens_on=options["opens"],
                    closes_on=options["closes"],
                    **values,
                ),
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"已设立 set up: {season} (#{season.pk})，雨水 Yushui "
                f"{season.yushui_at.astimezone(BEIJING):%Y-%m-%d %H:%M:%S} "
                f"北京时间，保护价 floor {season.floor_price} 元/吨"
            )
        )

    def _only_county(self) -> str:
        counties = list(
            Division.objects.filter(level="county", valid_to__isnull=True).values_list(
                "code", flat=True
            )[:2]
        )
        if len(counties) != 1:
            raise CommandError("请用 --county 指定区县 / name the county with --county")
        return counties[0]
