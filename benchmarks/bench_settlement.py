"""Settle a season of a million weighings and time purchase entry; print the figures.

    uv run --frozen python benchmarks/bench_settlement.py [--weighings 1000000]
    uv run --frozen python benchmarks/bench_settlement.py --postgres

Builds synthetic data into a fresh database: a temporary SQLite file (never var/), or with
`--postgres` the database `zhenxing_bench_settle` (dropped and created again). The settings
module and a temporary ZHENXING_VAR_DIR are set here. Data: 20 towns × 20 villages, N/25
households, 200 cooperatives with 10 purchase points each, 37 enterprises, protection-price
agreements for 4 households in 5 with their deposits paid (ledger entries), an order agreement,
a deposit and a few deliveries per cooperative, and N weighings spread ten days either side of
the 雨水 instant with day prices from 700 to 1,600 yuan/t (so the floor binds for some). The
weighings' amounts are computed in SQL with the same half-up integer rule as
`industry.domain.line_amount` (a sample is checked against it).

Timed:
1. purchase entry: ~200 weighings posted to the entry page through the full request stack
   (test client, htmx request, a coop clerk) at a moment before 雨水 — p50, p95, max;
2. the settlement: submit (facts + domain preview), then every step of `settlement_execute`
   (statements, household postings, cooperative postings, income lines, finish) — and a re-run,
   which must post nothing. Then the ledger is verified (M1, M2).

Targets: settlement ≤ 60 s on SQLite and ≤ 30 s on PostgreSQL; purchase entry p95 ≤ 200 ms.
Last run (2 cores, load ≈ 1, 1,000,000 weighings, 40,000 households, 200 cooperatives):
SQLite 8.4 s (submit 0.7, statements 3.0, household postings 3.6, income lines 1.1), purchase
entry p50 7 ms / p95 8 ms; PostgreSQL 15 14.1 s (submit 1.1, statements 3.7, household
postings 7.8, income lines 1.4), purchase entry p50 12 ms / p95 17 ms; peak RSS ≈ 290 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgres://postgres@127.0.0.1:5432/zhenxing_bench_settle"
COUNTY = "500102"
YEAR = 2021
YUSHUI_UTC = "2021-02-18 10:43:58"  # 18:43:58 Beijing
FLOOR_FEN = 80_000  # 800 yuan/t (the season's floor; data below uses the same)


def _setup(postgres: bool) -> Path:
    temp = Path(tempfile.mkdtemp(prefix="zhenxing-bench-settle-"))
    os.environ["ZHENXING_VAR_DIR"] = str(temp)
    # Test settings: tasks inline, plain static storage (no manifest needed for the page).
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["ZHENXING_ALLOWED_HOSTS"] = "testserver,localhost"
    if postgres:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS zhenxing_bench_settle")
            conn.execute("CREATE DATABASE zhenxing_bench_settle")
        os.environ["DATABASE_URL"] = PG_URL
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{temp / 'bench.sqlite3'}"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return temp


def _tick(label: str, started: float) -> float:
    now = time.perf_counter()
    print(f"  {label}: {now - started:.2f} s")
    return now


def _regions() -> None:
    from synthetic import load_regions

    load_regions(COUNTY)


def _village(i: int) -> str:
    return f"{COUNTY}{101 + i % 20:03d}{201 + (i // 20) % 20:03d}"


def _insert(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def _build(weighings: int, households: int, coops: int) -> dict[str, Any]:
    """Everything but the weighings through set-based inserts; returns ids the run needs."""
    from django.db import connection, transaction
    from django.utils import timezone

    from zhenxing.industry import chart, services
    from zhenxing.industry.models import Cooperative, Enterprise, PurchasePoint
    from zhenxing.ledger.domain import Line
    from zhenxing.ledger.services import EntrySpec, accounts_ensure, entries_post_bulk

    started = time.perf_counter()
    _regions()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    hh_rows = []
    for i in range(households):
        village = _village(i)
        hh_rows.append(
            (f"B{i:09d}", village + "001", COUNTY, village[:9], village,
             "exited" if i % 18 == 0 else "general", 2018 if i % 18 == 0 else None, "", "",
             f"户主{i}", "", "", "", "", 3, now, now)
        )  # fmt: skip
    with transaction.atomic():
        _insert(
            "households_household",
            ["household_no", "group_code", "county_code", "town_code", "village_code",
             "category", "exit_year", "monitoring_type", "address", "head_name", "phone_cipher",
             "phone_index", "bank_cipher", "bank_index", "member_count", "created_at",
             "updated_at"],
            hh_rows,
        )  # fmt: skip
    hh_ids = list(
        __import__("zhenxing.households.models", fromlist=["Household"])
        .Household.objects.order_by("id")
        .values_list("id", flat=True)
    )
    started = _tick(f"{households:,} households", started)
    season = services.season_create(
        actor=None,
        county_code=COUNTY,
        data=services.SeasonInput(
            year=YEAR,
            opens_on=date(2021, 1, 20),
            closes_on=date(2021, 3, 10),
            approval_threshold=Decimal("1000000000"),  # the batch approval is not timed here
        ),
    )
    enterprises = Enterprise.objects.bulk_create(
        [Enterprise(title=f"榨菜企业{i}", county_code=COUNTY) for i in range(37)]
    )
    coop_objs = Cooperative.objects.bulk_create(
        [
            Cooperative(
                title=f"榨菜股份合作社{i}",
                county_code=COUNTY,
                town_code=_village(i)[:9],
                village_code=_village(i),
            )
            for i in range(coops)
        ]
    )
    points = PurchasePoint.objects.bulk_create(
        [
            PurchasePoint(
                cooperative=c, title=f"{c.title}收购点{k}", county_code=COUNTY,
                town_code=c.town_code, village_code=_village(i * 10 + k),
            )
            for i, c in enumerate(coop_objs)
            for k in range(10)
        ]
    )  # fmt: skip
    coop_ids = [c.pk for c in coop_objs]
    member_rows = []
    agreement_rows = []
    for n, hid in enumerate(hh_ids):
        village = _village(n)
        coop = coop_ids[n % coops]
        member_rows.append((coop, hid, COUNTY, village[:9], village, "2020-09-01", None))
        if n % 5:
            contracted = (10 + n % 50) * 1_000_000  # 10–59 t
            agreement_rows.append(
                (season.pk, coop, hid, COUNTY, village[:9], village, None, None, contracted,
                 contracted * 30 // 10_000, "2020-10-01", now)
            )  # fmt: skip
    with transaction.atomic():
        _insert(
            "industry_membership",
            ["cooperative_id", "household_id", "county_code", "town_code", "village_code",
             "joined_on", "left_on"],
            member_rows,
        )  # fmt: skip
        _insert(
            "industry_protectionagreement",
            ["season_id", "cooperative_id", "household_id", "county_code", "town_code",
             "village_code", "area_mu", "yield_kg_per_mu", "contracted_g", "deposit_amount",
             "signed_on", "created_at"],
            agreement_rows,
        )  # fmt: skip
        # The households' deposits, paid: bulk ledger entries like deposit_pay's.
        bank = chart.bank(COUNTY, season.pk)
        specs, accounts = [], [bank]
        for row in agreement_rows:
            coop, hid, fen = row[1], row[2], row[9]
            held = chart.coop_to_household("2201", COUNTY, season.pk, coop, hid)
            accounts.append(held)
            amount = Decimal(fen) / 100
            specs.append(
                EntrySpec(
                    f"deposit/S{season.pk}/C{coop}/H{hid}",
                    "deposit_paid",
                    (Line(bank.code, amount), Line(held.code, -amount)),
                    "bench deposit",
                    season.pk,
                )
            )
        entries_post_bulk(actor=None, specs=specs, account_ids=accounts_ensure(accounts))
    started = _tick(
        f"{len(member_rows):,} members, {len(agreement_rows):,} agreements and deposits", started
    )
    with transaction.atomic():
        for i, coop in enumerate(coop_objs):
            order = services.order_agreement_sign(
                actor=None,
                season=season,
                enterprise=enterprises[i % len(enterprises)],
                cooperative=coop,
                tonnes=Decimal(weighings // coops * 7 // 4),  # ≈ 1.75 t a weighing
                signed_on=date(2020, 9, 15),
            )
            services.deposit_pay(actor=None, agreement=order)
            for d in range(3):
                services.delivery_record(
                    actor=None,
                    agreement=order,
                    client_id=uuid.uuid4(),
                    delivered_at=datetime(2021, 2, 20 + d, 8, tzinfo=UTC),
                    net_kg=Decimal(weighings // coops * 1750 * 95 // 300),  # 95 % delivered
                    price=Decimal(1200 + (i % 7) * 50),
                    costs=Decimal(5000 + i % 13 * 1000),
                )
    _tick("order agreements, deposits, deliveries", started)
    return {"season": season, "points": points, "coops": coop_objs, "households": hh_ids}


def _weighings(season_id: int, n: int, households: int, coops: int, first_hh: int) -> None:
    """N weighings in one INSERT … SELECT; amounts by the half-up integer rule."""
    from django.db import connection

    from zhenxing.industry.models import PurchasePoint

    first_point = PurchasePoint.objects.order_by("id").values_list("id", flat=True).first()
    first_coop = PurchasePoint.objects.order_by("id").values_list("cooperative_id", flat=True)[0]
    pg = connection.vendor == "postgresql"
    series = (
        f"generate_series(0::bigint, {n - 1}) AS s(x)"
        if pg
        else f"(WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x < {n - 1})"
        " SELECT x FROM c) AS s"
    )
    # A household sells ~25 times; its cooperative is h % coops, one of its 10 points.
    hh = f"(x % {households})"
    at = (
        "(timestamp '2021-02-08 00:00:00' + ((x * 7919) % 1728000) * interval '1 second')"
        if pg
        else "datetime('2021-02-08 00:00:00', '+' || ((x * 7919) % 1728000) || ' seconds')"
    )
    day = "(((x * 7919) % 1728000) / 86400)"
    price = f"(70000 + ((({day}) + {hh} % {coops}) % 10) * 10000)"  # fen per t: 700–1,600
    net = "(500000 + (x * 104729) % 2500001)"  # 500–3,000 kg in grams
    applies = f"({hh} % 5 <> 0 AND {at} < {'timestamp' if pg else ''} '{YUSHUI_UTC}')"
    uuid_expr = "md5(x::text || 'w')::uuid" if pg else "lower(hex(randomblob(16)))"
    sql = f"""
    INSERT INTO industry_weighing (client_id, season_id, point_id, cooperative_id, household_id,
        county_code, town_code, village_code, weighed_at, gross_g, deduction_g, net_g, grade,
        day_price, floor_applied, price_paid, amount_market, amount_topup, clerk_id, recorded_at)
    SELECT {uuid_expr}, {season_id},
           {first_point} + ({hh} % {coops}) * 10 + x % 10, {first_coop} + {hh} % {coops},
           {first_hh} + {hh}, '{COUNTY}', h.town_code, h.village_code,
           {at}, {net} + 2000, 2000, {net}, '1', {price},
           {applies} AND {price} < {FLOOR_FEN},
           CASE WHEN {applies} AND {price} < {FLOOR_FEN} THEN {FLOOR_FEN} ELSE {price} END,
           (2 * {price} * {net} + 1000000) / 2000000,
           CASE WHEN {applies} AND {price} < {FLOOR_FEN}
                THEN (2 * ({FLOOR_FEN} - {price}) * {net} + 1000000) / 2000000 ELSE 0 END,
           NULL, {at}
    FROM {series} JOIN households_household h ON h.id = {first_hh} + {hh}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        cursor.execute("ANALYZE")


def _check_amounts(sample: int = 2000) -> None:
    from zhenxing.industry.domain import weighing_amounts
    from zhenxing.industry.models import Weighing

    for w in Weighing.objects.order_by("?")[:sample]:
        got = weighing_amounts(
            net_g=w.net_g, day_price=w.day_price, floor=Decimal(FLOOR_FEN) / 100,
            applies=w.floor_applied,
        )  # fmt: skip
        assert (got.market, got.topup) == (w.amount_market, w.amount_topup), w.client_id


def _purchase_entry(data: dict[str, Any], submissions: int) -> None:
    import time_machine
    from django.test import Client

    from zhenxing.accounts.models import User
    from zhenxing.core.roles import Role
    from zhenxing.core.timeutil import BEIJING
    from zhenxing.industry import services
    from zhenxing.industry.models import Membership

    coop = data["coops"][1]  # its members are all under agreement (1 in 5 households is not)
    point = data["points"][10]
    clerk = User.objects.create_user("bench.clerk", "Bench-Clerk-9x!", role=Role.COOP_CLERK)
    services.clerk_bind(actor=None, user=clerk, cooperative=coop)
    members = list(
        Membership.objects.filter(cooperative=coop).values_list("household_id", flat=True)[:50]
    )
    moment = datetime(2021, 2, 16, 9, tzinfo=BEIJING)
    with time_machine.travel(moment, tick=True):
        services.day_price_set(
            actor=None, season=data["season"], cooperative=coop, day=moment.date(),
            price=Decimal("760"),
        )  # fmt: skip
        client = Client()
        client.force_login(clerk)
        client.get(f"/industry/points/{point.pk}/")  # warm up
        times = []
        ok = 0
        for i in range(submissions):
            payload = {
                "client_id": str(uuid.uuid4()),
                "household": members[i % len(members)],
                "gross_kg": f"{1500 + i}",
                "deduction_kg": "20",
                "grade": "1",
                "price": "",
            }
            t0 = time.perf_counter()
            response = client.post(
                f"/industry/points/{point.pk}/weigh/", payload, HTTP_HX_REQUEST="true"
            )
            times.append((time.perf_counter() - t0) * 1000)
            ok += response.status_code == 200 and "HX-Trigger" in response
        t0 = time.perf_counter()
        client.get(f"/industry/points/{point.pk}/members/", {"q": "B0"})
        search_ms = (time.perf_counter() - t0) * 1000
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"收购录入 purchase entry ({ok}/{submissions} recorded): p50 {statistics.median(times):.0f}"
        f" ms, p95 {p95:.0f} ms, max {times[-1]:.0f} ms; member search {search_ms:.0f} ms"
    )


def _settle(season: Any) -> None:
    from zhenxing.households.models import IncomeLine
    from zhenxing.industry.models import HouseholdStatement
    from zhenxing.industry.services import settlement_execute, settlement_submit
    from zhenxing.ledger.models import Entry, Posting
    from zhenxing.ledger.services import ledger_verify

    print("结算 settlement:")
    total0 = time.perf_counter()
    run = settlement_submit(actor=None, season=season)
    marks: list[tuple[str, float]] = [("submit (facts + preview)", time.perf_counter())]
    run = settlement_execute(
        run.pk, progress=lambda step: marks.append((step, time.perf_counter()))
    )
    end = time.perf_counter()
    previous = total0
    labels = [m[0] for m in marks]
    stamps = [m[1] for m in marks] + [end]
    print(f"  {labels[0]}: {stamps[0] - previous:.2f} s")
    for i, label in enumerate(labels[1:], start=1):
        print(f"  {label}: {stamps[i + 1] - stamps[i]:.2f} s")
    print(
        f"  合计 total (submit + execute): {end - total0:.2f} s;"
        f" execute alone {end - stamps[0]:.2f} s"
    )
    counts = (Entry.objects.count(), Posting.objects.count(), IncomeLine.objects.count())
    t0 = time.perf_counter()
    settlement_execute(run.pk)
    print(f"  重复运行 re-run: {time.perf_counter() - t0:.2f} s")
    assert counts == (Entry.objects.count(), Posting.objects.count(), IncomeLine.objects.count())
    t0 = time.perf_counter()
    check = ledger_verify()
    print(
        f"  账簿校验 ledger verify: {time.perf_counter() - t0:.2f} s; sum {check.balance_sum},"
        f" ok={check.ok}"
    )
    assert check.ok
    print(
        f"  statements {HouseholdStatement.objects.count():,}, entries {counts[0]:,},"
        f" postings {counts[1]:,}, income lines {counts[2]:,}; totals {run.totals}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weighings", type=int, default=1_000_000)
    parser.add_argument("--households", type=int, default=None, help="default: weighings / 25")
    parser.add_argument("--coops", type=int, default=200)
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    households = args.households or max(args.coops, args.weighings // 25)

    temp = _setup(args.postgres)
    from django.core.management import call_command
    from django.db import connection

    print(f"数据库 database: {connection.vendor} ({temp if not args.postgres else PG_URL})")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    started = _tick("migrate", started)
    data = _build(args.weighings, households, args.coops)
    started = time.perf_counter()
    _weighings(data["season"].pk, args.weighings, households, args.coops, data["households"][0])
    started = _tick(f"{args.weighings:,} weighings", started)
    _check_amounts()
    _tick("amounts checked against the domain rule (sample)", started)

    _purchase_entry(data, args.submissions)
    _settle(data["season"])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"峰值内存 peak RSS: {peak:,.0f} MB")
    if not args.keep:
        shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    main()
