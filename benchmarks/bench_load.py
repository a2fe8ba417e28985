"""Load on loopback (security.md R2): 500 locust users against `zhenxing serve` on PostgreSQL.

    uv run --frozen python benchmarks/bench_load.py [--scale 1] [--users 500] [--time 120]
    uv run --frozen python benchmarks/bench_load.py --scale 0.05 --users 50 --time 30

1. The database `zx_load_bench` is dropped and created again (C collation, as the README asks
   of a deployment), migrated and filled with `zhenxing demo --scale S --no-serve`
   (`--reuse` skips this and uses the database as it is). A purchasing season containing
   today is added for the demo county, with a day price at the clerk's points, so the clerk's
   weighings are accepted; the demo accounts get fresh passwords.
2. `zhenxing serve` (waitress + the job worker) starts on 127.0.0.1 with the base settings
   (no debug, Argon2, manifest static files; not ZHENXING_PRODUCTION, under which the demo
   accounts cannot sign in). A few sessions per demo account are signed in here — district
   staff with its TOTP code — and handed to the locust users (benchmarks/locust_load.py).
3. locust runs headless in a subprocess, bounded in users and time, against 127.0.0.1 only:
   district staff, town staff, the village officer (reads, and visit-finding leads) and the
   cooperative clerk (purchase pages, and weighings with a fresh client id each).
4. Printed: users, duration, requests, rps, p50/p95/p99 of reads and writes, error rate, writes
   acknowledged against rows found (each acknowledged client id / lead tag looked up), and PASS
   or FAIL against p95 reads < 800 ms, writes < 1.5 s, errors < 1 %, no lost writes.
The server is stopped in any case; `--keep` keeps the database (it is dropped otherwise).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DB = "zx_load_bench"  # --db changes it
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
VAR = Path(tempfile.gettempdir()) / "zx_load_var"  # data keys and static files; kept
COUNTY, TOWN = "500102", "500102104"
SESSIONS = {"district": 1, "town": 4, "officer": 4, "clerk": 4}
USERNAMES = {
    "district": "district",
    "town": "town.zhenxi",
    "officer": "officer.shiniu",
    "clerk": "coop.clerk",
}
TARGETS = {"read_p95": 800, "write_p95": 1500, "error_pct": 1.0}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=PG_URL,
        ZHENXING_VAR_DIR=str(VAR),
        DJANGO_SETTINGS_MODULE="config.settings.base",
        ZHENXING_ALLOWED_HOSTS="127.0.0.1",
        ZHENXING_DEBUG="0",
        ZHENXING_SECURE="0",
        ZHENXING_PRODUCTION="0",
    )
    return env


def _zhenxing(*args: str) -> None:
    command = [sys.executable, "-m", "zhenxing.cli", *args]
    subprocess.run(command, env=_env(), cwd=ROOT, check=True)  # noqa: S603 — this interpreter, fixed arguments


def _build(scale: float) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB}")
        conn.execute(
            f"CREATE DATABASE {DB} TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C' ENCODING 'UTF8'"
        )
    VAR.mkdir(exist_ok=True)
    started = time.perf_counter()
    _zhenxing("migrate", "-v0")
    print(f"  migrate: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    _zhenxing("demo", "--scale", str(scale), "--no-serve", "-v0")
    print(f"  demo --scale {scale}: {time.perf_counter() - started:.1f} s")
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")  # this server runs without autovacuum


def _django() -> None:
    os.environ.update(_env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _prepare(tag: str) -> tuple[dict[str, Any], dict[str, str]]:
    """A season open today, day prices at the clerk's points; fresh passwords; the ids."""
    from django.utils import timezone

    from zhenxing.accounts.models import User, username_key
    from zhenxing.demo.accounts import ensure_demo_accounts
    from zhenxing.households.models import Household
    from zhenxing.industry import selectors as ind
    from zhenxing.industry.domain import BEIJING
    from zhenxing.industry.models import Membership, Season
    from zhenxing.industry.services import SeasonInput, day_price_set, season_create
    from zhenxing.screening.models import Run

    today = timezone.now().astimezone(BEIJING).date()
    season = Season.objects.filter(
        county_code=COUNTY, opens_on__lte=today, closes_on__gte=today
    ).first()
    if season is None:
        season = season_create(
            actor=None,
            county_code=COUNTY,
            data=SeasonInput(
                year=today.year + 1,  # the demo's season is 2021; the next crop year's
                opens_on=today - timedelta(days=1),
                closes_on=today + timedelta(days=30),
            ),
        )
    passwords = {login.username: login.password for login in ensure_demo_accounts()}
    users = {
        role: User.objects.get(username_key=username_key(name)) for role, name in USERNAMES.items()
    }
    points = list(ind.points_visible(users["clerk"]).filter(active=True).order_by("pk")[:5])
    for coop in {p.cooperative for p in points}:
        day_price_set(actor=None, season=season, cooperative=coop, day=today, price=Decimal("1200"))
    members = {
        str(p.pk): list(
            Membership.objects.filter(cooperative=p.cooperative, left_on__isnull=True)
            .order_by("pk")
            .values_list("household_id", flat=True)[:200]
        )
        for p in points
    }
    run = Run.objects.filter(status="published").order_by("-pk").values_list("pk", flat=True)
    village = users["officer"].region.code

    def sample(qs: Any) -> list[int]:
        return list(qs.order_by("pk").values_list("pk", flat=True)[:300])

    plan: dict[str, Any] = {
        "district": {"households": sample(Household.objects.all())},
        "town": {"households": sample(Household.objects.filter(town_code=TOWN)), "town": TOWN},
        "officer": {
            "households": sample(Household.objects.filter(village_code=village)),
            "tag": tag,
        },
        "clerk": {"points": [p.pk for p in points], "members": members, "grade": "1"},
    }
    for role in ("district", "town"):
        plan[role]["run"] = run.first()
        plan[role]["queries"] = ["张", "li", "wang", "Z", "村", "chen"]
    plan["officer"]["queries"] = ["张"]
    plan["_season"] = season.pk
    return plan, {USERNAMES[r]: passwords[USERNAMES[r]] for r in USERNAMES}


def _otp(username: str) -> str:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from zhenxing.accounts.models import username_key

    device = TOTPDevice.objects.get(user__username_key=username_key(username), confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, 0):0{device.digits}d}"


def _login(base: str, username: str, password: str) -> dict[str, str]:
    import requests

    s = requests.Session()
    r = s.get(base + "/login/", timeout=30)
    r.raise_for_status()
    r = s.post(
        base + "/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": s.cookies["csrftoken"],
        },
        headers={"Referer": base + "/login/"},
        timeout=60,
        allow_redirects=False,
    )
    if r.status_code != 302:
        raise SystemExit(f"sign-in of {username} failed: {r.status_code}")
    if s.get(base + "/otp/", timeout=30, allow_redirects=False).status_code == 200:
        r = s.post(
            base + "/otp/",
            data={"token": _otp(username), "csrfmiddlewaretoken": s.cookies["csrftoken"]},
            headers={"Referer": base + "/otp/"},
            timeout=30,
            allow_redirects=False,
        )
        if r.status_code != 302:
            raise SystemExit(f"second factor of {username} failed: {r.status_code}")
    if s.get(base + "/households/" if username != "coop.clerk" else base + "/industry/",
             timeout=30, allow_redirects=False).status_code != 200:  # fmt: skip
        raise SystemExit(f"{username} is not signed in")
    return {"sessionid": s.cookies["sessionid"], "csrftoken": s.cookies["csrftoken"]}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(base: str, proc: subprocess.Popen[bytes], seconds: int = 120) -> None:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the server stopped")
        try:
            requests.get(base + "/login/", timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.5)
    raise SystemExit("the server did not answer")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _found(acks: list[str], season_id: int) -> tuple[int, int]:
    from zhenxing.industry.models import Weighing
    from zhenxing.monitoring.models import Lead

    ids = [a.split(" ", 1)[1] for a in acks if a.startswith("weighing ")]
    tags = [a.split(" ", 1)[1] for a in acks if a.startswith("lead ")]
    found = 0
    for start in range(0, len(ids), 1000):
        chunk = [uuid.UUID(i) for i in ids[start : start + 1000]]
        found += Weighing.objects.filter(season_id=season_id, client_id__in=chunk).count()
    for start in range(0, len(tags), 1000):
        found += Lead.objects.filter(detail__in=tags[start : start + 1000]).count()
    return len(ids) + len(tags), found


def main() -> None:
    global DB, PG_URL
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--spawn-rate", type=int, default=50)
    parser.add_argument("--time", type=int, default=120, help="seconds of load")
    parser.add_argument(
        "--think", default="2,6", help="seconds between a user's pages, MIN,MAX (default 2,6)"
    )
    parser.add_argument("--threads", type=int, default=16, help="waitress threads")
    parser.add_argument("--reuse", action="store_true", help="use the database as it is")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--db", default=DB, help=f"database name (default {DB})")
    args = parser.parse_args()
    if not re.fullmatch(r"zx_load_\w+", args.db):
        raise SystemExit("the database name starts with zx_load_")
    DB, PG_URL = args.db, f"postgres://postgres@127.0.0.1:5432/{args.db}"
    if not 1 <= args.users <= 1000 or not 1 <= args.time <= 900:
        raise SystemExit("bounded: 1–1000 users, 1–900 s")

    scale = "reused" if args.reuse else f"scale {args.scale}"
    print(f"R2 load: {args.users} users, {args.time} s, PostgreSQL {DB} ({scale})")
    if not args.reuse:
        _build(args.scale)
    if not (VAR / "static" / "staticfiles.json").exists():
        _zhenxing("collectstatic", "--noinput", "-v0")  # STATIC_ROOT lies under the var dir
    _django()
    tag = f"LOAD-{uuid.uuid4().hex[:8]}"
    plan, passwords = _prepare(tag)
    season_id = plan.pop("_season")
    plan["think"] = [float(x) for x in args.think.split(",")]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    work = Path(tempfile.mkdtemp(prefix="zhenxing-bench-load-"))
    server = subprocess.Popen(  # noqa: S603 — this interpreter, fixed arguments, no shell
        [sys.executable, "-m", "zhenxing.cli", "serve", "--host", "127.0.0.1",
         "--port", str(port), "--threads", str(args.threads)],
        env=_env(), cwd=ROOT, stdout=(work / "server.log").open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait(base, server)
        for role, count in SESSIONS.items():
            name = USERNAMES[role]
            plan[role]["sessions"] = [_login(base, name, passwords[name]) for _ in range(count)]
        (work / "plan.json").write_text(json.dumps(plan))
        env = dict(os.environ)
        env.update(
            ZHENXING_LOAD_PLAN=str(work / "plan.json"),
            ZHENXING_LOAD_ACKS=str(work / "acks.txt"),
            ZHENXING_LOAD_FIGURES=str(work / "figures.json"),
        )
        started = time.perf_counter()
        subprocess.run(  # noqa: S603 — this interpreter's locust, fixed arguments, no shell
            [sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / "locust_load.py"),
             "--headless", "-u", str(args.users), "-r", str(args.spawn_rate),
             "-t", f"{args.time}s", "--host", base, "--csv", str(work / "load"),
             "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"],
            env=env, cwd=ROOT, check=False,
        )  # fmt: skip
        duration = time.perf_counter() - started
    finally:
        _stop(server)
    acks_path = work / "acks.txt"
    acks = acks_path.read_text().splitlines() if acks_path.exists() else []
    acked, found = _found(acks, season_id)
    fig = json.loads((work / "figures.json").read_text())
    _report(args, duration, fig, acked, found)
    errors = re.findall(r"Traceback|ERROR", (work / "server.log").read_text(errors="replace"))
    print(f"  server log: {work / 'server.log'} ({len(errors)} error lines)")
    if not args.keep:
        from django.db import connections

        connections.close_all()
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


def _report(
    args: argparse.Namespace, duration: float, fig: dict[str, Any], acked: int, found: int
) -> None:
    total = fig["all"]
    error_pct = 100 * total["failures"] / total["requests"] if total["requests"] else 100.0
    print(f"\nusers {args.users} (spawn {args.spawn_rate}/s, think {args.think} s), "
          f"duration {duration:.0f} s (load {args.time} s), "
          f"requests {total['requests']:,}, {total['rps']:.1f} req/s")  # fmt: skip
    for kind, label in (("R", "reads"), ("W", "writes")):
        g = fig[kind]
        print(f"{label:>7}: {g['requests']:,} requests, {g['failures']} failed, "
              f"p50 {g['p50']:.0f} ms, p95 {g['p95']:.0f} ms, p99 {g['p99']:.0f} ms")  # fmt: skip
        for r in g["rows"]:
            print(f"         {r['name'][2:]:<18} n={r['requests']:>6,}  p50 {r['p50']:>5.0f}  "
                  f"p95 {r['p95']:>5.0f}  p99 {r['p99']:>5.0f} ms, "
                  f"{r['failures']} failed")  # fmt: skip
    print(f" errors: {total['failures']} of {total['requests']:,} = {error_pct:.2f} %")
    print(f" writes: {acked:,} acknowledged, {found:,} rows found")
    checks = {
        f"p95 reads < {TARGETS['read_p95']} ms": fig["R"]["p95"] < TARGETS["read_p95"],
        f"p95 writes < {TARGETS['write_p95']} ms": fig["W"]["p95"] < TARGETS["write_p95"],
        f"errors < {TARGETS['error_pct']} %": error_pct < TARGETS["error_pct"],
        "no lost writes": acked == found and acked > 0,
    }
    for name, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    print("PASS" if all(checks.values()) else "FAIL")


if __name__ == "__main__":
    main()
