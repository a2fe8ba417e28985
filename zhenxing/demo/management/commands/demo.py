"""`zhenxing demo`: build the demo district on the embedded database, print logins, serve."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from zhenxing.demo import guard
from zhenxing.demo.accounts import ensure_demo_accounts
from zhenxing.demo.households import (
    LoadReport,
    default_workers,
    demo_households_load,
    demo_pairings_ensure,
)
from zhenxing.demo.industry import demo_industry_load, industry_summary
from zhenxing.demo.regions import demo_region_rows
from zhenxing.demo.supervision import demo_supervision_load
from zhenxing.regions.services import regions_load_roster
from zhenxing.screening.models import Run
from zhenxing.screening.services import run_execute, run_publish, run_start
from zhenxing.screening.setup import install_defaults

DEMO_COUNTY = "500102"
DEMO_YEAR = 2025  # the demo's income lines are for this year


class Command(BaseCommand):
    help = "构建演示区县并启动网站 / Build the demo district and serve the site"
    report: LoadReport | None = None  # the household build, for benchmarks/bench_demo.py

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="规模 / size (1 = Fuling)")
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--no-serve", action="store_true")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="生成农户的进程数 / processes generating households (default: by scale and cores)",
        )
        parser.add_argument(
            "--i-know-this-is-not-production",
            action="store_true",
            dest="not_production",
            help="数据库中已有非演示数据时仍然构建 / build even though the database holds data"
            " the demo did not create",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale = options["scale"]
        if not 0 < scale <= 5:
            raise CommandError("--scale 应在 0 到 5 之间 / --scale must be in (0, 5]")
        if options["workers"] is not None and not 0 <= options["workers"] <= 16:
            raise CommandError("--workers 应在 0 到 16 之间 / --workers must be in [0, 16]")
        refused = guard.refusal(forced=options["not_production"])
        if refused:
            raise CommandError(refused)
        started = time.perf_counter()
        rows = demo_region_rows(seed=options["seed"], scale=scale)
        report = regions_load_roster(
            actor=None,
            rows=[(i + 1, code, name) for i, (code, name) in enumerate(rows)],
            valid_from=date(2016, 12, 31),
            illustrative=True,
        )
        if report.errors:
            raise CommandError("; ".join(e.message for e in report.errors[:5]))
        before = guard.last_household_id()
        households = demo_households_load(
            region_rows=rows,
            seed=options["seed"],
            scale=scale,
            workers=default_workers(scale) if options["workers"] is None else options["workers"],
            progress=(lambda line: self.stdout.write(line)) if options["verbosity"] > 1 else None,
        )
        self.report = households
        if not households.skipped:
            guard.record_build(seed=options["seed"], scale=scale, after_id=before)
        logins = ensure_demo_accounts()
        households.pairings = demo_pairings_ensure(region_rows=rows)
        if connection.vendor == "postgresql":
            # Planner statistics for the freshly loaded tables (autovacuum may be off).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        screening = self._screen()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"演示区县已就绪 / demo district ready: 区划 divisions +{report.created}"
            f" ({elapsed:.1f}s)"
        )
        self._write_households(households)
        for line in industry_summary(demo_industry_load(seed=options["seed"], scale=scale)):
            self.stdout.write(line)
        sup = demo_supervision_load(seed=options["seed"])
        if not sup.skipped:
            self.stdout.write(
                f"  督战 supervision: 扶贫集团 {sup.groups}（成员单位 {sup.units}，"
                f"定点 {sup.towns} 个乡镇街道），驻村工作队 {sup.teams}（队员 {sup.members}），"
                f"督战指挥长 {sup.commanders}，责任清单 {sup.items} 项，项目 {sup.projects} 个，"
                f"预警线索 {sup.warnings} 条"
            )
        if screening is not None:
            by_class = screening.counts.get("by_class", {})
            self.stdout.write(
                f"  {DEMO_YEAR} 年稳定性排查 screening #{screening.pk}: 稳定 stable"
                f" {by_class.get('stable', 0):,}，巩固 consolidating"
                f" {by_class.get('consolidating', 0):,}，临界 marginal"
                f" {by_class.get('marginal', 0):,}"
            )
        self.stdout.write(
            "\n登录账户 Logins (密码每次构建重新生成 / new passwords at every build):"
        )
        for login in logins:
            line = f"  {login.username:<18} {login.password:<22} {login.role_label}"
            if login.totp_secret:
                line += f"\n  {'':<18} 动态口令密钥 TOTP key: {login.totp_secret}"
            self.stdout.write(line)
        self.stdout.write(
            "  区县人员与三员登录时需动态口令：用验证器添加上面的密钥，或运行 "
            "`zhenxing otp-code 用户名` / District staff and administrators need a one-time"
            " code: add the key to an authenticator app, or run `zhenxing otp-code USER`."
        )
        from zhenxing.core.timeutil import business_today
        from zhenxing.demo.assistance import demo_assistance_load

        assistance = demo_assistance_load(
            county_code=DEMO_COUNTY, seed=options["seed"], scale=scale, today=business_today()
        )
        for line in assistance.lines():
            self.stdout.write(line)
        if not options["no_serve"]:
            call_command("serve", host=options["host"], port=options["port"])

    def _screen(self) -> Run | None:
        """Install the shipped rules and publish one screening, so the demo shows classes."""
        install_defaults(actor=None, county_code=DEMO_COUNTY, years=range(2023, DEMO_YEAR + 2))
        if Run.objects.filter(county_code=DEMO_COUNTY, year=DEMO_YEAR, status="published").exists():
            return None
        run = run_start(
            actor=None,
            year=DEMO_YEAR,
            county_code=DEMO_COUNTY,
            as_of=date(DEMO_YEAR, 12, 31),
            background=False,
        )
        return run_publish(actor=None, run=run_execute(run.pk))

    def _write_households(self, r: LoadReport) -> None:
        if r.skipped:
            self.stdout.write(
                "农户已存在，未重复生成 / households already exist for the district: not"
                " generated again"
            )
            return

        def pct(part: int, whole: int) -> str:
            return f"{100 * part / whole:.1f}%" if whole else "-"

        def shares(counter: dict[str, int]) -> str:
            return ", ".join(f"{k} {pct(v, r.members)}" for k, v in sorted(counter.items()))

        self.stdout.write(
            f"农户 households {r.households:,}，人口 people {r.members:,}"
            f"（户均 {r.members / max(1, r.households):.2f}）；脱贫户 exited households"
            f" {r.exited_households:,}（{r.exited_members:,} 人 people）"
        )
        self.stdout.write(f"  健康 health: {shares(r.health)}")
        self.stdout.write(f"  劳动力 labour: {shares(r.labour)}")
        self.stdout.write(
            "  在校情况 school: " + ", ".join(f"{k} {v:,}" for k, v in r.school_age.items())
        )
        self.stdout.write(
            f"  人均纯收入中位数 median net income per person {r.per_capita_median:,} 元；"
            f"低于 8,000 元 below 8,000: {r.below_line:,} 户 households"
            f"（脱贫户 exited {r.below_line_exited:,}），8,000–10,000 元: {r.near_line:,}；"
            f"C/D 级住房 houses {r.house_cd:,}；帮扶干部结对 cadre pairings {r.pairings}"
        )
        self.stdout.write(
            "  用时 seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in r.phases.items())
        )
