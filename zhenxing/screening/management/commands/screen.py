"""`zhenxing screen --year YEAR [--rules FILE] [--dry-run] [--publish]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenxing.core.errors import DomainError
from zhenxing.households.choices import MonitoringType
from zhenxing.regions.models import Division
from zhenxing.screening.models import StabilityClass
from zhenxing.screening.services import (
    ruleset_create,
    run_discard,
    run_execute,
    run_publish,
    run_start,
)


class Command(BaseCommand):
    help = "稳定性排查 / Screen every household of a county for a year"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--county", default=None, help="区县代码 / county code")
        parser.add_argument(
            "--rules",
            type=Path,
            default=None,
            help="规则文件（模拟）/ a rule file to try (what-if)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="只统计，不保留结果 / count only, keep nothing"
        )
        parser.add_argument(
            "--publish", action="store_true", help="发布为当前结果 / publish as the current classes"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        county = options["county"] or self._only_county()
        try:
            rule_set = None
            if options["rules"] is not None:
                rule_set = ruleset_create(
                    actor=None,
                    year=options["year"],
                    region_code=county,
                    text=options["rules"].read_text(encoding="utf-8"),
                    note=f"命令行模拟 what-if from {options['rules'].name}",
                )
            run = run_start(
                actor=None,
                year=options["year"],
                county_code=county,
                rule_set=rule_set,
                what_if=options["dry_run"] or rule_set is not None,
                background=False,
            )
            run = run_execute(run.pk)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self._print(run.counts)
        if options["dry_run"]:
            run_discard(actor=None, run=run)
            self.stdout.write("模拟运行，结果未保留 / dry run: nothing kept")
        elif options["publish"]:
            try:
                run_publish(actor=None, run=run)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(f"已发布排查 #{run.pk} / published run #{run.pk}")
        else:
            self.stdout.write(f"排查 #{run.pk} 已完成，未发布 / run #{run.pk} done, not published")

    def _only_county(self) -> str:
        counties = list(
            Division.objects.filter(level="county", valid_to__isnull=True).values_list(
                "code", flat=True
            )
        )
        if len(counties) != 1:
            raise CommandError("请用 --county 指定区县 / name the county with --county")
        return counties[0]

    def _print(self, counts: dict[str, Any]) -> None:
        total = counts.get("households", 0)
        self.stdout.write(f"农户 households: {total}")
        for cls in StabilityClass:
            n = counts.get("by_class", {}).get(cls.value, 0)
            share = f"{100 * n / total:.1f}%" if total else "-"
            self.stdout.write(f"  {cls.label:<28} {n:>8}  {share}")
        self.stdout.write("建议纳入监测 suggested monitoring:")
        for category in MonitoringType:
            n = counts.get("by_category", {}).get(category.value, 0)
            self.stdout.write(f"  {category.label:<40} {n:>8}")
