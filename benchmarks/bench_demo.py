"""Build the demo district into a fresh temporary SQLite database and print the figures.

    uv run --frozen python benchmarks/bench_demo.py [--scale 1] [--seed 2021] [--workers N] [--keep]

The issue's budget: `zhenxing demo --no-serve` at full scale ≤ 90 s on a 2-core machine. The
timed part is the demo command (regions, households with encryption and history, accounts,
pairings); `migrate` runs first and is reported apart. Prints total and per-phase seconds, rows
per table, CPU seconds and peak RSS (this process and the largest worker).
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLES = (
    "households_household",
    "households_member",
    "households_householdfacts",
    "households_incomeline",
    "households_spendingline",
    "households_cadrepairing",
    "households_historicalhousehold",
    "households_historicalmember",
    "households_historicalhouseholdfacts",
    "households_historicalincomeline",
    "households_historicalspendingline",
    "regions_division",
)


def _cpu_seconds() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--workers", type=int, default=None, help="demo --workers (default: auto)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="zhenxing-bench-"))
    os.environ["ZHENXING_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ.pop("DATABASE_URL", None)  # the figure is for the embedded SQLite
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from zhenxing.demo.management.commands.demo import Command

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        migrate_s = time.perf_counter() - started

        command = Command()
        out = io.StringIO()
        load_before = os.getloadavg()[0]
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        options = ["--no-serve", "--scale", str(args.scale), "--seed", str(args.seed)]
        if args.workers is not None:
            options += ["--workers", str(args.workers)]
        call_command(command, *options, stdout=out)
        total_s = time.perf_counter() - started
        cpu_self, cpu_children = (a - b for a, b in zip(_cpu_seconds(), cpu_before, strict=True))
        load_after = os.getloadavg()[0]

        report = command.report
        with connection.cursor() as cursor:
            rows = {}
            for table in TABLES:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")
                rows[table] = cursor.fetchone()[0]
        size_mb = (var_dir / "zhenxing.sqlite3").stat().st_size / 2**20
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        child_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

        print(f"demo --no-serve --scale {args.scale} --seed {args.seed} on SQLite")
        print(f"  migrate (not timed by the issue)  {migrate_s:6.1f} s")
        print(f"  demo command total                {total_s:6.1f} s   (budget 90 s at scale 1)")
        print(
            f"  CPU: this process {cpu_self:.1f} s, worker processes {cpu_children:.1f} s;"
            f" load average {load_before:.1f} before, {load_after:.1f} after"
            f" ({os.cpu_count()} cores)"
        )
        if report is not None:
            print(f"    worker processes: {report.workers}")
            in_workers = {"generate", "encrypt+pinyin"} if report.workers else set()
            print(f"    {'phase':<30}  {'wall':>6}    {'CPU':>6}")
            for phase, seconds in report.phases.items():
                note = "  (summed over workers, overlaps the rest)" if phase in in_workers else ""
                cpu = report.cpu.get(phase, 0.0)
                print(f"    {phase:<30}  {seconds:6.1f} s  {cpu:6.1f} s{note}")
            rest = total_s - sum(v for k, v in report.phases.items() if k not in in_workers)
            print(f"    {'regions, accounts, other':<30}  {rest:6.1f} s")
        print("  rows per table")
        for table, count in rows.items():
            print(f"    {table:<40} {count:>10,}")
        print(f"  database file  {size_mb:8.0f} MiB")
        print(
            f"  peak RSS       {peak_mb:8.0f} MiB (largest worker process {child_peak_mb:.0f} MiB)"
        )
        print("  command output:")
        for line in out.getvalue().splitlines():
            if line.startswith("登录账户"):
                break  # the logins and passwords are of no use here
            print(f"    {line}")
    finally:
        connection.close()
        if args.keep:
            print(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
