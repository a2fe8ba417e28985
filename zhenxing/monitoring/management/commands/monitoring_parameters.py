"""`zhenxing monitoring-parameters --county CODE --years 2024-2026`: copy the procedure's shipped
defaults (deadlines, notice length, income months) into editable Parameter rows; existing
values are kept."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenxing.monitoring.parameters import defaults
from zhenxing.screening.models import Parameter
from zhenxing.screening.services import parameter_set


class Command(BaseCommand):
    help = "载入监测流程参数默认值 / Load the monitoring procedure's default parameters"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--county", required=True)
        parser.add_argument("--years", required=True, help="e.g. 2025 or 2024-2026")

    def handle(self, *args: Any, **options: Any) -> None:
        county: str = options["county"]
        first, _, last = str(options["years"]).partition("-")
        try:
            years = range(int(first), int(last or first) + 1)
        except ValueError as exc:
            raise CommandError("--years: 2025 or 2024-2026") from exc
        if len(county) != 6 or not county.isdigit():
            raise CommandError("--county: a 6-digit county code")
        added = 0
        for year in years:
            for spec in defaults().values():
                if Parameter.objects.filter(year=year, region_code=county, name=spec.name).exists():
                    continue
                parameter_set(
                    actor=None, year=year, region_code=county, name=spec.name, kind=spec.kind,
                    value=str(spec.value), label=spec.label, source=spec.source,
                )  # fmt: skip
                added += 1
        self.stdout.write(f"参数 parameters +{added}")
