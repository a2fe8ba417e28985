"""`zhenxing settle --season YEAR [--dry-run] [--approver USER]`: settle a season.

Runs as the operator at the server's command line. `--dry-run` prints the statements' totals
and writes nothing. Otherwise the settlement is submitted (closing the season for recording),
and posted; above the season's four-eyes threshold it needs `--approver`, an active district
staff account other than the submitter, recorded as the approver (security.md B6).
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenxing.accounts.models import User, username_key
from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role
from zhenxing.industry.choices import SettlementStatus
from zhenxing.industry.domain import tonnes
from zhenxing.industry.models import Season, SettlementRun
from zhenxing.industry.selectors import settlement_preview
from zhenxing.industry.services import settlement_approve, settlement_execute, settlement_submit
from zhenxing.ledger.services import ledger_verify


class Command(BaseCommand):
    help = "产季结算 / Settle a purchasing season (statements, postings, income lines)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--season", type=int, required=True, help="年度 / the season's year")
        parser.add_argument("--county", default=None, help="区县代码 / county code")
        parser.add_argument("--crop", default=None, help="作物 / crop (default: the only one)")
        parser.add_argument(
            "--dry-run", action="store_true", help="只计算，不写入 / compute only, write nothing"
        )
        parser.add_argument(
            "--approver", default=None, help="审批人账户 / approving district staff account"
        )
        parser.add_argument("--batch-size", type=int, default=20_000)

    def _season(self, options: dict[str, Any]) -> Season:
        seasons = Season.objects.filter(year=options["season"])
        if options["county"]:
            seasons = seasons.filter(county_code=options["county"])
        if options["crop"]:
            seasons = seasons.filter(crop=options["crop"])
        found = list(seasons[:2])
        if len(found) != 1:
            raise CommandError(
                f"找到 {len(found)} 个 {options['season']} 年产季，请用 --county/--crop 指定 / "
                f"{len(found)} seasons match {options['season']}; narrow with --county/--crop"
            )
        return found[0]

    def handle(self, *args: Any, **options: Any) -> None:
        season = self._season(options)
        started = time.perf_counter()
        try:
            if options["dry_run"]:
                self._preview(season)
                return
            run = settlement_submit(actor=None, season=season)
            if (
                run.needs_approval
                and run.approved_by_id is None
                and run.status != SettlementStatus.SETTLED
            ):
                run = settlement_approve(actor=self._approver(options["approver"]), run=run)
            run = settlement_execute(
                run.pk,
                batch_size=options["batch_size"],
                progress=lambda step: self.stdout.write(f"  步骤 step: {step}"),
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self._report(run, time.perf_counter() - started)

    def _approver(self, name: str | None) -> User:
        if not name:
            raise CommandError(
                "结算金额超过审批限额，须用 --approver 指定另一名区县人员审批 / the settlement is"
                " above the approval threshold: name a district staff approver with --approver"
            )
        user = User.objects.filter(username_key=username_key(name), is_active=True).first()
        if user is None or user.role != Role.DISTRICT_STAFF:
            raise CommandError(
                f"{name} 不是启用的区县人员账户 / {name} is not an active district staff account"
            )
        return user

    def _preview(self, season: Season) -> None:
        statements = settlement_preview(season)
        households = statements.households
        purchases = sum((h.purchases for h in households), Decimal("0"))
        margin = sum((c.margin_topup for c in statements.cooperatives), Decimal("0"))
        self.stdout.write(
            f"{season} 预结算 dry run（未写入 nothing written）: 农户 households"
            f" {len(households):,}，合作社 cooperatives {len(statements.cooperatives):,}"
        )
        self.stdout.write(
            f"  收购 purchased {tonnes(sum(h.facts.net_g for h in households)):,} t，"
            f"收购款 purchases {purchases:,} 元，其中保护价补差 floor top-up "
            f"{sum((h.facts.amount_topup for h in households), Decimal('0')):,} 元"
        )
        self.stdout.write(
            f"  退还保证金 deposits refunded "
            f"{sum((h.deposit_refund for h in households), Decimal('0')):,} 元，罚没 forfeited "
            f"{sum((h.deposit_forfeit for h in households), Decimal('0')):,} 元；企业保底补差"
            f" margin top-ups {margin:,} 元"
        )
        self.stdout.write(
            f"  最大一笔 largest amount {statements.largest:,} 元；审批限额 threshold "
            f"{season.approval_threshold:,} 元"
        )

    def _report(self, run: SettlementRun, elapsed: float) -> None:
        t = run.totals
        check = ledger_verify()
        self.stdout.write(
            self.style.SUCCESS(
                f"已结算 settled: 农户 households {t.get('households', 0):,}，收购款 purchases "
                f"{Decimal(t.get('purchases', '0')):,} 元，保底补差 margin top-ups "
                f"{Decimal(t.get('margin_topup', '0')):,} 元 ({elapsed:.1f}s)"
            )
        )
        self.stdout.write(
            f"  账簿合计 ledger total {check.balance_sum} 元，"
            f"{'平衡 balanced' if check.ok else '不平 NOT BALANCED'}"
        )
