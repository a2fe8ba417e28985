"""Loading the generated district: towns are generated and sealed (personal values encrypted
through `households.services.sealed`) in forked worker processes while this process hands the
rows to the registry's own set-based bulk loader, `households.bulk` (COPY on PostgreSQL,
`executemany` on SQLite, first history versions by `INSERT … SELECT`)."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from zhenxing.demo.households.generate import (
    _TownGenerator,
)
from zhenxing.demo.households.plan import (
    CHANGE_REASON,
    COUNTY_CODE,
    MONITORING_LINE_FEN,
    TownBatch,
    TownPlan,
    plan_district,
)
from zhenxing.households.bulk import RegistryBulkLoad, registry_next_id, sqlite_bulk_mode
from zhenxing.households.choices import Category
from zhenxing.households.models import (
    BANK_CONTEXT,
    ID_CONTEXT,
    PHONE_CONTEXT,
    Household,
)
from zhenxing.households.services import member_name_fields, sealed

# ---------------------------------------------------------------- loading


@dataclass
class LoadReport:
    skipped: bool = False
    households: int = 0
    members: int = 0
    exited_households: int = 0
    exited_members: int = 0
    health: Counter[str] = field(default_factory=Counter)
    labour: Counter[str] = field(default_factory=Counter)
    school_age: Counter[str] = field(default_factory=Counter)
    below_line: int = 0
    below_line_exited: int = 0
    near_line: int = 0  # 8,000 ≤ per capita < 10,000 yuan
    per_capita_median: int = 0  # yuan
    house_cd: int = 0
    pairings: int = 0
    workers: int = 0
    phases: dict[str, float] = field(default_factory=dict)  # wall seconds
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds of the process

    def merge(self, other: LoadReport) -> None:
        """Add another town's figures (phases of worker processes are summed)."""
        for name in ("households", "members", "exited_households", "exited_members",
                     "below_line", "below_line_exited", "near_line", "house_cd"):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.health.update(other.health)
        self.labour.update(other.labour)
        self.school_age.update(other.school_age)
        for phase, seconds in other.phases.items():
            self.phases[phase] = self.phases.get(phase, 0.0) + seconds
        for phase, seconds in other.cpu.items():
            self.cpu[phase] = self.cpu.get(phase, 0.0) + seconds


_Stamp = tuple[float, float]  # (wall clock, CPU time of this process)


def _now() -> _Stamp:
    return time.perf_counter(), time.process_time()


def _tick(report: LoadReport, phase: str, started: _Stamp) -> _Stamp:
    """Add the wall and CPU seconds since `started` to `phase`; return the new stamp."""
    now = _now()
    report.phases[phase] = report.phases.get(phase, 0.0) + now[0] - started[0]
    report.cpu[phase] = report.cpu.get(phase, 0.0) + now[1] - started[1]
    return now


def demo_households_exist() -> bool:
    return Household.objects.filter(county_code=COUNTY_CODE).exists()


@dataclass
class PreparedTown:
    """One town's rows in table column order, personal values sealed, ready to insert."""

    town_name: str
    households: list[tuple[Any, ...]]
    members: list[tuple[Any, ...]]
    facts: list[tuple[Any, ...]]
    incomes: list[tuple[Any, ...]]
    spendings: list[tuple[Any, ...]]
    report: LoadReport
    per_capita: list[int]


# (town, number of towns, seed, town's first household id, district's first household id,
#  SQLite?, the timestamp to store)
_TownTask = tuple[TownPlan, int, int, int, int, bool, Any]


def _prepare_town(task: _TownTask) -> PreparedTown:
    """Generate one town and seal its personal values; runs in a worker process or inline."""
    town, towns, seed, first_id, district_first_id, sqlite, when = task
    report = LoadReport()
    started = _now()
    batch = _TownGenerator(town, towns, seed, first_id, district_first_id).run()
    generated = _tick(report, "generate", started)
    households, members, facts = _sealed_rows(batch, when, sqlite)
    _tick(report, "encrypt+pinyin", generated)
    per_capita = _count(report, batch)
    return PreparedTown(
        town_name=batch.town_name,
        households=households,
        members=members,
        facts=facts,
        incomes=[(*row, "") for row in batch.incomes],
        spendings=list(batch.spendings),
        report=report,
        per_capita=per_capita,
    )


def _prepared_towns(tasks: list[_TownTask], workers: int) -> Iterator[PreparedTown]:
    """Towns in order. With workers, at most `workers + 1` towns wait in memory at a time."""
    if workers < 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(_prepare_town, tasks)
        return
    # fork: the workers inherit settings (keys) and warm caches; they never touch the
    # database connection, which stays with this process.
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pending: deque[Any] = deque()
        queue = iter(tasks)
        for task in itertools.islice(queue, workers + 1):
            pending.append(pool.apply_async(_prepare_town, (task,)))
        while pending:
            prepared = pending.popleft().get()
            following = next(queue, None)
            if following is not None:
                pending.append(pool.apply_async(_prepare_town, (following,)))
            yield prepared


def default_workers(scale: float) -> int:
    """Worker processes for a build: none for small districts (a fork costs more than it
    saves), otherwise one per core up to two."""
    if scale < 0.1:
        return 0
    return max(1, min(2, (os.cpu_count() or 1)))


def demo_households_load(
    *,
    region_rows: Sequence[tuple[str, str]],
    seed: int,
    scale: float,
    workers: int = 0,
    progress: Callable[[str], None] | None = None,
) -> LoadReport:
    """Build the district's households into the database, unless it already has them.

    `workers` > 0 generates and encrypts towns in that many forked processes while this one
    inserts (the machine's second core); 0 does everything here.
    """
    report = LoadReport(workers=workers)
    if demo_households_exist():
        report.skipped = True
        return report
    sqlite = connection.vendor == "sqlite"

    def restored(wall: float, cpu: float) -> None:
        report.phases["restore journal"] = report.phases.get("restore journal", 0.0) + wall
        report.cpu["restore journal"] = report.cpu.get("restore journal", 0.0) + cpu

    with sqlite_bulk_mode(restored):
        with transaction.atomic():
            _load(report, region_rows, seed, scale, workers, progress, defer_indexes=sqlite)
            committing = _now()
        _tick(report, "commit", committing)
    return report


def _load(
    report: LoadReport,
    region_rows: Sequence[tuple[str, str]],
    seed: int,
    scale: float,
    workers: int,
    progress: Callable[[str], None] | None,
    *,
    defer_indexes: bool,
) -> None:
    when = connection.ops.adapt_datetimefield_value(timezone.now())
    sqlite = connection.vendor == "sqlite"
    plans = plan_district(region_rows, seed=seed, scale=scale)
    per_capita: list[int] = []
    first_id = registry_next_id()
    tasks: list[_TownTask] = []
    next_id = first_id
    for town in plans:
        tasks.append((town, len(plans), seed, next_id, first_id, sqlite, when))
        next_id += town.total
    t = _now()
    with RegistryBulkLoad(change_reason=CHANGE_REASON, defer_indexes=defer_indexes) as loader:
        for prepared in _prepared_towns(tasks, workers):
            # inline, the town was generated just now and its time is already in its report
            t = _tick(report, "wait for workers", t) if workers else _now()
            loader.write(
                households=prepared.households,
                members=prepared.members,
                facts=prepared.facts,
                incomes=prepared.incomes,
                spendings=prepared.spendings,
            )
            report.merge(prepared.report)
            per_capita.extend(prepared.per_capita)
            if progress is not None:
                progress(f"  {prepared.town_name}: {len(prepared.households):,} 户")
            t = _tick(report, "insert", t)
        loader.history(first_id, next_id - 1, when)
        t = _tick(report, "history", t)
        if loader.indexes_rebuild():
            t = _tick(report, "rebuild indexes", t)
        loader.sequences_reset()
        loader.audit(households=report.households, members=report.members)
    per_capita.sort()
    if per_capita:
        report.per_capita_median = per_capita[len(per_capita) // 2] // 100


def _sealed_rows(
    batch: TownBatch, when: Any, sqlite: bool
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Household, member and facts rows in the column order of `households.bulk`, personal
    values encrypted and blind-indexed through the registry's own `sealed`."""
    county, town = COUNTY_CODE, batch.town_code
    households = []
    for hid, no, group, category, exit_year, address, head, phone, bank, size in batch.households:
        phone_cipher, phone_index = sealed(phone, PHONE_CONTEXT)
        bank_cipher, bank_index = sealed(bank, BANK_CONTEXT)
        households.append(
            (hid, no, group, county, town, group[:12], category, exit_year, "", address, head,
             phone_cipher, phone_index, bank_cipher, bank_index, size, when, when)
        )  # fmt: skip
    village_of = {row[0]: row[2][:12] for row in batch.households}
    spelled: dict[str, tuple[str, str]] = {}
    members = []
    for (hid, name, id_number, sex, birth, relation, education, school, health, grade, labour,
         months, place, insured, critical, doctor, dibao, tekun) in batch.members:  # fmt: skip
        id_cipher, id_index = sealed(id_number, ID_CONTEXT)
        pinyin = spelled.get(name)
        if pinyin is None:
            fields = member_name_fields(name)
            pinyin = spelled[name] = (fields["name_pinyin"], fields["name_initials"])
        members.append(
            (hid, county, town, village_of[hid], name, pinyin[0], pinyin[1], id_cipher, id_index,
             sex, birth.isoformat() if sqlite else birth, relation, "active", education, school,
             health, grade, labour, months, place, insured, critical, doctor, dibao, tekun)
        )  # fmt: skip
    facts: list[tuple[Any, ...]] = (
        [(*row[:4], row[4].isoformat() if row[4] else None, *row[5:]) for row in batch.facts]
        if sqlite
        else list(batch.facts)
    )
    return households, members, facts


def _count(report: LoadReport, batch: TownBatch) -> list[int]:
    """Add the batch's figures to `report`; return its per-capita net incomes (fen)."""
    report.households += len(batch.households)
    report.members += len(batch.members)
    exited_ids = {row[0] for row in batch.households if row[3] == Category.EXITED}
    report.exited_households += len(exited_ids)
    for m in batch.members:
        report.health[m[8]] += 1
        report.labour[m[10]] += 1
        if m[7]:
            report.school_age[m[7]] += 1
        if m[0] in exited_ids:
            report.exited_members += 1
    for exited, pc in batch.per_capita:
        if pc < MONITORING_LINE_FEN:
            report.below_line += 1
            report.below_line_exited += exited
        elif pc < MONITORING_LINE_FEN * 5 // 4:
            report.near_line += 1
    report.house_cd += sum(1 for f in batch.facts if f[3] in ("C", "D"))
    return [pc for _exited, pc in batch.per_capita]
