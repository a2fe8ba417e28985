"""Set-based bulk loading of registry rows: a whole district (or a migrated one) in one
transaction, without a per-row save (architecture.md §5).

Every household-owned row is written by this app: `services.py` for the use cases of the
registry, this module for loads of many thousands of rows at once (the demo district). Rows
come in the column layouts `HOUSEHOLD_COLUMNS` … `SPENDING_COLUMNS` (field names, in order),
personal values already sealed through `services.sealed`.

Holds:
- `RegistryBulkLoad`: a context manager over one cursor: `write(...)` one batch of rows
  (COPY on PostgreSQL, `executemany` elsewhere), `history(first_id, last_id, when)` (the first
  history version of every row with one `INSERT … SELECT` per table), `indexes_rebuild()`
  (SQLite: secondary indexes are dropped at the start and built once at the end),
  `sequences_reset()`, and `audit(...)` (one IMPORT audit row for the load).
- `registry_next_id()`, `sqlite_bulk_mode(...)`.
- `cadre_pairings_create(...)`, `cadre_pairings_load(rows)`: pairings, with their history.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from types import TracebackType
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from simple_history.utils import get_history_model_for_model

from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record
from zhenxing.core.bulk import bulk_insert_with_history
from zhenxing.households.models import (
    CadrePairing,
    Household,
    HouseholdFacts,
    IncomeLine,
    Member,
    SpendingLine,
)

HOUSEHOLD_COLUMNS = (
    "id", "household_no", "group_code", "county_code", "town_code", "village_code", "category",
    "exit_year", "monitoring_type", "address", "head_name", "phone_cipher", "phone_index",
    "bank_cipher", "bank_index", "member_count", "created_at", "updated_at",
)  # fmt: skip
MEMBER_COLUMNS = (
    "household", "county_code", "town_code", "village_code", "name", "name_pinyin",
    "name_initials", "id_cipher", "id_index", "sex", "birth_date", "relation", "status",
    "education", "school_status", "health", "disability_grade", "labour", "work_months",
    "work_place", "medical_insurance", "critical_illness_insurance", "family_doctor", "dibao",
    "tekun",
)  # fmt: skip
FACT_COLUMNS = (
    "household", "food_secure", "clothing_secure", "house_grade", "house_assessed_on",
    "water_litres", "water_scarce_area", "water_quality", "water_piped", "water_trip_minutes",
    "water_horizontal_m", "water_vertical_m", "water_outage_days",
)  # fmt: skip
INCOME_COLUMNS = ("household", "year", "kind", "amount", "cost", "source", "source_ref")
SPENDING_COLUMNS = ("household", "year", "kind", "amount", "source")


def _columns(model: type[models.Model], names: Sequence[str]) -> list[str]:
    """DB column names of `names`, after checking they are all the model's fields.

    A field added to the model later must be given a value here, or the raw insert would
    silently leave it to a default the database does not know.
    """
    concrete = {f.name for f in model._meta.concrete_fields if not f.primary_key}
    wanted = {n for n in names if n != "id"}
    if concrete != wanted:
        raise RuntimeError(
            f"registry bulk loader out of date for {model._meta.label}: "
            f"missing {sorted(concrete - wanted)}, unknown {sorted(wanted - concrete)}"
        )
    columns = {f.name: f.column for f in model._meta.concrete_fields}
    return [columns[n] for n in names]


class _Writer:
    """Append-only bulk writer: COPY on PostgreSQL, `executemany` elsewhere (SQLite)."""

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor
        self.copy = connection.vendor == "postgresql"
        self.qn = connection.ops.quote_name

    def write(self, model: type[models.Model], names: Sequence[str], rows: list[Any]) -> None:
        if not rows:
            return
        table = self.qn(model._meta.db_table)
        cols = ", ".join(self.qn(c) for c in _columns(model, names))
        if self.copy:
            with self.cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(names))
            sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"  # noqa: S608 — names from _meta
            self.cursor.executemany(sql, rows)


def _history_columns(model: type[models.Model]) -> list[str]:
    history = get_history_model_for_model(model)
    own = {"history_id", "history_date", "history_change_reason", "history_type",
           "history_user"}  # fmt: skip
    tracked = [f.column for f in history._meta.concrete_fields if f.name not in own]
    source = {f.column for f in model._meta.concrete_fields}
    extra = [c for c in tracked if c not in source]
    if extra:
        raise RuntimeError(f"history of {model._meta.label} has untracked columns {extra}")
    return tracked


def _insert_history(
    cursor: Any,
    model: type[models.Model],
    where: str,
    params: Sequence[Any],
    when: Any,
    reason: str,
) -> None:
    """First history version ("+") of every row matching `where`, in one statement."""
    history = get_history_model_for_model(model)
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in _history_columns(model))
    cursor.execute(
        f"INSERT INTO {qn(history._meta.db_table)} ({cols}, history_date, "  # noqa: S608 — table and column names come from model metadata, not input
        "history_change_reason, history_type, history_user_id) "
        f"SELECT {cols}, %s, %s, '+', NULL FROM {qn(model._meta.db_table)} WHERE {where}",
        [when, reason, *params],
    )


@contextmanager
def sqlite_bulk_mode(
    restored: Callable[[float, float], None] | None = None,
) -> Iterator[None]:
    """Faster settings for one bulk load into SQLite, restored afterwards.

    - `synchronous=OFF`: no fsync per commit. The load is one transaction that writes a
      rebuildable district; the fsyncs buy nothing but time.
    - `journal_mode=TRUNCATE` instead of WAL: in WAL mode every new page of a ~1.5 GB load is
      written twice (to the WAL, then checkpointed into the database) and the WAL file keeps its
      size; with a rollback journal, pages appended to fresh tables need no journal entry, so
      the data is written once and a failure still rolls back. Switching needs the database to
      ourselves; when another connection holds it, SQLite keeps WAL and we just go slower.
    - a 512 MiB page cache, for the index rebuild's sorts and the history `INSERT … SELECT`.
    Nothing is changed inside an open transaction (tests run in one), where SQLite forbids it.
    `restored(wall, cpu)` is told how long restoring the settings took.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        synchronous = cursor.fetchone()[0]
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size")
        cache = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA journal_mode=TRUNCATE")
        cursor.execute("PRAGMA cache_size=-524288")
    try:
        yield
    finally:
        wall, cpu = time.perf_counter(), time.process_time()
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA journal_mode={journal}")
            cursor.execute(f"PRAGMA synchronous={int(synchronous)}")
            cursor.execute(f"PRAGMA cache_size={int(cache)}")
        if restored is not None:
            restored(time.perf_counter() - wall, time.process_time() - cpu)


_LOADED_MODELS: tuple[type[models.Model], ...] = (
    Household, Member, HouseholdFacts, IncomeLine, SpendingLine,
)  # fmt: skip


def _sqlite_indexes_drop(cursor: Any) -> list[str]:
    """Drop the secondary indexes of the tables the load fills; return the SQL to rebuild them.

    Rows arrive in random key order for most indexes (names, blind indexes), so maintaining
    them row by row costs about twice the insert itself; building each index once at the end
    sorts instead. It happens inside the load's transaction: if anything fails, the rollback
    restores the indexes, and a unique index that cannot be rebuilt (a duplicate) fails the
    whole load. Indexes SQLite made for inline UNIQUE constraints cannot be dropped and stay.
    """
    tables = [m._meta.db_table for m in _LOADED_MODELS]
    tables += [get_history_model_for_model(m)._meta.db_table for m in _LOADED_MODELS]
    marks = ", ".join(["%s"] * len(tables))
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608 — a constant query with no interpolated input
        f"AND tbl_name IN ({marks}) ORDER BY name",
        tables,
    )
    found = cursor.fetchall()
    for name, _sql in found:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [sql for _name, sql in found]


def registry_next_id() -> int:
    """The first free household id (a bulk load numbers its households from here)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {Household._meta.db_table}")  # noqa: S608 — _meta
        return int(cursor.fetchone()[0] or 0) + 1


class RegistryBulkLoad:
    """One bulk load of registry rows over one cursor; use inside `transaction.atomic()`.

    Households carry explicit ids (from `registry_next_id`); their rows in the other tables
    refer to them. With `defer_indexes` (SQLite), the secondary indexes are dropped on entry
    and built again by `indexes_rebuild()`; a failure rolls that back with the rest.
    """

    def __init__(self, *, change_reason: str, defer_indexes: bool = False) -> None:
        self.change_reason = change_reason
        self.defer_indexes = defer_indexes
        self._indexes: list[str] = []
        self._cursor: Any = None

    def __enter__(self) -> RegistryBulkLoad:
        self._cursor = connection.cursor().__enter__()
        self._writer = _Writer(self._cursor)
        if self.defer_indexes:
            self._indexes = _sqlite_indexes_drop(self._cursor)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._cursor.__exit__(kind, error, trace)

    def write(
        self,
        *,
        households: list[tuple[Any, ...]],
        members: list[tuple[Any, ...]],
        facts: list[tuple[Any, ...]],
        incomes: list[tuple[Any, ...]],
        spendings: list[tuple[Any, ...]],
    ) -> None:
        """One batch of rows, each in its table's column layout (see the module docstring)."""
        self._writer.write(Household, HOUSEHOLD_COLUMNS, households)
        self._writer.write(Member, MEMBER_COLUMNS, members)
        self._writer.write(HouseholdFacts, FACT_COLUMNS, facts)
        self._writer.write(IncomeLine, INCOME_COLUMNS, incomes)
        self._writer.write(SpendingLine, SPENDING_COLUMNS, spendings)

    def history(self, first_id: int, last_id: int, when: Any) -> None:
        """The first history version of every row of households `first_id`…`last_id`."""
        span = [first_id, last_id]
        reason = self.change_reason
        _insert_history(self._cursor, Household, "id BETWEEN %s AND %s", span, when, reason)
        for model in (Member, HouseholdFacts, IncomeLine, SpendingLine):
            where = "household_id BETWEEN %s AND %s"
            _insert_history(self._cursor, model, where, span, when, reason)

    def indexes_rebuild(self) -> bool:
        """Build the indexes dropped on entry; False when none were."""
        for sql in self._indexes:
            self._cursor.execute(sql)
        rebuilt, self._indexes = bool(self._indexes), []
        return rebuilt

    def sequences_reset(self) -> None:
        """Households were inserted with explicit ids: move the identity sequence past them."""
        if connection.vendor == "sqlite":
            return
        for sql in connection.ops.sequence_reset_sql(no_style(), [Household]):
            self._cursor.execute(sql)

    def audit(self, *, households: int, members: int) -> None:
        """The load's one IMPORT audit row (security.md C1)."""
        record(
            AuditEventType.IMPORT,
            username="命令行 CLI",
            object_type="households.household",
            detail={"households": households, "members": members, "source": self.change_reason},
        )


def cadre_pairings_create(
    *, cadre: Any, household_ids: Iterable[int], since: date, change_reason: str
) -> int:
    """Current pairings of `cadre` with the given households, each with its first history
    version and its household's region codes; returns how many."""
    ids = list(household_ids)
    codes = {
        pk: (county, town, village)
        for pk, county, town, village in Household.objects.filter(pk__in=ids).values_list(
            "pk", "county_code", "town_code", "village_code"
        )
    }
    return cadre_pairings_load(
        [
            {
                "cadre_id": cadre.pk,
                "household_id": pk,
                "since": since,
                "county_code": codes[pk][0],
                "town_code": codes[pk][1],
                "village_code": codes[pk][2],
            }
            for pk in ids
        ],
        change_reason=change_reason,
    )


def cadre_pairings_load(rows: Iterable[dict[str, Any]], *, change_reason: str) -> int:
    """Pairings (current or ended) from plain field values, with their history, in batches;
    the set-based path for a district's worth of pairings. Returns how many."""
    pairings = [CadrePairing(**row) for row in rows]
    for start in range(0, len(pairings), 5000):
        bulk_insert_with_history(
            pairings[start : start + 5000], CadrePairing, change_reason=change_reason
        )
    return len(pairings)


__all__ = [
    "FACT_COLUMNS",
    "HOUSEHOLD_COLUMNS",
    "INCOME_COLUMNS",
    "MEMBER_COLUMNS",
    "SPENDING_COLUMNS",
    "RegistryBulkLoad",
    "cadre_pairings_create",
    "cadre_pairings_load",
    "registry_next_id",
    "sqlite_bulk_mode",
]
