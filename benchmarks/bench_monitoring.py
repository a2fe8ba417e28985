"""Monitoring: department alert import and a town's case list (targets: 100,000-row alert file
imported and matched ≤ 20 s; a town's case list p95 ≤ 300 ms at full demo scale).

Builds the demo district (`zhenxing demo --no-serve --scale S`, default 0.3) in a scratch
SQLite database (or `--postgres URL`), then in this process:

1. writes a 100,000-row alert csv from the registry's own ID numbers (decrypted here): 96 %
   matching members, 2 % unknown but valid IDs, 1 % name mismatches, 1 % bad check digits;
   times `alerts_import(..., commit=True, skip_invalid=True)` (guards, read, validate, blind
   index, match, leads) and prints rows/s; a second import of the same file (0 new leads);
2. creates N cases (default 20,000) set-based across the district and requests the case list
   page as the demo town user (whole middleware stack) `--runs` times per variant: p50/p95/max.

    uv run --frozen python benchmarks/bench_monitoring.py [--scale 1] [--rows 100000]
    uv run --frozen python benchmarks/bench_monitoring.py --postgres postgres://postgres@127.0.0.1:5432/zhenxing_benchmon
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import statistics
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--postgres", metavar="URL")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    return parser.parse_args()


def _setup(args: argparse.Namespace) -> Path:
    from scratch import demo_scratch

    return demo_scratch(
        scale=args.scale, seed=args.seed, prefix="zhenxing-benchmon-", postgres=args.postgres
    )


def _alert_file(path: Path, rows: int) -> None:
    from zhenxing.core.crypto import decrypt
    from zhenxing.core.idnumbers import check_char
    from zhenxing.households.models import ID_CONTEXT, Member

    rng = random.Random(7)
    members = list(
        Member.objects.filter(status="active")
        .order_by("id")
        .values_list("id_cipher", "name")[: rows * 2]
    )
    rng.shuffle(members)
    started = time.perf_counter()
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["身份证号", "姓名", "事件日期", "金额", "说明"])
        for n in range(rows):
            cipher, name = members[n % len(members)]
            number = decrypt(cipher, context=ID_CONTEXT)
            roll = n % 100
            if roll < 2:  # a valid ID nobody holds
                body = f"500102{1930 + n % 60}0101{n % 1000:03d}"
                number = body + check_char(body)
            elif roll == 2:
                name += "某"
            elif roll == 3:
                number = number[:17] + ("0" if number[17] != "0" else "1")
            day = date(2025, 1, 1) + timedelta(days=n // len(members))
            writer.writerow([number, name, day.isoformat(), f"{rng.randint(1, 90000)}.00", "住院"])
    print(f"alert file: {rows:,} rows written in {time.perf_counter() - started:.1f} s")


def _measure(label: str, fn: Any, runs: int) -> None:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(
        f"{label:<40} p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  "
        f"max {times[-1]:7.1f} ms"
    )


def _cases(n: int) -> str:
    """N open cases, set-based (bulk insert), spread over the district; returns the town with
    the most."""
    from collections import Counter

    from zhenxing.households.models import Household
    from zhenxing.monitoring.models import Case

    households = list(
        Household.objects.values_list("id", "county_code", "town_code", "village_code")[:n]
    )
    today = date.today()  # noqa: DTZ011 — synthetic data
    states = ["verifying", "verified", "authorised", "compared", "evaluated", "noticed"]
    objects = [
        Case(
            household_id=h, county_code=c, town_code=t, village_code=v,
            kind="identification", state=states[i % len(states)], opened_on=today,
            due_on=today + timedelta(days=(i % 30) - 10), risk_mask=1,
        )
        for i, (h, c, t, v) in enumerate(households)
    ]  # fmt: skip
    started = time.perf_counter()
    Case.objects.bulk_create(objects, batch_size=5000)
    print(f"cases: {len(objects):,} inserted in {time.perf_counter() - started:.1f} s")
    return Counter(t for _h, _c, t, _v in households).most_common(1)[0][0]


def main() -> None:
    args = _parse()
    scratch = _setup(args)
    try:
        import django

        django.setup()
        from django.db import connection
        from django.test import Client
        from django.test.utils import setup_test_environment

        from zhenxing.accounts.models import User
        from zhenxing.monitoring.imports import alerts_import
        from zhenxing.monitoring.models import Lead

        setup_test_environment()
        path = scratch / "alerts.csv"
        _alert_file(path, args.rows)
        for attempt in ("first import", "same file again"):
            started, cpu = time.perf_counter(), time.process_time()
            report = alerts_import(
                path, actor=None, source="medical", commit=True, skip_invalid=True
            )
            wall = time.perf_counter() - started
            print(
                f"{attempt}: {report.rows:,} rows in {wall:.1f} s wall "
                f"({time.process_time() - cpu:.1f} s CPU, {report.rows / wall:,.0f} rows/s): "
                f"matched {report.matched:,}, unmatched {report.unmatched:,}, "
                f"ambiguous {report.ambiguous:,}, invalid {report.invalid:,}, "
                f"leads +{report.leads_created:,}"
            )
        print(f"leads in the database: {Lead.objects.count():,}")

        town = _cases(args.cases)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE monitoring_case")
        user = User.objects.filter(role="town_staff", region__code=town).first()
        if user is None:
            from zhenxing.accounts.tests.factories import UserFactory
            from zhenxing.regions.models import Division

            region = Division.objects.get(code=town, valid_to__isnull=True)
            user = UserFactory.create(username="bench-town", role="town_staff", region=region)
        client = Client()
        client.force_login(user)
        from zhenxing.monitoring.models import Case

        in_town = Case.objects.filter(town_code=town).count()
        print(f"town {town}: {in_town:,} cases; {args.runs} requests per variant")
        for label, query in (
            ("case list, first page", ""),
            ("case list, page 5", "?page=5"),
            ("case list, overdue only", "?overdue=1"),
            ("case list, one state", "?state=noticed"),
            ("my tasks", None),
        ):
            url = "/monitoring/" if query is None else f"/monitoring/cases/{query}"

            def get(url: str = url) -> None:
                response = client.get(url)
                assert response.status_code == 200, response.status_code

            get()
            _measure(label, get, args.runs)
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
