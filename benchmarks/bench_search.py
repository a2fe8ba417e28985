"""Household list and search latency at full demo scale (target: p95 ≤ 300 ms).

Builds the demo district (~300,000 households, ~930,000 people at --scale 1) in a scratch
database, or reuses one, then requests the household list page and each kind of search as a
district user, a town user and a village officer through the Django test client (the whole
middleware stack: session, second factor, scope, audit context, CSP), and prints p50 / p95 /
max in milliseconds per case.

    uv run --frozen python benchmarks/bench_search.py                       # SQLite, scratch
    uv run --frozen python benchmarks/bench_search.py --reuse /tmp/b.sqlite3  # build once, reuse
    uv run --frozen python benchmarks/bench_search.py --postgres            # PostgreSQL
    uv run --frozen python benchmarks/bench_search.py --postgres URL --scale 0.1

It sets DJANGO_SETTINGS_MODULE, DATABASE_URL and a scratch ZHENXING_VAR_DIR (its keys decrypt
the data it built, so a reused database keeps its var directory beside it: PATH.var/). It never
touches var/zhenxing.sqlite3. The data is loaded by running `zhenxing demo` against that
DATABASE_URL in a child process.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/zhenxing_bench"
SETTINGS = "config.settings.test"  # plain static storage: no collectstatic manifest needed
USERS = (("district", "district"), ("town", "town.zhenxi"), ("village", "officer.shiniu"))

BUILD = """
import django, sys
django.setup()
from django.core.management import call_command
from zhenxing.households.models import Household
scale, seed = float(sys.argv[1]), int(sys.argv[2])
call_command("migrate", verbosity=0, interactive=False)
call_command("demo", scale=scale, seed=seed, no_serve=True)
if not Household.objects.exists():
    # `zhenxing demo` without the household step: load the households the same way it will.
    from zhenxing.demo.households import demo_households_load
    from zhenxing.demo.regions import demo_region_rows
    rows = demo_region_rows(seed=seed, scale=scale)
    demo_households_load(region_rows=rows, seed=seed, scale=scale, progress=print)
print("households:", Household.objects.count())
"""


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="demo scale (1 = Fuling)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--runs", type=int, default=50, help="requests per case")
    parser.add_argument("--reuse", metavar="PATH", help="SQLite file to build once and reuse")
    parser.add_argument(
        "--postgres", nargs="?", const=DEFAULT_PG, metavar="URL", help=f"default {DEFAULT_PG}"
    )
    parser.add_argument("--rebuild", action="store_true", help="drop the data and build again")
    return parser.parse_args()


def _prepare(args: argparse.Namespace) -> tuple[str, Path, Path | None]:
    """(DATABASE_URL, var dir, scratch dir to remove at the end or None)."""
    live = (ROOT / "var" / "zhenxing.sqlite3").resolve()
    if args.postgres:
        url = args.postgres
        name = urlparse(url).path.lstrip("/")
        var = Path(tempfile.gettempdir()) / f"zhenxing-bench-{name}.var"
        if args.rebuild:
            _pg_admin(url, f'DROP DATABASE IF EXISTS "{name}"')
            shutil.rmtree(var, ignore_errors=True)
        _pg_admin(url, f'CREATE DATABASE "{name}"', ignore_exists=True)
        var.mkdir(parents=True, exist_ok=True)
        return url, var, None
    if args.reuse:
        path = Path(args.reuse).resolve()
        if path == live:
            sys.exit("refusing to use var/zhenxing.sqlite3; pick another path")
        var = Path(f"{path}.var")
        if args.rebuild:
            path.unlink(missing_ok=True)
            shutil.rmtree(var, ignore_errors=True)
        var.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}", var, None
    scratch = Path(tempfile.mkdtemp(prefix="zhenxing-bench-"))
    return f"sqlite:///{scratch / 'bench.sqlite3'}", scratch / "var", scratch


def _pg_admin(url: str, sql: str, ignore_exists: bool = False) -> None:
    import psycopg

    parts = urlparse(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        try:
            conn.execute(sql.encode())
        except psycopg.errors.DuplicateDatabase:
            if not ignore_exists:
                raise


def _build(args: argparse.Namespace, env: dict[str, str]) -> None:
    started = time.perf_counter()
    print(f"building the demo district (scale {args.scale}) …", flush=True)
    done = subprocess.run(  # noqa: S603 — our own interpreter and script
        [sys.executable, "-c", BUILD, str(args.scale), str(args.seed)],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(done.stderr[-4000:])
    # The demo prints fresh passwords; only the summary lines are worth repeating.
    for line in done.stdout.splitlines():
        if line.startswith(("农户", "households:", "演示区县", "  用时")):
            print(line)
    print(f"built in {time.perf_counter() - started:.0f} s", flush=True)


def _migrate(env: dict[str, str]) -> None:
    """A reused database gets this code's migrations (e.g. new indexes) before measuring."""
    subprocess.run(  # noqa: S603 — this interpreter and manage.py, no shell, no user input
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def _pg_statistics(url: str) -> None:
    """Give the planner statistics if the server has not gathered any yet.

    A bulk load leaves PostgreSQL without statistics until autovacuum analyses the tables
    (within a minute or so when autovacuum is on, as in production; never when it is off, as on
    some CI servers). Without them every estimate is "a few rows" and the plans are wrong, so
    measuring before that would measure the missing statistics, not the queries.
    """
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT coalesce(last_analyze, last_autoanalyze) IS NULL FROM pg_stat_user_tables "
            "WHERE relname = 'households_member'"
        ).fetchone()
        if row is None or not row[0]:
            return
        print("no planner statistics yet (autovacuum off?): VACUUM ANALYZE …", flush=True)
        started = time.perf_counter()
        conn.execute("VACUUM (ANALYZE)")
        print(f"analysed in {time.perf_counter() - started:.0f} s", flush=True)


def _needs_build(env: dict[str, str]) -> bool:
    probe = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "from zhenxing.households.models import Household\n"
        "tables = connection.introspection.table_names()\n"
        "print(int(Household._meta.db_table in tables and Household.objects.exists()))\n"
    )
    out = subprocess.run(  # noqa: S603 — this interpreter and a fixed probe, no shell
        [sys.executable, "-c", probe], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.strip().splitlines()[-1] != "1"


# ---------------------------------------------------------------- measuring


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def _client_for(username: str) -> Any:
    from django.test import Client
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from zhenxing.accounts.models import User, username_key

    user = User.objects.get(username_key=username_key(username))
    client = Client()
    client.force_login(user)
    if user.is_privileged:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        token = str(totp(device.bin_key, device.step, device.t0, device.digits)).zfill(6)
        response = client.post("/otp/", {"token": token})
        if response.status_code != 302:
            raise RuntimeError(f"second factor refused for {username}")
    return client, user


def _samples(user: Any, rng: random.Random, n: int = 10) -> list[dict[str, str]]:
    """Search terms of each kind, taken from people and households the user may see."""
    from zhenxing.core.crypto import decrypt
    from zhenxing.households.models import ID_CONTEXT, Member
    from zhenxing.households.selectors import households_visible, members_visible

    members = members_visible(user)
    top = members.order_by("-id").values_list("id", flat=True).first() or 0
    low = members.order_by("id").values_list("id", flat=True).first() or 0
    picked: list[Member] = []
    while len(picked) < n:
        m = members.filter(id__gte=rng.randint(low, top)).order_by("id").first()
        if m is not None:
            picked.append(m)
    # household numbers of other households than the picked people's, from the same scope
    others = [members.filter(id__gte=rng.randint(low, top)).order_by("id").first() for _ in picked]
    numbers = dict(
        households_visible(user)
        .filter(pk__in=[m.household_id for m in others if m is not None])
        .values_list("pk", "household_no")
    )
    chosen = [numbers.get(o.household_id, "") if o else "" for o in others]
    chosen = [c or next(iter(numbers.values())) for c in chosen]
    return [
        {
            "surname": m.name[:1],
            "name": m.name[:2],
            "pinyin": m.name_pinyin,
            "initials": m.name_initials,
            "first letter": m.name_initials[:1],
            "id": decrypt(m.id_cipher, context=ID_CONTEXT),
            "household_no": no,
            "village": m.village_code,
        }
        for m, no in zip(picked, chosen, strict=True)
    ]


Case = tuple[str, Callable[[int], dict[str, Any]], bool]


def _query(sample: Callable[[int, str], str], kind: str, i: int) -> dict[str, Any]:
    return {"q": sample(i, kind)}


def _cases(samples: list[dict[str, str]]) -> list[Case]:
    """(label, query parameters of run i, as an htmx partial?) for one user."""

    def sample(i: int, kind: str) -> str:
        return samples[i % len(samples)][kind]

    cases: list[Case] = [
        ("list page 1 (full page)", lambda i: {}, False),
        ("list page 2", lambda i: {"page": 2}, True),
        ("list last page", lambda i: {"page": 999_999}, True),
    ]
    for kind in ("surname", "name", "pinyin", "initials", "first letter", "id", "household_no"):
        cases.append((f"search {kind}", functools.partial(_query, sample, kind), True))
    cases.append(
        (
            "filter village + category",
            lambda i: {"village": sample(i, "village"), "category": "exited"},
            True,
        )
    )
    return cases


def _measure(fetch: Callable[[int], Any], runs: int) -> list[float]:
    fetch(0)  # warm the connection and the template cache
    times = []
    for i in range(runs):
        started = time.perf_counter()
        response = fetch(i)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}")
    return times


def _run(args: argparse.Namespace, label: str) -> list[tuple[str, str, list[float], int]]:
    import django

    django.setup()
    from zhenxing.households.models import Household, Member

    print(
        f"\n{label}: {Household.objects.count():,} households, {Member.objects.count():,} people",
        flush=True,
    )
    results = []
    rng = random.Random(args.seed)
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "hh-results"}
    for who, username in USERS:
        client, user = _client_for(username)
        samples = _samples(user, rng)
        for case, params, partial in _cases(samples):
            headers = htmx if partial else {}

            def fetch(
                i: int,
                client: Any = client,
                params: Callable[[int], dict[str, Any]] = params,
                headers: dict[str, str] = headers,
            ) -> Any:
                return client.get("/households/", params(i), **headers)

            times = _measure(fetch, args.runs)
            count = _count(user, params(0))
            results.append((who, case, times, count))
            print(_line(who, case, times, count), flush=True)
    return results


def _count(user: Any, params: dict[str, Any]) -> int:
    from zhenxing.households.selectors import household_list

    return household_list(
        user,
        query=params.get("q", ""),
        village_code=params.get("village", ""),
        category=params.get("category", ""),
    ).count()


def _line(who: str, case: str, times: list[float], count: int) -> str:
    p50 = statistics.median(times)
    p95 = _percentile(times, 0.95)
    flag = "" if p95 <= 300 else "  ← over 300 ms"
    return (
        f"  {who:<9}{case:<28}{count:>9,} rows   p50 {p50:7.1f}   p95 {p95:7.1f}"
        f"   max {max(times):7.1f} ms{flag}"
    )


def main() -> None:
    args = _parse()
    url, var, scratch = _prepare(args)
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DATABASE_URL=url,
        ZHENXING_VAR_DIR=str(var),
        ZHENXING_ALLOWED_HOSTS="testserver,localhost",
        PYTHONPATH=str(ROOT),
    )
    try:
        if args.rebuild or _needs_build(env):
            _build(args, env)
        else:
            _migrate(env)
        if args.postgres:
            _pg_statistics(url)
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        engine = "PostgreSQL" if args.postgres else "SQLite"
        results = _run(args, f"{engine}, {args.runs} runs per case")
        worst = max(_percentile(t, 0.95) for _w, _c, t, _n in results)
        print(f"\nworst p95: {worst:.1f} ms (target ≤ 300 ms)")
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
