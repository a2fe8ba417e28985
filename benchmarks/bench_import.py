"""Roster import of a 100,000-row xlsx with full validation (target: ≤ 30 s, peak ≤ 1.5 GB).

Builds a scratch database holding only the demo district's divisions (regions, no
households), generates a valid roster xlsx (about 32,000 households, unique ID numbers with
correct check characters, group codes of the demo district, every cell a text cell as the
template makes them), then times separately:

- check: upload guards, reading every cell as text, `parse_row` on every row, the cross-row
  checks and the registry look-ups (blind index, households, groups) — what the report needs;
- commit: `households_create` (encryption, blind indexes, pinyin, bulk inserts with history);

and prints rows/s, seconds and the peak resident memory of the process.

    UV_PYTHON_DOWNLOADS=never uv run --frozen python benchmarks/bench_import.py
    ... bench_import.py --rows 20000                 # smaller
    ... bench_import.py --postgres postgres://postgres@127.0.0.1:5432/zhenxing_bench_import

It sets DJANGO_SETTINGS_MODULE, DATABASE_URL and ZHENXING_VAR_DIR to a scratch directory that
is removed at the end; it never touches var/zhenxing.sqlite3. A PostgreSQL database given with
--postgres is dropped and created again, and dropped at the end (unless --keep).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "明福秀英建国芳德华小红伟强丽娟军平敏静海燕勇杰涛超霞桂兰玉梅春生志刚永红文斌"
AREAS = ("500102", "500101", "500103", "500104", "510104", "420102")


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--postgres", metavar="URL", help="benchmark on PostgreSQL instead")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    return parser.parse_args()


def _rss_mb() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pg(url: str, *statements: str) -> None:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", str(parsed.port or 5432)
    user = parsed.username or "postgres"
    for sql in statements:
        command = ["psql", "-h", host, "-p", port, "-U", user, "-d", "postgres", "-q", "-c", sql]
        subprocess.run(command, check=True)  # noqa: S603 — psql from PATH, fixed arguments, no shell


def _pg_name(url: str) -> str:
    return urlparse(url).path.lstrip("/")


def _names(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def generate(path: Path, groups: list[str], rows: int, seed: int) -> int:
    """A valid roster of `rows` people; returns the number of households."""
    import xlsxwriter

    from zhenxing.core.idnumbers import check_char
    from zhenxing.households.validation import COLUMNS

    rng = random.Random(seed)
    keys = [c.key for c in COLUMNS]
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("花名册")
    text = workbook.add_format({"num_format": "@"})
    for col, column in enumerate(COLUMNS):
        sheet.write_string(0, col, column.zh)
    sequence: dict[str, int] = {}

    def new_id(birth: date, male: bool) -> str:
        area = rng.choice(AREAS)
        stem = f"{area}{birth:%Y%m%d}"
        n = sequence.get(stem, 0)
        sequence[stem] = n + 1
        body = f"{stem}{n * 2 + (1 if male else 0):03d}"
        return body + check_char(body)

    written = households = 0
    while written < rows:
        households += 1
        size = min(rng.choices((1, 2, 3, 4, 5), weights=(10, 20, 30, 25, 15))[0], rows - written)
        exited = rng.random() < 0.6
        shared = {
            "household_no": f"B{households:08d}",
            "group_code": rng.choice(groups),
            "category": "脱贫户" if exited else "一般农户",
            "exit_year": str(rng.randint(2014, 2020)) if exited else "",
            "address": f"{rng.randint(1, 99)}号",
            "phone": f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}",
            "bank_account": f"6217{rng.randint(0, 10**15 - 1):015d}",
        }
        for position in range(size):
            head = position == 0
            if head or position == 1:
                birth = date(rng.randint(1940, 1990), rng.randint(1, 12), rng.randint(1, 28))
            else:
                birth = date(rng.randint(1992, 2023), rng.randint(1, 12), rng.randint(1, 28))
            age = 2025 - birth.year
            row: dict[str, str] = dict(shared)
            row.update(
                name=_names(rng),
                id_number=new_id(birth, male=head or rng.random() < 0.5),
                relation="户主" if head else ("配偶" if position == 1 else "子女"),
                education=rng.choice(("小学", "初中", "高中", "学龄前")),
                school_status="在校" if 5 <= age <= 16 else "",
                health=rng.choice(("健康", "健康", "健康", "长期慢性病")),
                labour=rng.choice(("普通劳动力", "技能劳动力", "弱劳动力或半劳动力")),
                work_months=str(rng.randint(0, 12)),
                work_place=rng.choice(("", "县内", "省内县外", "省外")),
                medical_insurance="是",
                critical_illness_insurance="是",
                family_doctor=rng.choice(("是", "否")),
                dibao="否",
                tekun="否",
            )
            if head:
                row.update(
                    food_secure="是",
                    clothing_secure="是",
                    house_grade=rng.choice("AAAB"),
                    house_assessed_on="2021-05-10",
                    water_litres=str(rng.randint(40, 120)),
                    water_piped="是",
                    income_year="2024",
                    income_wage=f"{rng.randint(0, 40000)}.00",
                    income_business=f"{rng.randint(0, 20000)}.50",
                    cost_business=str(rng.randint(0, 3000)),
                    income_transfer=str(rng.randint(0, 5000)),
                    spending_medical=str(rng.randint(0, 2000)),
                )
            written += 1
            for col, key in enumerate(keys):
                value = row.get(key)
                if value:
                    sheet.write_string(written, col, value, text)
    workbook.close()
    return households


def main() -> None:
    args = _parse()
    scratch = Path(tempfile.mkdtemp(prefix="zhenxing-bench-import-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ["ZHENXING_VAR_DIR"] = str(scratch / "var")
    if args.postgres:
        name = _pg_name(args.postgres)
        _pg(args.postgres, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = args.postgres
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    try:
        run(args, scratch)
    finally:
        if args.keep:
            print(f"scratch kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
            if args.postgres:
                from django.db import connections

                connections.close_all()
                _pg(args.postgres, f'DROP DATABASE IF EXISTS "{_pg_name(args.postgres)}"')


def run(args: argparse.Namespace, scratch: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from zhenxing.demo.regions import demo_region_rows
    from zhenxing.households import imports, services
    from zhenxing.households.models import Household, Member
    from zhenxing.regions.services import regions_load_roster

    print(f"database: {connection.vendor}; scratch: {scratch}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    region_rows = demo_region_rows(seed=2021, scale=1.0)
    regions_load_roster(
        actor=None,
        rows=[(i + 1, code, name) for i, (code, name) in enumerate(region_rows)],
        valid_from=date(2016, 12, 31),
        illustrative=True,
    )
    groups = [code for code, _ in region_rows if len(code) == 15]
    print(f"setup: {len(groups)} village groups ({time.perf_counter() - started:.1f}s)")

    path = scratch / "roster.xlsx"
    started = time.perf_counter()
    households = generate(path, groups, args.rows, args.seed)
    size_mb = path.stat().st_size / 2**20
    print(
        f"generated: {args.rows:,} rows, {households:,} households, {size_mb:.1f} MB "
        f"({time.perf_counter() - started:.1f}s, not counted)"
    )
    rss_before = _rss_mb()

    started, cpu = time.perf_counter(), time.process_time()
    check = imports.roster_check(path, actor=None)
    check_s, check_cpu = time.perf_counter() - started, time.process_time() - cpu
    report = check.report
    if not report.ok:
        for issue in report.issues[:10]:
            print("  ", issue.row, issue.column, issue.message_en)
        raise SystemExit(f"the generated roster did not validate: {len(report.issues)} issues")

    started, cpu = time.perf_counter(), time.process_time()
    with imports.gc_paused():  # as `roster_import` runs it
        created = services.households_create(actor=None, drafts=check.drafts, source=imports.SOURCE)
    commit_s, commit_cpu = time.perf_counter() - started, time.process_time() - cpu
    written = (len(created), Household.objects.count(), Member.objects.count())
    if written != (households, households, args.rows):
        raise SystemExit(f"unexpected counts after the commit: {written}")

    total, total_cpu = check_s + commit_s, check_cpu + commit_cpu
    # CPU seconds of this process (SQLite runs in it) next to wall-clock seconds: on a shared
    # machine the wall clock also counts time other processes took from it.
    print("                                                    wall s    cpu s     rows/s")
    for label, wall, used in (
        ("check (guards, read, validate, registry look-ups)", check_s, check_cpu),
        ("commit (encrypt, index, insert with history)", commit_s, commit_cpu),
        ("total (target ≤ 30 s)", total, total_cpu),
    ):
        print(f"{label:<50} {wall:7.1f}  {used:7.1f}  {args.rows / wall:9,.0f}")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"peak RSS: {_rss_mb():,.0f} MB (before the import: {rss_before:,.0f} MB)  "
        "target ≤ 1,536 MB"
    )


if __name__ == "__main__":
    main()
