"""The demo district's benefit chain (domain.md §1.2, §8): the 2021 青菜头 season, unsettled.

At scale 1: 37 enterprises, 197 share cooperatives, 2,000+ purchase points, about 20,800 member
households of which 5,678 are exited households, protection-price agreements with their
deposits paid, an order agreement and deposit per cooperative, about 500,000 weighings spread
around the 雨水 instant (2021-02-18 18:43:58) at day prices below the floor before 雨水 and
well above it after (the 2021 price spike), deliveries to the enterprises with margins below,
within and above the guaranteed band, and shareholdings of exited members.

The article's grower 卢家庆 (李寺村) is a member of the 李寺村 cooperative with a protection-price
agreement of 60 mu × 3 t/mu = 180 t (deposit 180 t × 30 = 5,400 yuan, paid) and sells exactly
180 t in 90 loads of 2 t at 1,450 yuan/t after 雨水: 261,000 yuan. `zhenxing settle --season 2021`
settles the season (or the season page, as district staff).

Every value is synthetic and deterministic for a seed. Rows go in set-based (bulk inserts,
`executemany` or COPY); amounts use the same half-up integer rule as `line_amount`.
"""

from __future__ import annotations

import random
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any

from django.db import connection, transaction

from zhenxing.accounts.models import User, username_key
from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record
from zhenxing.core.money import fen_to_yuan
from zhenxing.core.timeutil import BEIJING
from zhenxing.households.models import Household
from zhenxing.industry import chart, domain
from zhenxing.industry.models import (
    Clerk,
    Cooperative,
    Delivery,
    Enterprise,
    IndustryMeasure,
    Membership,
    OrderAgreement,
    PointDayPrice,
    ProtectionAgreement,
    PurchasePoint,
    Season,
    Shareholding,
)
from zhenxing.industry.services import SeasonInput, clerk_bind, season_create
from zhenxing.ledger.domain import Line
from zhenxing.ledger.services import EntrySpec, accounts_ensure, entries_post_bulk
from zhenxing.regions.models import Division

COUNTY = "500102"
YEAR = 2021
OPENS, CLOSES = date(2021, 1, 25), date(2021, 3, 10)
ENTERPRISES, COOPERATIVES, POINTS = 37, 197, 2_030
MEMBERS, EXITED_MEMBERS, WEIGHINGS = 20_774, 5_678, 500_000
GROWER = ("李寺村", "卢家庆")
GROWER_MU, GROWER_YIELD_KG = Decimal("60"), 3000
GROWER_PRICE_FEN = 145_000  # 1,450 yuan/t, the article's market price
GROWER_LOADS, GROWER_LOAD_KG = 90, 2000
GROWER_DAYS = (date(2021, 2, 19), date(2021, 3, 3))
COOP_CLERK, ENTERPRISE_CLERK = "coop.clerk", "enterprise.clerk"
_ENTERPRISE_NAMES = ("涪陵榨菜集团股份有限公司", "辣妹子", "餐餐想", "渝杨", "红景", "志贤", "洪丽")


@dataclass
class IndustryReport:
    skipped: bool = False
    enterprises: int = 0
    cooperatives: int = 0
    points: int = 0
    members: int = 0
    exited_members: int = 0
    agreements: int = 0
    weighings: int = 0
    floored: int = 0
    tonnes: Decimal = Decimal("0")
    deliveries: int = 0
    shareholdings: int = 0
    seconds: float = 0.0
    grower: dict[str, Any] = field(default_factory=dict)


def _scaled(value: int, scale: float, minimum: int = 1) -> int:
    return max(minimum, round(value * scale))


def _half_up(price_fen: int, grams: int) -> int:
    """`line_amount` in integer fen: price per tonne × grams / 10⁶, half up (both ≥ 0)."""
    return (2 * price_fen * grams + 1_000_000) // 2_000_000


def _day_price(day: date, coop_index: int, rng: random.Random) -> int:
    """A day's market price (fen per tonne) for a cooperative: mostly below the 800 floor before
    雨水, the 2021 spike after it (domain.md §8: 1,100 → 1,450)."""
    offset = (day - date(2021, 2, 18)).days
    base = 650 + (offset + 24) * 9 if offset <= 0 else 1100 + offset * 17
    return (base + (coop_index * 37) % 81 - 40 + rng.randint(-2, 2) * 10) * 100


def demo_industry_exists() -> bool:
    return Season.objects.filter(county_code=COUNTY, year=YEAR).exists()


def demo_industry_load(*, seed: int, scale: float) -> IndustryReport:
    """Build the benefit chain of the demo district, unless its 2021 season exists."""
    report = IndustryReport()
    if demo_industry_exists():
        report.skipped = True
        return report
    rng = random.Random(seed * 7 + 2021)  # noqa: S311 — demo data, not security
    started = time.perf_counter()
    with transaction.atomic():
        _Builder(rng, scale, report).run()
        record(
            AuditEventType.IMPORT,
            username="命令行 CLI",
            object_type="industry.season",
            detail={
                "source": "demo",
                "cooperatives": report.cooperatives,
                "weighings": report.weighings,
            },
        )
    report.seconds = time.perf_counter() - started
    return report


class _Builder:
    def __init__(self, rng: random.Random, scale: float, report: IndustryReport) -> None:
        self.rng, self.scale, self.report = rng, scale, report
        self.names = dict(
            Division.objects.filter(code__startswith=COUNTY, valid_to__isnull=True).values_list(
                "code", "name"
            )
        )

    def run(self) -> None:
        self.season = season_create(
            actor=None,
            county_code=COUNTY,
            data=SeasonInput(year=YEAR, opens_on=OPENS, closes_on=CLOSES),
        )
        self._parties()
        self._members()
        self._agreements()
        self._prices()
        self._weighings()
        self._deliveries()
        self._shareholdings()
        self._clerks()

    # ------------------------------------------------------------ parties

    def _parties(self) -> None:
        n_ent = _scaled(ENTERPRISES, self.scale)
        self.enterprises = Enterprise.objects.bulk_create(
            [
                Enterprise(
                    county_code=COUNTY,
                    title=(
                        _ENTERPRISE_NAMES[0]
                        if i == 0
                        else f"涪陵{_ENTERPRISE_NAMES[i % len(_ENTERPRISE_NAMES)]}榨菜食品厂{i:02d}"
                    ),
                )
                for i in range(n_ent)
            ]
        )
        villages = sorted(c for c in self.names if len(c) == 12)
        grower_village = next(c for c in villages if self.names[c] == GROWER[0])
        others = [c for c in villages if c != grower_village]
        n_coop = _scaled(COOPERATIVES, self.scale, minimum=2)
        step = max(1, len(others) // max(1, n_coop - 1))
        seats = [grower_village] + [others[(i * step) % len(others)] for i in range(n_coop - 1)]
        used: dict[str, int] = defaultdict(int)
        coops = []
        for seat in seats:
            used[seat] += 1
            suffix = "" if used[seat] == 1 else f"第{used[seat]}"
            town_name = self.names.get(seat[:9], "")
            coops.append(
                Cooperative(
                    county_code=COUNTY,
                    town_code=seat[:9],
                    village_code=seat,
                    title=f"{town_name}{self.names[seat]}{suffix}榨菜股份专业合作社",
                )
            )
        self.coops = Cooperative.objects.bulk_create(coops)
        n_points = _scaled(POINTS, self.scale, minimum=2 * n_coop)
        by_town: dict[str, list[str]] = defaultdict(list)
        for code in villages:
            by_town[code[:9]].append(code)
        points = []
        for i in range(n_points):
            coop = self.coops[i % len(self.coops)]
            nearby = by_town[coop.town_code] or [coop.village_code]
            village = coop.village_code if i < len(self.coops) else self.rng.choice(nearby)
            points.append(
                PurchasePoint(
                    cooperative=coop,
                    title=f"{self.names[village]}收购点{i // len(self.coops) + 1}",
                    county_code=COUNTY,
                    town_code=village[:9],
                    village_code=village,
                )
            )
        self.points = PurchasePoint.objects.bulk_create(points)
        self.points_of: dict[int, list[PurchasePoint]] = defaultdict(list)
        for p in self.points:
            self.points_of[p.cooperative_id].append(p)
        self.report.enterprises = len(self.enterprises)
        self.report.cooperatives = len(self.coops)
        self.report.points = len(self.points)

    # ------------------------------------------------------------ members

    def _members(self) -> None:
        rows = list(
            Household.objects.filter(county_code=COUNTY)
            .order_by("id")
            .values_list("id", "village_code", "category", "head_name", "town_code")
        )
        grower = next(
            (r for r in rows if r[3] == GROWER[1] and self.names.get(r[1]) == GROWER[0]), None
        )
        by_village: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        by_town: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        for r in rows:
            by_village[r[1]].append(r)
            by_town[r[4]].append(r)
        taken: set[int] = set()
        exited_quota = _scaled(EXITED_MEMBERS, self.scale)
        general_quota = max(0, _scaled(MEMBERS, self.scale) - exited_quota)
        chosen: list[tuple[Cooperative, tuple[Any, ...]]] = []
        if grower is not None:
            chosen.append((self.coops[0], grower))
            taken.add(grower[0])
        n = len(self.coops)
        for i, coop in enumerate(self.coops):
            want_exited = exited_quota // n + (1 if i < exited_quota % n else 0)
            want_general = general_quota // n + (1 if i < general_quota % n else 0)
            pool = list(by_village[coop.village_code])
            pool += [r for r in by_town[coop.town_code][:5000] if r[1] != coop.village_code]
            self.rng.shuffle(pool)
            for r in pool:
                if r[0] in taken:
                    continue
                if r[2] == "exited" and want_exited > 0:
                    want_exited -= 1
                elif r[2] != "exited" and want_general > 0:
                    want_general -= 1
                else:
                    continue
                taken.add(r[0])
                chosen.append((coop, r))
                if want_exited <= 0 and want_general <= 0:
                    break
        # Villages short of exited (or other) households: fill the quotas county-wide, each
        # household joining a cooperative of its own town where there is one.
        coop_of_town = {c.town_code: c for c in reversed(self.coops)}
        missing = {
            "exited": exited_quota - sum(1 for _c, r in chosen if r[2] == "exited"),
            "general": general_quota - sum(1 for _c, r in chosen if r[2] != "exited"),
        }
        spare = [r for r in rows if r[0] not in taken]
        self.rng.shuffle(spare)
        for k, r in enumerate(spare):
            kind = "exited" if r[2] == "exited" else "general"
            if missing[kind] <= 0:
                continue
            missing[kind] -= 1
            taken.add(r[0])
            chosen.append((coop_of_town.get(r[4], self.coops[k % n]), r))
        Membership.objects.bulk_create(
            [
                Membership(
                    cooperative=coop,
                    household_id=r[0],
                    county_code=COUNTY,
                    town_code=r[4],
                    village_code=r[1],
                    joined_on=date(2019, 9, 1),
                )
                for coop, r in chosen
            ],
            batch_size=2000,
        )
        self.members = chosen
        self.grower_id = grower[0] if grower is not None else None
        self.report.members = len(chosen)
        self.report.exited_members = sum(1 for _c, r in chosen if r[2] == "exited")

    # ------------------------------------------------------------ agreements and deposits

    def _agreements(self) -> None:
        """4 in 5 members sign (the grower always); area × expected yield; deposits paid."""
        season, rng = self.season, self.rng
        agreements = []
        self.target_g: dict[int, int] = {}
        for coop, r in self.members:
            hid = r[0]
            if hid == self.grower_id:
                area, kg_per_mu = GROWER_MU, GROWER_YIELD_KG
            elif rng.random() < 0.8:
                area = Decimal(rng.randint(8, 32)) / 2  # 4–16 mu
                kg_per_mu = rng.randrange(2500, 3501, 100)
            else:
                self.target_g[hid] = rng.randint(5, 40) * 1_000_000
                continue
            contracted = domain.contracted_grams(area_mu=area, yield_kg_per_mu=kg_per_mu)
            # Most deliver about what they contracted; some fall short (and forfeit).
            ratio = 1.0 if hid == self.grower_id else rng.choice((0.6, 0.75, 0.9, 1.0, 1.0, 1.1))
            self.target_g[hid] = int(contracted * ratio)
            agreements.append(
                ProtectionAgreement(
                    season=season,
                    cooperative=coop,
                    household_id=hid,
                    county_code=COUNTY,
                    town_code=r[4],
                    village_code=r[1],
                    area_mu=area,
                    yield_kg_per_mu=kg_per_mu,
                    contracted_g=contracted,
                    deposit_amount=domain.deposit_for(contracted, season.household_deposit_rate),
                    signed_on=date(2020, 9, 20),
                )
            )
        self.agreements = ProtectionAgreement.objects.bulk_create(agreements, batch_size=2000)
        self.agreed = {a.household_id for a in self.agreements}
        IndustryMeasure.objects.bulk_create(
            [
                IndustryMeasure(
                    household_id=a.household_id,
                    county_code=COUNTY,
                    town_code=a.town_code,
                    village_code=a.village_code,
                    agreement=a,
                    since=a.signed_on,
                    description=f"{YEAR}年青菜头保护价收购协议 / protection-price agreement",
                )
                for a in self.agreements
            ],
            batch_size=2000,
        )
        paid = [
            a for a in self.agreements if a.household_id == self.grower_id or rng.random() < 0.95
        ]
        bank = chart.bank(COUNTY, season.pk)
        accounts = [bank]
        specs = []
        for a in paid:
            held = chart.coop_to_household(
                "2201", COUNTY, season.pk, a.cooperative_id, a.household_id
            )
            accounts.append(held)
            specs.append(
                EntrySpec(
                    f"deposit/S{season.pk}/C{a.cooperative_id}/H{a.household_id}",
                    "deposit_paid",
                    (Line(bank.code, a.deposit_amount), Line(held.code, -a.deposit_amount)),
                    "农户履约保证金 household performance deposit",
                    season.pk,
                )
            )
        entries_post_bulk(actor=None, specs=specs, account_ids=accounts_ensure(accounts))
        self.report.agreements = len(self.agreements)

    # ------------------------------------------------------------ prices

    def _prices(self) -> None:
        days = [OPENS + timedelta(days=d) for d in range((CLOSES - OPENS).days + 1)]
        self.price: dict[tuple[int, date], int] = {}
        rows: list[PointDayPrice] = []
        for i, coop in enumerate(self.coops):
            for day in days:
                fen = _day_price(day, i, self.rng)
                if i == 0 and GROWER_DAYS[0] <= day <= GROWER_DAYS[1]:
                    fen = GROWER_PRICE_FEN  # the article's 1,450 yuan/t at the grower's points
                self.price[(coop.pk, day)] = fen
                rows.extend(
                    PointDayPrice(
                        season=self.season,
                        point=p,
                        cooperative=coop,
                        day=day,
                        price=fen_to_yuan(fen),
                    )
                    for p in self.points_of[coop.pk]
                )
        PointDayPrice.objects.bulk_create(rows, batch_size=5000)

    # ------------------------------------------------------------ weighings

    def _weighings(self) -> None:
        rng, season = self.rng, self.season
        yushui = season.yushui_at
        floor_fen = int(season.floor_price * 100)
        target_total = _scaled(WEIGHINGS, self.scale)
        planned = sum(self.target_g.values())
        mean_net = max(300_000, planned // max(1, target_total))
        rows: list[tuple[Any, ...]] = []
        self.bought: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # coop → [g, fen]
        sqlite = connection.vendor == "sqlite"
        span = (CLOSES - OPENS).days
        for coop, r in self.members:
            hid = r[0]
            points = self.points_of[coop.pk]
            if hid == self.grower_id:
                loads = [
                    (datetime.combine(
                        GROWER_DAYS[0] + timedelta(days=k % 13), datetime.min.time(), BEIJING
                    ) + timedelta(hours=7 + k // 13, minutes=rng.randint(0, 59)),
                     GROWER_LOAD_KG * 1000, 0)
                    for k in range(GROWER_LOADS)
                ]  # fmt: skip
            else:
                left = self.target_g[hid]
                loads = []
                while left > 0:
                    net = min(
                        left, max(100_000, int(rng.gauss(mean_net, mean_net / 3)) // 500 * 500)
                    )
                    offset = min(span, max(0, round(rng.gauss(24, 7))))  # around 18 Feb
                    day = OPENS + timedelta(days=offset)
                    at = datetime.combine(day, datetime.min.time(), BEIJING) + timedelta(
                        seconds=rng.randint(7 * 3600, 18 * 3600)
                    )
                    deduction = net * rng.choice((0, 0, 1, 2, 3)) // 100 // 500 * 500
                    loads.append((at, net, deduction))
                    left -= net
            for at, net, deduction in loads:
                day_fen = self.price[(coop.pk, at.date())]
                applies = domain.floor_applies(
                    at=at,
                    yushui_at=yushui,
                    rule=season.yushui_rule,
                    under_agreement=hid in self.agreed,
                    floor_after_yushui=season.floor_after_yushui,
                )
                floored = applies and day_fen < floor_fen
                market = _half_up(day_fen, net)
                topup = _half_up(floor_fen - day_fen, net) if floored else 0
                client = uuid.UUID(int=rng.getrandbits(128), version=4)
                stamp = connection.ops.adapt_datetimefield_value(at)
                rows.append(
                    (client.hex if sqlite else client, season.pk,
                     points[rng.randrange(len(points))].pk, coop.pk, hid, COUNTY, r[4], r[1],
                     stamp, net + deduction, deduction, net, rng.choice("1112"), day_fen, floored,
                     floor_fen if floored else day_fen, market, topup, None, stamp)
                )  # fmt: skip
                self.bought[coop.pk][0] += net
                self.bought[coop.pk][1] += market + topup
                self.report.floored += floored
        _insert(
            "industry_weighing",
            ["client_id", "season_id", "point_id", "cooperative_id", "household_id",
             "county_code", "town_code", "village_code", "weighed_at", "gross_g", "deduction_g",
             "net_g", "grade", "day_price", "floor_applied", "price_paid", "amount_market",
             "amount_topup", "clerk_id", "recorded_at"],
            rows,
        )  # fmt: skip
        self.report.weighings = len(rows)
        self.report.tonnes = domain.tonnes(sum(g for g, _f in self.bought.values()))
        if self.grower_id is not None:
            grams = GROWER_LOADS * GROWER_LOAD_KG * 1000
            self.report.grower = {
                "household_id": self.grower_id,
                "tonnes": domain.tonnes(grams),
                "amount": domain.line_amount(fen_to_yuan(GROWER_PRICE_FEN), grams),
                "deposit": domain.deposit_for(
                    domain.contracted_grams(area_mu=GROWER_MU, yield_kg_per_mu=GROWER_YIELD_KG),
                    self.season.household_deposit_rate,
                ),
            }

    # ------------------------------------------------------------ deliveries

    def _deliveries(self) -> None:
        """An order agreement and deposit per cooperative; 96 % of what it bought delivered in
        four loads at a price that leaves a margin below, within or above the band."""
        season, rng = self.season, self.rng
        orders = []
        for i, coop in enumerate(self.coops):
            grams = self.bought[coop.pk][0]
            contracted = max(1_000_000, grams // 1_000_000 * 1_000_000)
            orders.append(
                OrderAgreement(
                    season=season,
                    enterprise=self.enterprises[i % len(self.enterprises)],
                    cooperative=coop,
                    contracted_g=contracted,
                    deposit_amount=domain.deposit_for(contracted, season.coop_deposit_rate),
                    signed_on=date(2020, 9, 15),
                )
            )
        orders = OrderAgreement.objects.bulk_create(orders)
        bank = chart.bank(COUNTY, season.pk)
        accounts, specs, deliveries = [bank], [], []
        for order in orders:
            held = chart.enterprise_to_coop(
                "2202", COUNTY, season.pk, order.enterprise_id, order.cooperative_id
            )
            accounts.append(held)
            specs.append(
                EntrySpec(
                    f"deposit/S{season.pk}/E{order.enterprise_id}/C{order.cooperative_id}",
                    "deposit_paid",
                    (Line(bank.code, order.deposit_amount), Line(held.code, -order.deposit_amount)),
                    "合作社履约保证金 cooperative performance deposit",
                    season.pk,
                )
            )
            grams, cost_fen = self.bought[order.cooperative_id]
            if grams <= 0:
                continue
            delivered = grams * 96 // 100 // 4 * 4
            tonnes = Decimal(delivered) / 1_000_000
            costs_fen = int(tonnes * 50 * 100)  # 50 yuan/t of transport and handling
            margin = rng.choice((120, 170, 170, 170, 170, 240))  # yuan/t: below, within, above
            price_yuan = int(
                (Decimal(cost_fen + costs_fen) / 100 / tonnes + margin).to_integral_value(
                    rounding=ROUND_CEILING
                )
            )
            for k in range(4):
                deliveries.append(
                    Delivery(
                        season=season,
                        agreement=order,
                        cooperative_id=order.cooperative_id,
                        enterprise_id=order.enterprise_id,
                        delivered_at=datetime(2021, 2, 20, 10, tzinfo=BEIJING)
                        + timedelta(days=3 * k),
                        net_g=delivered // 4,
                        price=Decimal(price_yuan),
                        amount=domain.line_amount(Decimal(price_yuan), delivered // 4),
                        costs=fen_to_yuan(costs_fen // 4),
                        note="演示 demo",
                    )
                )
        entries_post_bulk(actor=None, specs=specs, account_ids=accounts_ensure(accounts))
        Delivery.objects.bulk_create(deliveries, batch_size=2000)
        self.report.deliveries = len(deliveries)

    # ------------------------------------------------------------ shares and clerks

    def _shareholdings(self) -> None:
        """涉农资金股权化: exited members hold quantified public funds; a few bought shares."""
        rows = []
        for coop, r in self.members:
            if r[2] == "exited":
                amount = Decimal(self.rng.randrange(2000, 20001, 500))
                rows.append((coop, r, "fund", amount))
            elif self.rng.random() < 0.05:
                rows.append((coop, r, "cash", Decimal(self.rng.randrange(5000, 50001, 1000))))
        Shareholding.objects.bulk_create(
            [
                Shareholding(
                    cooperative=coop,
                    household_id=r[0],
                    county_code=COUNTY,
                    town_code=r[4],
                    village_code=r[1],
                    source=source,
                    amount=amount,
                    since=date(2019, 12, 31),
                )
                for coop, r, source, amount in rows
            ],
            batch_size=2000,
        )
        self.report.shareholdings = len(rows)

    def _clerks(self) -> None:
        """The demo clerks keep the grower's cooperative's and the group's books."""
        for name, coop, enterprise in (
            (COOP_CLERK, self.coops[0], None),
            (ENTERPRISE_CLERK, None, self.enterprises[0]),
        ):
            user = User.objects.filter(username_key=username_key(name), is_demo=True).first()
            if user is not None and not Clerk.objects.filter(user=user).exists():
                clerk_bind(actor=None, user=user, cooperative=coop, enterprise=enterprise)


def _insert(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """COPY on PostgreSQL, `executemany` on SQLite (names are fixed, values parameters)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 — the demo's own table and column names
        for start in range(0, len(rows), 10_000):
            cursor.executemany(sql, rows[start : start + 10_000])


def industry_summary(report: IndustryReport) -> list[str]:
    """Lines for the demo command's output."""
    if report.skipped:
        return ["两金一链产季已存在，未重复生成 / the 2021 benefit-chain season exists: kept"]
    lines = [
        f"两金一链 benefit chain: 企业 enterprises {report.enterprises}，合作社 cooperatives"
        f" {report.cooperatives}，收购点 purchase points {report.points:,}，社员 members"
        f" {report.members:,}（脱贫户 exited {report.exited_members:,}），保护价协议 agreements"
        f" {report.agreements:,}",
        f"  2021 产季 season: 过磅 weighings {report.weighings:,}（{report.tonnes:,} t；保护价补差"
        f" floor top-up {report.floored:,}），交售 deliveries {report.deliveries:,}，"
        f"股金 shareholdings {report.shareholdings:,} ({report.seconds:.1f}s)",
    ]
    if report.grower:
        g = report.grower
        lines.append(
            f"  卢家庆: {g['tonnes']} t × 1,450 = {g['amount']:,} 元；"
            f"保证金 deposit {g['deposit']:,} 元。结算 settle: `zhenxing settle --season 2021`"
            " (或产季页面 or the season page)"
        )
    return lines
