"""Assistance: the district's plan proposal (target ≤ 10 s for 300,000 households on SQLite),
an officer's and a cadre's due list (p95 ≤ 200 ms at full scale) and the district's 六统一
discrepancy check (≤ 10 s).

Builds the demo district (`zhenxing demo --no-serve --scale S`, default 1: ≈300,000
households, with its cadres, officers, plans and visits) in a scratch SQLite database (or
`--postgres URL`), then in this process:

1. times `plans_propose` for the county twice: after dropping every untouched proposed item
   (a first proposal over the accepted ones) and again unchanged (a re-run changes nothing);
2. times `due_list` for the officer and the cadre with the most households, and the
   "my households" page through the whole middleware stack, `--runs` times: p50/p95/max;
3. stamps a printed board for every classed household and times `discrepancies_refresh`.

    uv run --frozen python benchmarks/bench_assistance.py [--scale 1] [--runs 40]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from pathlib import Path
from typing import Any


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--postgres", metavar="URL")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    return parser.parse_args()


def _setup(args: argparse.Namespace) -> Path:
    from scratch import demo_scratch

    return demo_scratch(
        scale=args.scale, seed=args.seed, prefix="zhenxing-benchassist-", postgres=args.postgres
    )


def _timed(label: str, fn: Any) -> Any:
    started = time.perf_counter()
    result = fn()
    print(f"{label:<52} {time.perf_counter() - started:6.2f} s  {result}")
    return result


def _measure(label: str, fn: Any, runs: int) -> None:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(
        f"{label:<52} p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  "
        f"max {times[-1]:7.1f} ms"
    )


def main() -> None:
    args = _parse()
    scratch = _setup(args)
    try:
        import django

        django.setup()
        from django.db.models import Count
        from django.test import Client
        from django.test.utils import setup_test_environment
        from django.utils import timezone

        from zhenxing.accounts.models import User
        from zhenxing.assistance.models import OfficerAssignment, PlanItem, PrintStamp
        from zhenxing.assistance.selectors import due_list
        from zhenxing.assistance.services import discrepancies_refresh, plans_propose
        from zhenxing.core.timeutil import business_today
        from zhenxing.households.models import CadrePairing, Household

        setup_test_environment()
        county, today = "500102", business_today()
        print(f"households: {Household.objects.count():,}")
        removed = PlanItem.objects.filter(status="proposed", touched_at__isnull=True).delete()[0]
        print(f"untouched proposed items removed for a first proposal: {removed:,}")
        for label in ("plans_propose (first proposal)", "plans_propose (again: no change)"):
            _timed(label, lambda: plans_propose(actor=None, county_code=county, year=today.year))

        def busiest(model: Any, column: str) -> User:
            row = (
                model.objects.filter(county_code=county, until__isnull=True)
                .values(column)
                .annotate(n=Count("pk"))
                .order_by("-n")
                .first()
            )
            return User.objects.get(pk=row[column])

        for who, model, column in (
            ("officer", OfficerAssignment, "officer"),
            ("cadre", CadrePairing, "cadre"),
        ):
            user = busiest(model, column)
            rows = due_list(user, today=today)
            _measure(
                f"due_list, {who} with {len(rows)} households",
                lambda u=user: due_list(u, today=today),
                args.runs,
            )
            client = Client()
            client.force_login(user)

            def get(client: Client = client) -> None:
                response = client.get("/assistance/mine/")
                assert response.status_code == 200, response.status_code

            get()
            _measure(f"'my households' page, {who}", get, args.runs)

        now = timezone.now()
        classed = list(
            OfficerAssignment.objects.filter(county_code=county, until__isnull=True).values_list(
                "household_id", "town_code", "village_code"
            )
        )
        PrintStamp.objects.filter(document="board").delete()
        PrintStamp.objects.bulk_create(
            [
                PrintStamp(
                    household_id=h,
                    document="board",
                    version=1,
                    record_at=now,
                    printed_at=now,
                    county_code=county,
                    town_code=t,
                    village_code=v,
                )
                for h, t, v in classed
            ],
            batch_size=5000,
        )
        print(f"boards printed: {len(classed):,}")
        _timed(
            "discrepancies_refresh (district)",
            lambda: discrepancies_refresh(actor=None, county_code=county),
        )
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
