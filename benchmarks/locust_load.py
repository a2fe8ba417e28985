"""Locust users for `bench_load.py` (run by it; not on its own against anything but loopback).

The plan file named by ZHENXING_LOAD_PLAN (JSON, written by bench_load.py) holds, per role,
signed-in sessions (session and CSRF cookies) and the ids the pages need. Many locust users
share a few sessions of one demo account each, as several browser tabs would: signing in once
per locust user would mean 500 Argon2 hashes and, for district staff, 500 one-time codes of a
single device (a code is accepted once per 30 s step).

Reads are named `R …`, writes `W …`, so the report separates them. Each acknowledged write
(weighing client id, lead tag) is appended to ZHENXING_LOAD_ACKS at the end, for the count of
rows afterwards.
"""

from __future__ import annotations

import json
import os
import random
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from locust import HttpUser, between, events, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["ZHENXING_LOAD_PLAN"]).read_text())
ACKS: list[str] = []
_counter: dict[str, int] = {}


@events.test_start.add_listener
def _loopback_only(environment: Any, **kwargs: Any) -> None:
    host = urlparse(environment.host or "").hostname
    if host != "127.0.0.1":
        raise SystemExit(f"loopback only, not {host!r}")


@events.test_stop.add_listener
def _write_acks(environment: Any, **kwargs: Any) -> None:
    Path(os.environ["ZHENXING_LOAD_ACKS"]).write_text("\n".join(ACKS) + ("\n" if ACKS else ""))
    # Reads and writes merged from every page's response-time histogram: true percentiles.
    from locust.stats import StatsEntry

    def summary(entry: Any) -> dict[str, Any]:
        return {
            "name": entry.name,
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            **{f"p{int(q * 100)}": entry.get_response_time_percentile(q) or 0
               for q in (0.5, 0.95, 0.99)},
        }  # fmt: skip

    figures: dict[str, Any] = {"all": summary(environment.stats.total)}
    figures["all"]["rps"] = environment.stats.total.total_rps
    for kind in ("R", "W"):
        merged = StatsEntry(environment.stats, kind, "")
        pages = sorted(
            (e for e in environment.stats.entries.values() if e.name.startswith(kind + " ")),
            key=lambda e: e.name,
        )
        for entry in pages:
            merged.extend(entry)
        figures[kind] = summary(merged) | {"rows": [summary(e) for e in pages]}
    Path(os.environ["ZHENXING_LOAD_FIGURES"]).write_text(json.dumps(figures))


class _Staff(HttpUser):
    abstract = True
    role = ""
    # Think time between pages (seconds), from bench_load.py --think.
    wait_time = between(*PLAN["think"])

    def on_start(self) -> None:
        plan = PLAN[self.role]
        n = _counter.get(self.role, 0)
        _counter[self.role] = n + 1
        session = plan["sessions"][n % len(plan["sessions"])]
        host = "127.0.0.1"
        self.client.cookies.set("sessionid", session["sessionid"], domain=host)
        self.client.cookies.set("csrftoken", session["csrftoken"], domain=host)
        self.csrf = session["csrftoken"]
        self.plan = plan

    def read(self, path: str, name: str) -> None:
        with self.client.get(
            path, name=f"R {name}", allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}")

    def post(self, path: str, name: str, data: dict[str, Any], ok: tuple[int, ...]) -> bool:
        headers = {"X-CSRFToken": self.csrf, "Referer": self.host + path}
        with self.client.post(
            path, data=data, headers=headers, name=f"W {name}", allow_redirects=False,
            catch_response=True,
        ) as r:  # fmt: skip
            if r.status_code in ok:
                return True
            r.failure(f"status {r.status_code}")
            return False

    def households(self) -> None:
        self.read("/households/", "household list")

    def search(self) -> None:
        q = random.choice(self.plan["queries"])
        self.read(f"/households/?q={q}", "household search")

    def detail(self) -> None:
        pk = random.choice(self.plan["households"])
        self.read(f"/households/{pk}/", "household detail")

    def cases(self) -> None:
        self.read("/monitoring/cases/", "case list")


class DistrictStaff(_Staff):
    role = "district"
    weight = 2

    @task(3)
    def list_(self) -> None:
        self.households()

    @task(3)
    def search_(self) -> None:
        self.search()

    @task(3)
    def detail_(self) -> None:
        self.detail()

    @task(2)
    def screening(self) -> None:
        run = self.plan.get("run")
        if run:
            self.read(f"/screening/runs/{run}/", "screening run")
        else:
            self.read("/screening/", "screening runs")

    @task(1)
    def cases_(self) -> None:
        self.cases()


class TownStaff(_Staff):
    role = "town"
    weight = 3

    @task(3)
    def list_(self) -> None:
        self.households()

    @task(2)
    def search_(self) -> None:
        self.search()

    @task(3)
    def detail_(self) -> None:
        self.detail()

    @task(2)
    def screening(self) -> None:
        run = self.plan.get("run")
        if run:
            self.read(f"/screening/runs/{run}/town/{self.plan['town']}/", "screening town")
        else:
            self.read("/screening/", "screening runs")

    @task(2)
    def cases_(self) -> None:
        self.cases()


class VillageOfficer(_Staff):
    role = "officer"
    weight = 3

    @task(3)
    def list_(self) -> None:
        self.households()

    @task(3)
    def detail_(self) -> None:
        self.detail()

    @task(1)
    def cases_(self) -> None:
        self.cases()

    @task(1)
    def lead(self) -> None:
        pk = random.choice(self.plan["households"])
        tag = f"{self.plan['tag']}-{uuid.uuid4().hex}"
        data = {"household": pk, "channel": "visit", "detail": tag, "risk_types": "illness"}
        if self.post(f"/monitoring/leads/new/?household={pk}", "visit lead", data, ok=(302,)):
            ACKS.append(f"lead {tag}")


class CoopClerk(_Staff):
    role = "clerk"
    weight = 2

    @task(2)
    def purchase_page(self) -> None:
        self.read(f"/industry/points/{random.choice(self.plan['points'])}/", "purchase page")

    @task(1)
    def member_search(self) -> None:
        point = random.choice(self.plan["points"])
        self.read(f"/industry/points/{point}/members/?q={random.choice('张李王刘陈')}", "members")

    @task(3)
    def weigh(self) -> None:
        point = random.choice(self.plan["points"])
        client_id = str(uuid.uuid4())
        data = {
            "client_id": client_id,
            "household": random.choice(self.plan["members"][str(point)]),
            "gross_kg": f"{random.randint(50, 900)}.5",
            "deduction_kg": "1.5",
            "grade": self.plan["grade"],
        }
        if self.post(f"/industry/points/{point}/weigh/", "weighing", data, ok=(200,)):
            ACKS.append(f"weighing {client_id}")
