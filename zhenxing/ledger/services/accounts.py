"""Accounts of the chart: `AccountSpec`, `accounts_ensure` (bulk, idempotent)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from zhenxing.ledger.services.base import chunks

# ---------------------------------------------------------------- accounts


@dataclass(frozen=True)
class AccountSpec:
    code: str
    chart: str
    title_zh: str
    title_en: str
    kind: str
    balance_rule: str = "any"
    season_id: int | None = None
    owner_type: str = "system"
    owner_id: int | None = None
    party_type: str = ""
    party_id: int | None = None
    county_code: str = ""


_ACCOUNT_COLUMNS = (
    "code", "chart", "title_zh", "title_en", "kind", "balance_rule", "season_id", "owner_type",
    "owner_id", "party_type", "party_id", "county_code",
)  # fmt: skip


def _ids_of(codes: Sequence[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    with connection.cursor() as cursor:
        for chunk in chunks(codes):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT code, id FROM ledger_account WHERE code IN ({marks})",  # noqa: S608 — only "%s" placeholders are interpolated
                list(chunk),
            )
            ids.update(cursor.fetchall())
    return ids


def accounts_ensure(specs: Sequence[AccountSpec]) -> dict[str, int]:
    """Create the accounts that do not exist yet; return code → id for all of them.

    Set-based: one `INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING` on PostgreSQL, one
    prepared `INSERT OR IGNORE` on SQLite (a concurrent creator of the same code is fine).
    """
    by_code = {s.code: s for s in specs}
    ids = _ids_of(list(by_code))
    missing = [s for code, s in by_code.items() if code not in ids]
    if not missing:
        return ids
    rows = [tuple(getattr(s, c) for c in _ACCOUNT_COLUMNS) for s in missing]
    names = ", ".join(_ACCOUNT_COLUMNS)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = ["text"] * 6 + ["bigint", "text", "bigint", "text", "bigint", "text"]
            arrays = ", ".join(f"%s::{t}[]" for t in types)
            cursor.execute(
                f"INSERT INTO ledger_account ({names}, balance, created_at)"  # noqa: S608 — fixed column names and casts
                f" SELECT *, 0, %s FROM unnest({arrays}) ON CONFLICT (code) DO NOTHING",
                [now, *([row[i] for row in rows] for i in range(len(_ACCOUNT_COLUMNS)))],
            )
        else:
            marks = ", ".join(["%s"] * (len(_ACCOUNT_COLUMNS) + 2))
            cursor.executemany(
                f"INSERT OR IGNORE INTO ledger_account ({names}, balance, created_at)"  # noqa: S608 — fixed column names
                f" VALUES ({marks})",
                [(*row, 0, now) for row in rows],
            )
    ids.update(_ids_of([s.code for s in missing]))
    return ids
