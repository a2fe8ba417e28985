"""Bulk inserts that record their own first history version (architecture.md §5, style.md:
"the one bulk path that records history itself").

Holds `bulk_insert_with_history(objs, model, *, change_reason)`: the same contract as
django-simple-history's `bulk_create_with_history` (objects get their ids; each gets one "+"
history row with the change reason and the request's user), without building a second model
instance per row or compiling an INSERT per batch: rows go to the database as tuples through
`executemany` (SQLite) or COPY (PostgreSQL): several times faster for a 100,000-person roster.

Ids are reserved before the insert, so history rows can name their objects without RETURNING:
- PostgreSQL: `nextval` of the identity sequence, once per row (safe under concurrency);
- SQLite: one past the highest id ever used, read inside the caller's write transaction (the
  project's SQLite connections begin transactions IMMEDIATE, so no other writer can take the
  same ids; were one to, the primary key would refuse the insert and the transaction roll back).
Other databases fall back to `bulk_create_with_history`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connections, models, router, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, get_history_model_for_model

SQLITE_CACHE_KIB = 256 * 1024
# Fields whose Python value is already what the driver takes (no per-value conversion).
_PLAIN = frozenset(
    {
        models.AutoField,
        models.BigAutoField,
        models.SmallAutoField,
        models.BooleanField,
        models.CharField,
        models.TextField,
        models.IntegerField,
        models.BigIntegerField,
        models.SmallIntegerField,
        models.PositiveIntegerField,
        models.PositiveBigIntegerField,
        models.PositiveSmallIntegerField,
    }
)


def _converter(field: models.Field[Any, Any], connection: Any) -> Callable[[Any], Any] | None:
    if type(field) in _PLAIN or isinstance(field, models.ForeignKey):
        return None

    def convert(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    return convert


def _reserve_ids(connection: Any, model: type[models.Model], count: int) -> list[int]:
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        qn = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({qn(column)}) FROM {qn(table)}")  # noqa: S608 — names from _meta
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        first = max(highest, row[0] if row else 0) + 1
        return list(range(first, first + count))


def _values(
    objs: Sequence[models.Model], fields: Sequence[models.Field[Any, Any]], connection: Any
) -> list[tuple[Any, ...]]:
    """Row tuples in field order; only the fields that need it are converted."""
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for obj in objs:
        for field in stamped:
            field.pre_save(obj, add=True)  # sets created_at / updated_at on the object
    fetch = operator.attrgetter(*(f.attname for f in fields))
    rows = [fetch(obj) for obj in objs] if len(fields) > 1 else [(fetch(o),) for o in objs]
    converters = [
        (i, convert)
        for i, f in enumerate(fields)
        if (convert := _converter(f, connection)) is not None
    ]
    if not converters:
        return rows
    converted = []
    for row in rows:
        values = list(row)
        for i, convert in converters:
            if values[i] is not None:
                values[i] = convert(values[i])
        converted.append(tuple(values))
    return converted


@contextmanager
def _page_cache(connection: Any) -> Iterator[None]:
    """On SQLite, a larger page cache while rows arrive in random key order (blind indexes,
    names): with the default 2 MB the index B-trees of a 100,000-person roster spill to disk
    mid-transaction and the insert slows down with every batch. Restored afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size={-SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size={previous}")


def _insert(connection: Any, table: str, columns: Sequence[str], rows: list[Any]) -> None:
    """COPY on PostgreSQL (one stream instead of a statement per row); `executemany` on
    SQLite, where a prepared INSERT per row is already cheap."""
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {qn(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {qn(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 — names from _meta
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def bulk_insert_with_history(
    objs: Sequence[Any], model: type[models.Model], *, change_reason: str
) -> list[Any]:
    """Insert unsaved `objs` of `model` and their first history rows; returns `objs` with ids.

    Must run inside the caller's transaction (the ids are reserved within it).
    """
    objs = list(objs)
    if not objs:
        return objs
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor not in ("sqlite", "postgresql"):
        return list(bulk_create_with_history(objs, model, default_change_reason=change_reason))
    with transaction.atomic(using=alias, savepoint=False), _page_cache(connection):
        for obj, pk in zip(objs, _reserve_ids(connection, model, len(objs)), strict=True):
            obj.pk = pk
        fields = list(model._meta.concrete_fields)
        rows = _values(objs, fields, connection)
        _insert(connection, model._meta.db_table, [f.column for f in fields], rows)
        for obj in objs:
            obj._state.adding = False
            obj._state.db = alias

        history = get_history_model_for_model(model)
        position = {f.attname: i for i, f in enumerate(fields)}
        tracked = [f for f in history._meta.concrete_fields if f.attname in position]
        picks = [position[f.attname] for f in tracked]
        user = history.get_default_history_user(objs[0])
        stamp = {
            "history_date": timezone.now(),
            "history_change_reason": change_reason,
            "history_type": "+",
            "history_user": getattr(user, "pk", None),
        }
        own = [history._meta.get_field(name) for name in stamp]
        extra = tuple(
            value if isinstance(f, models.ForeignKey) else f.get_db_prep_save(value, connection)
            for f, value in zip(own, stamp.values(), strict=True)
        )
        pick = operator.itemgetter(*picks)
        if len(picks) == 1:
            history_rows = [(pick(row), *extra) for row in rows]
        else:
            history_rows = [pick(row) + extra for row in rows]
        _insert(
            connection,
            history._meta.db_table,
            [f.column for f in tracked] + [f.column for f in own],
            history_rows,
        )
    return objs
