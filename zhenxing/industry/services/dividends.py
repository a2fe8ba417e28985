"""Equity dividends (股金分红) of a cooperative.

Holds `shareholding_add`, `dividend_plan` (pro rata with a floor for households the latest
published screening classes 临界) and `dividend_approve` (ledger entry and each household's
财产性收入 line through `zhenxing.households.services.income_lines_record`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import transaction

from zhenxing.accounts.access import require_allowed
from zhenxing.accounts.models import User
from zhenxing.audit.events import AuditEventType
from zhenxing.core.errors import DomainError
from zhenxing.households.choices import IncomeKind
from zhenxing.households.models import Household
from zhenxing.households.services import IncomeLineDraft, income_lines_record
from zhenxing.industry import chart, domain, policies
from zhenxing.industry.choices import DividendStatus
from zhenxing.industry.errors import IndustryErrorCode
from zhenxing.industry.models import (
    Cooperative,
    DividendDistribution,
    DividendLine,
    Shareholding,
)
from zhenxing.industry.selectors import (
    marginal_households,
    season_approval_threshold,
)
from zhenxing.industry.services.base import (
    ZERO,
    audit,
    in_books,
)
from zhenxing.ledger.domain import Line
from zhenxing.ledger.models import Entry
from zhenxing.ledger.services import (
    EntrySpec,
    accounts_ensure,
    entry_post,
)

DIVIDEND_SOURCE = "股金分红 Equity dividend"


def shareholding_add(
    *,
    actor: User | None,
    cooperative: Cooperative,
    household: Household,
    source: str,
    amount: Decimal,
    since: date,
) -> Shareholding:
    require_allowed(policies.can_configure(actor), actor, "shareholding_add")
    in_books(actor, county_code=cooperative.county_code)
    if amount <= 0:
        raise DomainError(IndustryErrorCode.SHARE_AMOUNT_NOT_POSITIVE, field="amount")
    with transaction.atomic():
        holding = Shareholding.objects.create(
            cooperative=cooperative,
            household=household,
            county_code=household.county_code,
            town_code=household.town_code,
            village_code=household.village_code,
            source=source,
            amount=amount,
            since=since,
        )
        audit(AuditEventType.INDUSTRY_RECORD, actor, holding, action="shareholding_add")
    return holding


def dividend_plan(
    *,
    actor: User | None,
    cooperative: Cooperative,
    year: int,
    total: Decimal,
    floor_rate: Decimal = Decimal("0.05"),
) -> DividendDistribution:
    """Split a year's dividend over the cooperative's shareholdings: households classed 临界 by
    the latest published screening get at least `floor_rate` of their shares (涉农资金股权化,
    domain.md §1.3); the rest is pro rata, largest remainder, summing exactly to `total`."""
    require_allowed(policies.can_configure(actor), actor, "dividend_plan")
    in_books(actor, county_code=cooperative.county_code)
    if DividendDistribution.objects.filter(cooperative=cooperative, year=year).exists():
        raise DomainError(IndustryErrorCode.DIVIDEND_EXISTS, field="year", year=year)
    holdings = list(
        Shareholding.objects.filter(cooperative=cooperative, since__lte=date(year, 12, 31))
        .values("household_id", "county_code", "town_code", "village_code")
        .order_by("household_id")
    )
    shares: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for h in Shareholding.objects.filter(
        cooperative=cooperative, since__lte=date(year, 12, 31)
    ).values_list("household_id", "amount"):
        shares[h[0]] += h[1]
    if not shares:
        raise DomainError(IndustryErrorCode.NO_SHAREHOLDINGS, field="cooperative")
    run_id, marginal = marginal_households(cooperative.county_code)
    households = sorted(shares)
    allocation = domain.dividend_allocation(
        total, [(shares[h], h in marginal) for h in households], floor_rate
    )
    codes = {h["household_id"]: h for h in holdings}
    with transaction.atomic():
        distribution = DividendDistribution.objects.create(
            cooperative=cooperative,
            year=year,
            total=total,
            floor_rate=floor_rate,
            screening_run_id=run_id,
            planned_by=actor,
        )
        DividendLine.objects.bulk_create(
            [
                DividendLine(
                    distribution=distribution,
                    household_id=h,
                    county_code=codes[h]["county_code"],
                    town_code=codes[h]["town_code"],
                    village_code=codes[h]["village_code"],
                    shares=shares[h],
                    amount=amount,
                    marginal=h in marginal,
                    floored=floored,
                )
                for h, amount, floored in zip(
                    households, allocation.parts, allocation.floored, strict=True
                )
            ]
        )
        audit(
            AuditEventType.INDUSTRY_RECORD,
            actor,
            distribution,
            action="dividend_plan",
            total=str(total),
            households=len(households),
        )
    return distribution


def dividend_approve(*, actor: User | None, distribution: DividendDistribution) -> Entry:
    """Post the distribution (Dr dividend distribution, Cr each household's dividends payable)
    and write each household's 财产性收入 line. Above the threshold the approver must not be
    the planner (B6)."""
    require_allowed(policies.can_configure(actor), actor, "dividend_approve")
    coop = distribution.cooperative
    in_books(actor, county_code=coop.county_code)
    threshold = season_approval_threshold(coop.county_code)
    if (
        distribution.total > threshold
        and actor is not None
        and distribution.planned_by_id == actor.pk
    ):
        raise DomainError(IndustryErrorCode.SELF_APPROVAL)
    key = f"dividend/C{coop.pk}/Y{distribution.year}"
    lines_db = list(distribution.lines.filter(amount__gt=0).order_by("household_id"))
    county = coop.county_code
    accounts = [chart.of_coop("3101", county, None, coop.pk)] + [
        chart.coop_to_household("2301", county, None, coop.pk, line.household_id)
        for line in lines_db
    ]
    with transaction.atomic():
        accounts_ensure(accounts)
        entry = entry_post(
            actor=distribution.planned_by,
            spec=EntrySpec(
                natural_key=key,
                kind="dividend",
                lines=(
                    Line(accounts[0].code, distribution.total),
                    *(
                        Line(spec.code, -line.amount)
                        for spec, line in zip(accounts[1:], lines_db, strict=True)
                    ),
                ),
                memo=f"{distribution.year}年度股金分红 dividends",
            ),
            # The operator at the command line (actor None) is trusted like every command.
            approval_threshold=threshold if actor is not None else None,
            approved_by=actor if distribution.total > threshold else None,
        )
        income_lines_record(
            actor=actor,
            lines=[
                IncomeLineDraft(
                    household_id=line.household_id,
                    year=distribution.year,
                    kind=IncomeKind.PROPERTY,
                    amount=line.amount,
                    source=DIVIDEND_SOURCE,
                    source_ref=key,
                )
                for line in lines_db
            ],
            change_reason="industry dividend",
        )
        DividendDistribution.objects.filter(pk=distribution.pk).update(
            status=DividendStatus.POSTED, approved_by=actor
        )
        audit(AuditEventType.APPROVAL, actor, distribution, action="dividend_approve")
    return entry
