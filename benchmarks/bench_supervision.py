"""Supervision: problem and responsibility lists (target p95 ≤ 200 ms at full scale), the
response-time report (≤ 5 s) and the infrastructure gap list (≤ 1 s).

Builds the demo district (`zhenxing demo --no-serve --scale S`, default 1) in a scratch SQLite
database (or `--postgres URL`), then adds, set-based, N problems and N responsibility items
(default 20,000 each) spread over the towns, departments and commanders, and W warnings
(default 30,000 leads, a third with an identification case, a verification step and a measure),
and times the selectors as the supervisor (the commander 徐志红) and as the district:

    uv run --frozen python benchmarks/bench_supervision.py [--scale 1] [--problems 20000]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--problems", type=int, default=20_000)
    parser.add_argument("--warnings", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--postgres", metavar="URL")
    parser.add_argument("--reuse", metavar="DIR", help="a scratch directory of an earlier run")
    return parser.parse_args()


def _setup(args: argparse.Namespace) -> Path:
    from scratch import demo_scratch

    return demo_scratch(
        scale=args.scale,
        seed=args.seed,
        prefix="zx-benchsup-",
        postgres=args.postgres,
        reuse=args.reuse,
    )


def _time(label: str, fn: Any, runs: int) -> None:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(
        f"{label:<46} p50 {statistics.median(times):8.1f} ms  p95 {p95:8.1f} ms  "
        f"max {times[-1]:8.1f} ms",
        flush=True,
    )


def _fill(args: argparse.Namespace) -> None:
    """Synthetic load, bulk-inserted (benchmark data, not a code path of the system)."""
    from zhenxing.households.models import Household
    from zhenxing.monitoring.models import Case, CaseStep, Lead, Measure
    from zhenxing.supervision.models import (
        CheckItem,
        Commander,
        Department,
        Finding,
        Problem,
        ResponsibilityItem,
        SupervisionVisit,
    )

    if Problem.objects.count() >= args.problems:
        return
    started = time.perf_counter()
    county = "500102"
    today = date.today()  # noqa: DTZ011 — synthetic data
    homes = list(Household.objects.values_list("id", "town_code", "village_code")[: args.warnings])
    towns = sorted({t for _h, t, _v in homes})
    depts = list(Department.objects.filter(county_code=county))
    commanders = list(Commander.objects.filter(county_code=county))
    check = CheckItem.objects.get(code="assistance")
    visits = SupervisionVisit.objects.bulk_create(
        [
            SupervisionVisit(
                county_code=county,
                town_code=towns[i % len(towns)],
                visited_on=today - timedelta(days=90),
                commander=commanders[i % 27],
                checked=["assistance"],
            )
            for i in range(2000)
        ],
        batch_size=2000,
    )
    findings = Finding.objects.bulk_create(
        [
            Finding(
                county_code=county, visit=visits[i % len(visits)], check_item=check, text=f"发现{i}"
            )
            for i in range(args.problems)
        ],
        batch_size=5000,
    )
    Problem.objects.bulk_create(
        [
            Problem(
                county_code=county,
                town_code=f.visit.town_code,
                owner_type="department" if i % 3 else "town",
                department=depts[i % len(depts)] if i % 3 else None,
                owner_name="x",
                finding=f,
                commander=f.visit.commander,
                title=f.text,
                found_on=today - timedelta(days=90),
                deadline=today + timedelta(days=i % 60 - 30),
                status=["open", "rectified", "verified"][i % 3],
                rectification="已整改",
            )
            for i, f in enumerate(findings)
        ],
        batch_size=5000,
    )
    ResponsibilityItem.objects.bulk_create(
        [
            ResponsibilityItem(
                county_code=county,
                town_code="" if i % 2 else towns[i % len(towns)],
                owner_type="department" if i % 2 else "town",
                department=depts[i % len(depts)] if i % 2 else None,
                owner_name="x",
                title=f"事项{i}",
                pillar="medical",
                due_on=today + timedelta(days=i % 90 - 45),
            )
            for i in range(args.problems)
        ],
        batch_size=5000,
    )
    sh = ZoneInfo("Asia/Shanghai")
    leads, cases = [], []
    for i, (h, t, v) in enumerate(homes):
        found = today - timedelta(days=i % 120)
        case = None
        if i % 3 == 0:
            case = Case(
                household_id=h,
                county_code=county,
                town_code=t,
                village_code=v,
                kind="identification",
                state="included",
                opened_on=found,
                due_on=found + timedelta(days=15),
                decided_on=found + timedelta(days=i % 25),
            )
            cases.append(case)
        leads.append((h, t, v, found, case))
    Case.objects.bulk_create(cases, batch_size=5000)
    CaseStep.objects.bulk_create(
        [
            CaseStep(
                case=c,
                action="verify",
                from_state="verifying",
                to_state="verified",
                at=datetime.combine(c.opened_on + timedelta(days=2), datetime.min.time(), sh),
            )
            for c in cases
        ],
        batch_size=5000,
    )
    Measure.objects.bulk_create(
        [
            Measure(
                household_id=c.household_id,
                county_code=county,
                town_code=c.town_code,
                village_code=c.village_code,
                kind="medical",
                planned_on=c.opened_on + timedelta(days=20),
            )
            for c in cases
        ],
        batch_size=5000,
    )
    Lead.objects.bulk_create(
        [
            Lead(
                household_id=h,
                county_code=county,
                town_code=t,
                village_code=v,
                channel="screening",
                found_on=found,
                due_on=found + timedelta(days=15),
                dedupe_key=f"bench:{h}",
                case=case,
                status="accepted" if case else "open",
            )
            for h, t, v, found, case in leads
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    print(
        f"synthetic: {args.problems:,} problems, {args.problems:,} items, {len(leads):,} "
        f"warnings ({len(cases):,} answered) in {time.perf_counter() - started:.1f} s"
    )


def main() -> None:
    args = _parse()
    _setup(args)
    import django

    django.setup()
    from django.db import connection

    from zhenxing.accounts.models import User
    from zhenxing.supervision import reports, selectors

    _fill(args)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    today = date.today()  # noqa: DTZ011
    supervisor = User.objects.get(username="supervisor")
    district = User.objects.get(username="district")
    commander = selectors.commander_of(supervisor)
    town = selectors.problem_list(district, limit=1)[0].town_code
    dept = selectors.departments_of(district).first()
    assert commander is not None
    assert dept is not None
    runs = args.runs
    _time(
        "problems: commander, open",
        lambda: selectors.problem_list(supervisor, commander=commander, status="open"),
        runs,
    )
    _time(
        "problems: commander, overdue",
        lambda: selectors.problem_list(supervisor, commander=commander, overdue_on=today),
        runs,
    )
    _time(
        "problems: town, open",
        lambda: selectors.problem_list(district, town_code=town, status="open"),
        runs,
    )
    _time(
        "problems: department, open",
        lambda: selectors.problem_list(district, department_id=dept.pk, status="open"),
        runs,
    )
    _time(
        "items: commander, overdue",
        lambda: selectors.item_list(supervisor, commander=commander, overdue_on=today),
        runs,
    )
    _time("items: town", lambda: selectors.item_list(district, town_code=town), runs)
    _time(
        "items: department, open",
        lambda: selectors.item_list(district, department_id=dept.pk, status="open"),
        runs,
    )
    since = today - timedelta(days=365)
    _time(
        "response-time report (district)",
        lambda: reports.response_report(district, since=since, until=today, today=today),
        5,
    )
    report = reports.response_report(district, since=since, until=today, today=today)
    print(
        f"  warnings {report.total:,}, towns {len(report.towns)}, villages "
        f"{len(report.villages)}, slowest listed {len(report.slowest)}"
    )
    _time("infrastructure gap list (district)", lambda: reports.gap_list(district), 10)
    rows, _s, total = reports.gap_list(district)
    print(f"  villages {total}, missing a standard {len(rows)}")


if __name__ == "__main__":
    main()
