"""Many entries in a few statements (season settlement): `BulkPostResult`, `entries_post_bulk`
— the same rules as one entry, set-based.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from zhenxing.accounts.models import User
from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record
from zhenxing.core.errors import DomainError
from zhenxing.core.money import fen_to_yuan
from zhenxing.ledger.domain import (
    check_lines,
    payload_hash,
    side_ok,
    to_fen,
)
from zhenxing.ledger.errors import LedgerErrorCode
from zhenxing.ledger.models import Entry
from zhenxing.ledger.services.base import CLI_OPERATOR, chunks
from zhenxing.ledger.services.entries import EntrySpec

# ---------------------------------------------------------------- many entries


@dataclass
class BulkPostResult:
    posted: int = 0
    skipped: int = 0  # already posted under the same key and payload
    total: Decimal = field(default_factory=lambda: Decimal("0.00"))


def _reserve_entry_ids(count: int) -> list[int]:
    """Ids for new entries, so postings can name them without RETURNING a million rows.

    PostgreSQL: the identity sequence (safe under concurrency). SQLite: past the highest id
    ever used, read inside the caller's write transaction (the project's SQLite connections
    begin IMMEDIATE, so no other writer can take the same ids).
    """
    table = Entry._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT MAX(id) FROM ledger_entry")
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        first = max(highest, row[0] if row else 0) + 1
        return list(range(first, first + count))


def _insert_rows(table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """COPY on PostgreSQL, `executemany` on SQLite: one stream, not a statement per row."""
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 — fixed names
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def _add_to_balances(deltas: dict[int, int]) -> None:
    """balance = balance + delta for many accounts in one statement (PostgreSQL) or one
    prepared statement (SQLite): the bulk form of the F() update."""
    if not deltas:
        return
    ids = list(deltas)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE ledger_account AS a SET balance = a.balance + v.delta "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, delta) WHERE a.id = v.id",
                [ids, [deltas[i] for i in ids]],
            )
            return
        cursor.executemany(
            "UPDATE ledger_account SET balance = balance + %s WHERE id = %s",
            [(deltas[i], i) for i in ids],
        )


def _lock_and_read(ids: Sequence[int]) -> dict[int, tuple[int, str]]:
    """id → (balance in fen, balance rule), the rows locked in ascending id order."""
    out: dict[int, tuple[int, str]] = {}
    ordered = sorted(ids)
    with connection.cursor() as cursor:
        for chunk in chunks(ordered):
            marks = ", ".join(["%s"] * len(chunk))
            lock = " ORDER BY id FOR UPDATE" if connection.vendor == "postgresql" else ""
            cursor.execute(
                f"SELECT id, balance, balance_rule FROM ledger_account WHERE id IN ({marks})"  # noqa: S608 — only "%s" placeholders
                + lock,
                list(chunk),
            )
            for pk, balance, rule in cursor.fetchall():
                out[pk] = (int(balance), rule)
    return out


def entries_post_bulk(
    *,
    actor: User | None,
    specs: Sequence[EntrySpec],
    account_ids: dict[str, int],
    audit_detail: dict[str, Any] | None = None,
) -> BulkPostResult:
    """Post many entries at once with the rules of `entry_post` (minus four eyes, which the
    caller settles for the batch as a whole): lines checked (M1), keys already posted with the
    same payload skipped and with another refused (M4), sides checked against the locked
    balances (M7), postings and balance changes written set-based. Must run inside the
    caller's transaction; `account_ids` maps every account code used to its id.
    """
    result = BulkPostResult()
    if not specs:
        return result
    digests: dict[str, str] = {}
    for spec in specs:
        check_lines(spec.lines)
        digests[spec.natural_key] = payload_hash(spec.kind, spec.lines)
    keys = list(digests)
    # Lock the accounts first (fixed order), then look for keys already posted.
    codes = {line.account for spec in specs for line in spec.lines}
    missing = [c for c in codes if c not in account_ids]
    if missing:
        raise DomainError(LedgerErrorCode.UNKNOWN_ACCOUNT, account=sorted(missing)[0])
    locked = _lock_and_read([account_ids[c] for c in codes])
    done: dict[str, str] = {}
    for chunk in chunks(keys):
        done.update(
            Entry.objects.filter(natural_key__in=chunk).values_list("natural_key", "payload_hash")
        )
    for key, digest in done.items():
        if digests[key] != digest:
            raise DomainError(LedgerErrorCode.KEY_CONFLICT, key=key)
    fresh = [s for s in specs if s.natural_key not in done]
    result.skipped = len(specs) - len(fresh)
    if not fresh:
        return result
    deltas: dict[int, int] = defaultdict(int)
    entry_rows: list[tuple[Any, ...]] = []
    posting_rows: list[tuple[Any, ...]] = []
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    actor_id = actor.pk if actor is not None else None
    total_fen = 0
    for entry_id, spec in zip(_reserve_entry_ids(len(fresh)), fresh, strict=True):
        entry_total = 0
        for line in spec.lines:
            fen = to_fen(line.amount)
            account_id = account_ids[line.account]
            deltas[account_id] += fen
            posting_rows.append((entry_id, account_id, fen))
            if fen > 0:
                entry_total += fen
        total_fen += entry_total
        entry_rows.append(
            (
                entry_id,
                spec.natural_key,
                spec.kind,
                digests[spec.natural_key],
                spec.memo[:200],
                spec.season_id,
                entry_total,
                stamp,
                actor_id,
                None,
                None,
            )
        )
    for account_id, delta in deltas.items():
        balance, rule = locked[account_id]
        if not side_ok(rule, Decimal(balance + delta)):
            code = next(c for c, i in account_ids.items() if i == account_id)
            raise DomainError(
                LedgerErrorCode.INSUFFICIENT,
                account=code,
                balance=str(fen_to_yuan(abs(balance))),
                amount=str(fen_to_yuan(abs(delta))),
            )
    _insert_rows(
        "ledger_entry",
        [
            "id",
            "natural_key",
            "kind",
            "payload_hash",
            "memo",
            "season_id",
            "total",
            "posted_at",
            "posted_by_id",
            "approved_by_id",
            "reverses_id",
        ],
        entry_rows,
    )
    _insert_rows("ledger_posting", ["entry_id", "account_id", "amount"], posting_rows)
    _add_to_balances({k: v for k, v in deltas.items() if v})
    result.posted = len(fresh)
    result.total = fen_to_yuan(total_fen)
    record(
        AuditEventType.POSTING,
        actor=actor,
        object_type="ledger.entry",
        username=CLI_OPERATOR,
        detail={"entries": result.posted, "total": str(result.total)} | (audit_detail or {}),
    )
    return result
