"""A scratch database holding the demo district, for the benchmarks that measure the demo's own
data (`bench_monitoring.py`, `bench_assistance.py`, `bench_supervision.py`).

`demo_scratch` points this process at a fresh SQLite file in a temporary directory (or at a
PostgreSQL database it recreates), then builds the demo there in a child process, so the
benchmark's own process starts Django against the finished database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "config.settings.test"

BUILD = """
import django, sys
django.setup()
from django.core.management import call_command
from zhenxing.households.models import Household
scale, seed = float(sys.argv[1]), int(sys.argv[2])
call_command("migrate", verbosity=0, interactive=False)
if not Household.objects.exists():
    call_command("demo", scale=scale, seed=seed, no_serve=True, verbosity=0)
print("households:", Household.objects.count())
"""


def _recreate_postgres(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    admin = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"'.encode())
        conn.execute(f'CREATE DATABASE "{name}"'.encode())


def demo_scratch(
    *, scale: float, seed: int, prefix: str, postgres: str | None = None, reuse: str | None = None
) -> Path:
    """The scratch directory (keys, uploads, the SQLite file) with the demo built in it.

    `reuse` names the directory of an earlier run: its database is kept, and the demo is built
    only if it holds no households yet.
    """
    scratch = Path(reuse) if reuse else Path(tempfile.mkdtemp(prefix=prefix))
    if postgres and not reuse:
        _recreate_postgres(postgres)
    url = postgres or f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ.update(
        DJANGO_SETTINGS_MODULE=SETTINGS, DATABASE_URL=url, ZHENXING_VAR_DIR=str(scratch / "var")
    )
    started = time.perf_counter()
    print(f"building the demo district (scale {scale}) in {scratch} …", flush=True)
    done = subprocess.run(  # noqa: S603 — our own interpreter and script
        [sys.executable, "-c", BUILD, str(scale), str(seed)],
        cwd=ROOT,
        env=os.environ.copy(),
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(done.stderr[-4000:])
    print(done.stdout.strip().splitlines()[-1], f"({time.perf_counter() - started:.0f} s)")
    return scratch
