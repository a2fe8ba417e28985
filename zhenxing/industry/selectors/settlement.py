"""What a season's settlement reads, aggregated in SQL, and what it would write now.

Holds `SeasonFacts`, `season_facts` (one GROUP BY over the weighings, deliveries per
cooperative, agreements and the deposits the ledger holds) and `settlement_preview` (the pure
domain settlement over those facts).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection

from zhenxing.core.money import fen_to_yuan
from zhenxing.industry import domain
from zhenxing.industry.domain import ZERO
from zhenxing.industry.models import OrderAgreement, ProtectionAgreement, Season
from zhenxing.industry.selectors.seasons import season_terms
from zhenxing.ledger.models import Account


def _fen(value: Any) -> Decimal:
    return fen_to_yuan(int(value or 0))


def _deposits_held(season: Season, chart_code: str) -> dict[tuple[int, int], Decimal]:
    """(owner id, party id) → what the ledger holds in that deposit account."""
    rows = Account.objects.filter(season_id=season.pk, chart=chart_code).values_list(
        "owner_id", "party_id", "balance"
    )
    return {(o or 0, p or 0): -b for o, p, b in rows if b}


@dataclass
class SeasonFacts:
    households: list[domain.HouseholdFacts]
    cooperatives: list[domain.CooperativeFacts]
    codes: dict[int, tuple[str, str, str]]  # household id → county, town, village
    agreements: dict[int, int]  # household id → protection agreement id
    orders: dict[int, OrderAgreement]  # cooperative id → order agreement


def season_facts(season: Season) -> SeasonFacts:
    """Everything the settlement reads, aggregated in SQL: one GROUP BY over the weighings (a
    million rows in about a second), deliveries per cooperative, agreements and the deposits
    the ledger actually holds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT g.cooperative_id, g.household_id, g.n, g.net, g.market, g.topup,"
            " h.county_code, h.town_code, h.village_code"
            " FROM (SELECT cooperative_id, household_id, COUNT(*) AS n,"
            "  CAST(SUM(net_g) AS BIGINT) AS net, CAST(SUM(amount_market) AS BIGINT) AS market,"
            "  CAST(SUM(amount_topup) AS BIGINT) AS topup"
            "  FROM industry_weighing WHERE season_id = %s"
            "  GROUP BY cooperative_id, household_id) g"
            " JOIN households_household h ON h.id = g.household_id"
            " ORDER BY g.cooperative_id, g.household_id",
            [season.pk],
        )
        bought = cursor.fetchall()
        cursor.execute(
            "SELECT cooperative_id, CAST(SUM(net_g) AS BIGINT), CAST(SUM(amount) AS BIGINT),"
            " CAST(SUM(costs) AS BIGINT) FROM industry_delivery WHERE season_id = %s"
            " GROUP BY cooperative_id",
            [season.pk],
        )
        delivered = {row[0]: row[1:] for row in cursor.fetchall()}
    agreement_rows = ProtectionAgreement.objects.filter(season=season).values_list(
        "pk",
        "household_id",
        "cooperative_id",
        "contracted_g",
        "county_code",
        "town_code",
        "village_code",
    )
    protection = {
        hh: (pk, coop, contracted, (county, town, village))
        for pk, hh, coop, contracted, county, town, village in agreement_rows
    }
    held = _deposits_held(season, "2201")
    codes: dict[int, tuple[str, str, str]] = {}
    facts: list[domain.HouseholdFacts] = []
    seen: set[tuple[int, int]] = set()
    for coop, hh, n, net, market, topup, county, town, village in bought:
        agreement = protection.get(hh)
        contracted = agreement[2] if agreement and agreement[1] == coop else 0
        facts.append(
            domain.HouseholdFacts(
                cooperative_id=coop,
                household_id=hh,
                weighings=n,
                net_g=int(net),
                amount_market=_fen(market),
                amount_topup=_fen(topup),
                contracted_g=contracted,
                deposit_paid=held.get((coop, hh), ZERO) if contracted else ZERO,
            )
        )
        codes[hh] = (county, town, village)
        seen.add((coop, hh))
    # Members under agreement who delivered nothing still settle their deposit.
    for hh, (_pk, coop, contracted, agreement_codes) in sorted(protection.items()):
        if (coop, hh) not in seen:
            facts.append(
                domain.HouseholdFacts(
                    cooperative_id=coop,
                    household_id=hh,
                    weighings=0,
                    net_g=0,
                    amount_market=ZERO,
                    amount_topup=ZERO,
                    contracted_g=contracted,
                    deposit_paid=held.get((coop, hh), ZERO),
                )
            )
            codes[hh] = agreement_codes
    orders = {
        o.cooperative_id: o
        for o in OrderAgreement.objects.filter(season=season).select_related("enterprise")
    }
    coop_held = _deposits_held(season, "2202")
    per_coop: dict[int, list[domain.HouseholdFacts]] = defaultdict(list)
    for f in facts:
        per_coop[f.cooperative_id].append(f)
    coops: list[domain.CooperativeFacts] = []
    for coop in sorted(set(per_coop) | set(delivered) | set(orders)):
        rows = per_coop.get(coop, [])
        d_net, d_amount, d_costs = delivered.get(coop, (0, 0, 0))
        order = orders.get(coop)
        coops.append(
            domain.CooperativeFacts(
                cooperative_id=coop,
                purchased_g=sum(r.net_g for r in rows),
                purchase_cost=sum((r.amount_market + r.amount_topup for r in rows), ZERO),
                topup_total=sum((r.amount_topup for r in rows), ZERO),
                delivered_g=int(d_net or 0),
                revenue=_fen(d_amount),
                costs=_fen(d_costs),
                contracted_g=order.contracted_g if order else 0,
                deposit_paid=(coop_held.get((order.enterprise_id, coop), ZERO) if order else ZERO),
            )
        )
    return SeasonFacts(
        households=facts,
        cooperatives=coops,
        codes=codes,
        agreements={hh: v[0] for hh, v in protection.items()},
        orders=orders,
    )


def settlement_preview(season: Season) -> domain.SeasonStatements:
    """The statements a settlement would write now (the pure domain function over the facts)."""
    facts = season_facts(season)
    return domain.settle_season(facts.households, facts.cooperatives, season_terms(season))
