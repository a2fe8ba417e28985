"""Screen a whole district end to end and print the figures; compare with a naive loop.

    uv run --frozen python benchmarks/bench_screening.py [--scale 1] [--reuse DIR]
    uv run --frozen python benchmarks/bench_screening.py --postgres [--households 1000000]

SQLite: builds the demo district (`zhenxing demo --no-serve --scale S`) into a temporary
directory, or reuses one built before (`--reuse DIR`, the directory holding zhenxing.sqlite3).
PostgreSQL: fills a fresh database `zhenxing_bench_screening` with N synthetic households
(members, facts, income lines) in set-based SQL, then screens them.

Timed: the run (snapshot + compiled rules + results written), phase by phase and then once more
end to end through the service. The naive comparison loads each household of a sample through
the ORM, judges it in Python and saves a result row per household (what the set-based run
replaces); its per-household time is extrapolated to the whole district and the ratio printed.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgres://postgres@127.0.0.1:5432/zhenxing_bench_screening"
YEAR = 2025


def _setup(args: argparse.Namespace) -> Path | None:
    temp: Path | None = None
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    if args.postgres:
        os.environ["DATABASE_URL"] = PG_URL
        temp = Path(tempfile.mkdtemp(prefix="zhenxing-bench-"))
        os.environ["ZHENXING_VAR_DIR"] = str(temp)
    else:
        os.environ.pop("DATABASE_URL", None)
        if args.reuse:
            os.environ["ZHENXING_VAR_DIR"] = str(Path(args.reuse).resolve())
        else:
            temp = Path(tempfile.mkdtemp(prefix="zhenxing-bench-"))
            os.environ["ZHENXING_VAR_DIR"] = str(temp)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return temp


def _recreate_pg_database() -> None:
    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute("DROP DATABASE IF EXISTS zhenxing_bench_screening")
        # As the README asks of a deployment: the C collation (prefix search on codes).
        c.execute(
            "CREATE DATABASE zhenxing_bench_screening TEMPLATE template0 LC_COLLATE 'C' "
            "LC_CTYPE 'C.UTF-8'"
        )


def _fill_pg(households: int) -> None:
    """Synthetic households spread over 20 towns × 20 villages, 3 members each on average."""
    from django.db import connection
    from synthetic import load_regions

    load_regions("500102")
    sql = [
        f"""INSERT INTO households_household (household_no, group_code, county_code, town_code,
            village_code, category, exit_year, monitoring_type, address, head_name, phone_cipher,
            phone_index, bank_cipher, bank_index, member_count, created_at, updated_at)
        SELECT lpad(g::text, 12, '0'), v || '001', '500102', substr(v, 1, 9), v,
               CASE WHEN g % 18 = 0 THEN 'exited' ELSE 'general' END,
               CASE WHEN g % 18 = 0 THEN 2014 + g % 7 END, '', '', '户主' || g, '', '', '', '',
               3, now(), now()
        FROM generate_series(1, {households}) g,
             LATERAL (SELECT '500102' || lpad((101 + g % 20)::text, 3, '0')
                      || lpad((201 + (g / 20) % 20)::text, 3, '0') AS v) vv""",
        """INSERT INTO households_member (household_id, county_code, town_code, village_code,
            name, name_pinyin, name_initials, id_cipher, id_index, sex, birth_date, relation,
            status, education, school_status, health, disability_grade, labour, work_months,
            work_place, medical_insurance, critical_illness_insurance, family_doctor, dibao,
            tekun)
        SELECT h.id, h.county_code, h.town_code, h.village_code, '成员', 'chengyuan', 'cy',
               'x', md5(h.id::text || '-' || k), CASE WHEN k = 2 THEN 'F' ELSE 'M' END,
               date '1960-01-01' + ((h.id * 7 + k * 3000) % 22000)::int,
               CASE WHEN k = 1 THEN 'head' ELSE 'child' END, 'active', '',
               CASE WHEN h.id % 97 = 0 AND k = 3 THEN 'out_of_school' ELSE 'in_school' END,
               CASE WHEN h.id % 13 = 0 THEN 'chronic' WHEN h.id % 41 = 0 THEN 'serious'
                    ELSE 'healthy' END, NULL,
               CASE WHEN h.id % 29 = 0 THEN 'none' ELSE 'ordinary' END,
               (h.id + k) % 13, '', h.id % 53 <> 0, TRUE, FALSE, h.id % 61 = 0, FALSE
        FROM households_household h CROSS JOIN generate_series(1, 3) k""",
        """INSERT INTO households_householdfacts (household_id, food_secure, clothing_secure,
            house_grade, house_assessed_on, water_litres, water_scarce_area, water_quality,
            water_piped, water_trip_minutes, water_horizontal_m, water_vertical_m,
            water_outage_days)
        SELECT id, TRUE, TRUE, CASE WHEN id % 151 = 0 THEN 'C' ELSE 'A' END, NULL,
               30 + id % 30, FALSE, 'on_site', id % 17 <> 0, id % 30, id % 1000, id % 100,
               id % 40
        FROM households_household""",
        f"""INSERT INTO households_incomeline (household_id, year, kind, amount, cost, source,
            source_ref)
        SELECT h.id, {YEAR}, k.kind, (h.id * 7919 % 3000000) + 100000,
               CASE WHEN k.kind = 'business' THEN h.id % 200000 ELSE 0 END, 'bench', ''
        FROM households_household h
        CROSS JOIN (VALUES ('wage'), ('business'), ('transfer')) k(kind)""",
    ]
    with connection.cursor() as cursor:
        for statement in sql:
            cursor.execute(statement)
    _vacuum()


def _vacuum() -> None:
    """Statistics and visibility maps, as autovacuum keeps them on a live server (this one runs
    without autovacuum)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _server_settings() -> str:
    from django.db import connection

    names = ("shared_buffers", "max_wal_size", "wal_buffers", "checkpoint_timeout")
    with connection.cursor() as cursor:
        shown = []
        for name in names:
            cursor.execute(f"SHOW {name}")
            shown.append(f"{name}={cursor.fetchone()[0]}")
        cursor.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()")
        shown.append(f"collation={cursor.fetchone()[0]}")
    return ", ".join(shown)


def _naive_sample(size: int, county: str) -> float:
    """Seconds per household for a per-household ORM load, Python judgement and save()."""
    from decimal import Decimal

    from django.db import transaction

    from zhenxing.households.domain import IncomeItem, per_capita_net_income
    from zhenxing.households.models import Household
    from zhenxing.screening.dsl import Type
    from zhenxing.screening.indicators import INDICATORS
    from zhenxing.screening.models import Result, RuleSet, Run

    empty = {Type.TEXT: "", Type.BOOL: False}
    rule_set = RuleSet.objects.filter(year=YEAR, region_code=county).first()
    run = Run.objects.create(
        year=YEAR, county_code=county, as_of=date(YEAR, 12, 31), what_if=True, status="done"
    )
    sample = list(Household.objects.filter(county_code=county).order_by("id")[:size])
    started = time.perf_counter()
    with transaction.atomic():
        for household in sample:
            members = list(household.members.filter(status="active"))
            facts = getattr(household, "facts", None)
            lines = list(household.incomes.filter(year=YEAR))
            per_capita = per_capita_net_income(
                [IncomeItem(line.amount, line.cost) for line in lines], max(1, len(members))
            )
            critical = (
                per_capita < Decimal("8000")
                or (facts is not None and facts.house_grade in ("C", "D"))
                or any(not m.medical_insurance for m in members)
            )
            warning = per_capita < Decimal("10400") or any(m.health == "serious" for m in members)
            snapshot = {name: empty.get(d.type, 0) for name, d in INDICATORS.items()}
            snapshot.update(
                category=household.category,
                member_count=len(members),
                per_capita_net_income=int(per_capita * 100),
                uninsured_members=sum(not m.medical_insurance for m in members),
                serious_ill_members=sum(m.health == "serious" for m in members),
                house_grade=facts.house_grade if facts is not None else "",
            )
            Result(
                run=run,
                household=household,
                county_code=household.county_code,
                town_code=household.town_code,
                village_code=household.village_code,
                stability="marginal" if critical else "consolidating" if warning else "stable",
                rule_set=rule_set,
                **snapshot,
            ).save()
    elapsed = time.perf_counter() - started
    run.delete()
    return elapsed / max(1, len(sample))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--reuse", default=None)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--reuse-pg", action="store_true", help="keep the data of a previous run")
    parser.add_argument("--naive-sample", type=int, default=2000)
    args = parser.parse_args()

    if args.postgres and not args.reuse_pg:
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
        sys.path.insert(0, str(ROOT))
        _recreate_pg_database()
    temp = _setup(args)
    from django.core.management import call_command
    from django.db import transaction

    from zhenxing.households.models import Household
    from zhenxing.screening import engine
    from zhenxing.screening.models import Result
    from zhenxing.screening.services import (
        _judged_rules,
        plan_groups,
        run_discard,
        run_execute,
        run_start,
    )
    from zhenxing.screening.setup import install_defaults

    call_command("migrate", verbosity=0)
    from zhenxing.screening.models import Run as _Run

    _Run.objects.filter(status__in=("running", "done")).delete()  # leftovers of an aborted run
    started = time.perf_counter()
    if args.postgres and not args.reuse_pg:
        _fill_pg(args.households)
        print(f"数据准备 data setup: {time.perf_counter() - started:.1f} s")
    elif not args.postgres and not args.reuse:
        call_command("demo", "--no-serve", "--scale", str(args.scale), verbosity=0)
        print(f"演示区县 demo build: {time.perf_counter() - started:.1f} s")
    county = "500102"
    install_defaults(actor=None, county_code=county, years=range(YEAR, YEAR + 1))
    total = Household.objects.filter(county_code=county).count()
    print(f"农户 households: {total:,}")
    if args.postgres:
        print(f"PostgreSQL: {_server_settings()}")

    # Phase by phase (the statements run_execute issues), rolled back afterwards.
    run = run_start(actor=None, year=YEAR, county_code=county, background=False)
    groups = [
        engine.JudgedGroup(
            rule_set_id=g.rule_set.pk,
            rules=_judged_rules(g.rule_set, g.params),
            towns=g.towns,
        )
        for g in plan_groups(run)
    ]
    rules = sum(len(g.rules) for g in groups)
    phases: dict[str, float] = {}
    with transaction.atomic():
        t0 = time.perf_counter()
        with engine.bulk_session():
            engine.judge_run(
                run_id=run.pk, county_code=county, year=YEAR, as_of=run.as_of, groups=groups
            )
        phases[f"snapshot + {rules} rules + results (one statement)"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        engine.count_areas(run_id=run.pk)
        phases["area counts"] = time.perf_counter() - t0
        transaction.set_rollback(True)
    for name, seconds in phases.items():
        print(f"  {name}: {seconds:.2f} s")
    if args.postgres:
        _vacuum()  # the rolled-back rows are dead tuples; this server runs without autovacuum

    # End to end through the service: plan, snapshot, rules, results, counts, status.
    t0 = time.perf_counter()
    run = run_execute(run.pk)
    end_to_end = time.perf_counter() - t0
    counts = run.counts
    print(f"端到端 end-to-end run: {end_to_end:.2f} s  ({total / end_to_end:,.0f} households/s)")
    for cls, n in sorted(counts["by_class"].items()):
        print(f"  {cls}: {n:,} ({100 * n / total:.1f} %)")
    print(f"  suggested monitoring: {counts['by_category']}")
    assert Result.objects.filter(run=run).count() == total

    per_household = _naive_sample(args.naive_sample, county)
    naive_total = per_household * total
    print(
        f"逐户循环 naive loop: {per_household * 1000:.2f} ms/household on "
        f"{args.naive_sample:,}; extrapolated {naive_total:,.0f} s for {total:,}"
    )
    print(f"比值 ratio naive / set-based: {naive_total / end_to_end:,.0f}×")
    run_discard(actor=None, run=run)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"峰值内存 peak RSS: {peak:,.0f} MB")
    if temp is not None:
        shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    main()
