"""Writes to the ledger. Callers (the industry services) decide who may move money; these make
sure whatever moves is balanced, idempotent, immutable, within the accounts' sides and audited.

Holds:
- `AccountSpec`, `accounts_ensure`: create accounts of the chart if missing (bulk, idempotent).
- `EntrySpec`, `entry_post`: post one balanced entry under its natural key (M1, M4, M7, B6).
- `entry_submit`, `pending_entry_approve`, `pending_entry_reject`: four eyes above a threshold.
- `entry_reverse`, `entry_reverse_submit`: the one way to correct an entry (M3), with four eyes
  above the threshold.
- `entries_post_bulk`: many entries in a few statements (season settlement): same rules, set-based.
- `ledger_verify`: the invariants M1 and M2 recomputed from the postings.

Locks are taken on account rows in ascending id order (style.md: a fixed lock order), before the
idempotency check, so two posters of the same key serialise and the second sees the first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Value
from django.utils import timezone

from zhenxing.accounts.models import User
from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record
from zhenxing.core.errors import DomainError
from zhenxing.core.models import MoneyField
from zhenxing.core.money import fen_to_yuan
from zhenxing.ledger.domain import (
    Line,
    check_lines,
    debit_total,
    payload_hash,
    reversal_lines,
    side_ok,
    to_fen,
)
from zhenxing.ledger.errors import LedgerErrorCode
from zhenxing.ledger.models import Account, Entry, PendingEntry, Posting

CLI_OPERATOR = "命令行 CLI"
_CHUNK = 2000  # keys per IN (…) list: far below SQLite's and PostgreSQL's parameter limits


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


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
        for chunk in _chunks(codes):
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


# ---------------------------------------------------------------- one entry


@dataclass(frozen=True)
class EntrySpec:
    natural_key: str
    kind: str
    lines: tuple[Line, ...]
    memo: str = ""
    season_id: int | None = None


def _locked_accounts(codes: Iterable[str]) -> dict[str, Account]:
    wanted = sorted(set(codes))
    accounts = {
        a.code: a
        for a in Account.objects.select_for_update().filter(code__in=wanted).order_by("pk")
    }
    for code in wanted:
        if code not in accounts:
            raise DomainError(LedgerErrorCode.UNKNOWN_ACCOUNT, account=code)
    return accounts


def _check_sides(accounts: dict[str, Account], lines: Sequence[Line]) -> dict[str, Decimal]:
    deltas: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for line in lines:
        deltas[line.account] += line.amount
    for code, delta in deltas.items():
        account = accounts[code]
        if not side_ok(account.balance_rule, account.balance + delta):
            raise DomainError(
                LedgerErrorCode.INSUFFICIENT,
                account=code,
                balance=str(account.balance * account.normal_sign),
                amount=str(-delta * account.normal_sign),
            )
    return deltas


def _check_four_eyes(
    actor: User | None, total: Decimal, threshold: Decimal | None, approved_by: User | None
) -> None:
    if threshold is None or total <= threshold:
        return
    if approved_by is None:
        raise DomainError(LedgerErrorCode.APPROVAL_REQUIRED, total=str(total), threshold=threshold)
    if actor is not None and approved_by.pk == actor.pk:
        raise DomainError(LedgerErrorCode.SELF_APPROVAL)


def _existing(natural_key: str, digest: str) -> Entry | None:
    entry = Entry.objects.filter(natural_key=natural_key).first()
    if entry is not None and entry.payload_hash != digest:
        raise DomainError(LedgerErrorCode.KEY_CONFLICT, key=natural_key)
    return entry


def entry_post(
    *,
    actor: User | None,
    spec: EntrySpec,
    approval_threshold: Decimal | None = None,
    approved_by: User | None = None,
    reverses: Entry | None = None,
) -> Entry:
    """Post one entry, or return the entry already posted under the same key and payload.

    Refuses: unbalanced or degenerate lines (M1); the same key with another payload (M4); a
    movement that would put a deposit or payable on the wrong side (M7); an amount above
    `approval_threshold` without an approver other than `actor` (B6).
    """
    check_lines(spec.lines)
    total = debit_total(spec.lines)
    digest = payload_hash(spec.kind, spec.lines, reverses.natural_key if reverses else "")
    _check_four_eyes(actor, total, approval_threshold, approved_by)
    try:
        with transaction.atomic():
            accounts = _locked_accounts(line.account for line in spec.lines)
            existing = _existing(spec.natural_key, digest)
            if existing is not None:
                return existing
            deltas = _check_sides(accounts, spec.lines)
            entry = Entry.objects.create(
                natural_key=spec.natural_key,
                kind=spec.kind,
                payload_hash=digest,
                memo=spec.memo[:200],
                season_id=spec.season_id,
                total=total,
                posted_at=timezone.now(),
                posted_by=actor,
                approved_by=approved_by,
                reverses=reverses,
            )
            Posting.objects.bulk_create(
                [
                    Posting(entry=entry, account=accounts[line.account], amount=line.amount)
                    for line in spec.lines
                ]
            )
            for code, delta in deltas.items():
                if delta:
                    Account.objects.filter(pk=accounts[code].pk).update(
                        balance=F("balance") + Value(delta, output_field=MoneyField())
                    )
            record(
                AuditEventType.REVERSAL if reverses else AuditEventType.POSTING,
                actor=actor,
                obj=entry,
                username=CLI_OPERATOR,
                detail={
                    "key": spec.natural_key[:120],
                    "kind": spec.kind,
                    "total": str(total),
                    "approved_by": approved_by.pk if approved_by else None,
                },
            )
            return entry
    except IntegrityError:
        # A concurrent poster of the same key on other accounts won the unique key.
        existing = _existing(spec.natural_key, digest)
        if existing is None:
            raise
        return existing


def entry_submit(
    *,
    actor: User | None,
    spec: EntrySpec,
    approval_threshold: Decimal | None,
    county_code: str = "",
    reverses: Entry | None = None,
) -> Entry | PendingEntry:
    """Post at once when at or below the threshold; otherwise wait for a second person."""
    check_lines(spec.lines)
    total = debit_total(spec.lines)
    if approval_threshold is None or total <= approval_threshold:
        return entry_post(actor=actor, spec=spec, reverses=reverses)
    reverses_key = reverses.natural_key if reverses is not None else ""
    digest = payload_hash(spec.kind, spec.lines, reverses_key)
    with transaction.atomic():
        _locked_accounts(line.account for line in spec.lines)
        posted = _existing(spec.natural_key, digest)
        if posted is not None:
            return posted
        pending = PendingEntry.objects.filter(natural_key=spec.natural_key).first()
        if pending is not None:
            if pending.payload_hash != digest:
                raise DomainError(LedgerErrorCode.KEY_CONFLICT, key=spec.natural_key)
            return pending
        pending = PendingEntry.objects.create(
            natural_key=spec.natural_key,
            kind=spec.kind,
            memo=spec.memo[:200],
            season_id=spec.season_id,
            county_code=county_code,
            lines=[[line.account, to_fen(line.amount)] for line in spec.lines],
            payload_hash=digest,
            reverses_key=reverses_key,
            total=total,
            submitted_by=actor,
        )
        record(
            AuditEventType.POSTING,
            actor=actor,
            obj=pending,
            username=CLI_OPERATOR,
            detail={"key": spec.natural_key[:120], "total": str(total), "status": "pending"},
        )
    return pending


def _pending_spec(pending: PendingEntry) -> EntrySpec:
    return EntrySpec(
        natural_key=pending.natural_key,
        kind=pending.kind,
        lines=tuple(Line(code, fen_to_yuan(fen)) for code, fen in pending.lines),
        memo=pending.memo,
        season_id=pending.season_id,
    )


def pending_entry_approve(*, actor: User, pending: PendingEntry) -> Entry:
    """The second pair of eyes: anyone allowed to approve except the submitter (B6)."""
    with transaction.atomic():
        pending = PendingEntry.objects.select_for_update().get(pk=pending.pk)
        if pending.status != "pending":
            raise DomainError(LedgerErrorCode.ALREADY_DECIDED, status=pending.status)
        if pending.submitted_by_id == actor.pk:
            raise DomainError(LedgerErrorCode.SELF_APPROVAL)
        reverses = (
            Entry.objects.get(natural_key=pending.reverses_key) if pending.reverses_key else None
        )
        # The four-eyes condition was checked just above; the entry records the approver.
        entry = entry_post(
            actor=pending.submitted_by,
            spec=_pending_spec(pending),
            approved_by=actor,
            reverses=reverses,
        )
        PendingEntry.objects.filter(pk=pending.pk).update(
            status="approved", decided_by=actor, decided_at=timezone.now(), entry=entry
        )
        record(
            AuditEventType.APPROVAL,
            actor=actor,
            obj=pending,
            detail={"key": pending.natural_key[:120], "decision": "approved"},
        )
    return entry


def pending_entry_reject(*, actor: User, pending: PendingEntry) -> PendingEntry:
    with transaction.atomic():
        pending = PendingEntry.objects.select_for_update().get(pk=pending.pk)
        if pending.status != "pending":
            raise DomainError(LedgerErrorCode.ALREADY_DECIDED, status=pending.status)
        if pending.submitted_by_id == actor.pk:
            raise DomainError(LedgerErrorCode.SELF_APPROVAL)
        pending.status, pending.decided_by, pending.decided_at = "rejected", actor, timezone.now()
        pending.save(update_fields=["status", "decided_by", "decided_at"])
        record(
            AuditEventType.APPROVAL,
            actor=actor,
            obj=pending,
            detail={"key": pending.natural_key[:120], "decision": "rejected"},
        )
    return pending


def entry_lines(entry: Entry) -> list[Line]:
    return [
        Line(code, amount)
        for code, amount in entry.postings.order_by("pk").values_list("account__code", "amount")
    ]


def _reversal_spec(entry: Entry, memo: str) -> EntrySpec:
    if entry.reverses_id is not None:
        raise DomainError(LedgerErrorCode.REVERSAL_OF_REVERSAL)
    return EntrySpec(
        natural_key=f"rev:{entry.natural_key}"[:120],
        kind=entry.kind,
        lines=tuple(reversal_lines(entry_lines(entry))),
        memo=(memo or f"冲正 reversal of {entry.natural_key}")[:200],
        season_id=entry.season_id,
    )


def _already_reversed(entry: Entry, key: str) -> Entry | None:
    already = Entry.objects.filter(reverses=entry).first()
    if already is not None and already.natural_key != key:
        raise DomainError(LedgerErrorCode.ALREADY_REVERSED, key=entry.natural_key)
    return already


def entry_reverse(
    *,
    actor: User | None,
    entry: Entry,
    memo: str = "",
    approval_threshold: Decimal | None = None,
    approved_by: User | None = None,
) -> Entry:
    """Post the mirror image of `entry`, pointing at it (M3). Reversing twice is refused; the
    reversal's key is derived from the original's, so a repeated request changes nothing."""
    spec = _reversal_spec(entry, memo)
    already = _already_reversed(entry, spec.natural_key)
    if already is not None:
        return already
    return entry_post(
        actor=actor,
        spec=spec,
        approval_threshold=approval_threshold,
        approved_by=approved_by,
        reverses=entry,
    )


def entry_reverse_submit(
    *,
    actor: User | None,
    entry: Entry,
    memo: str = "",
    approval_threshold: Decimal | None,
    county_code: str = "",
) -> Entry | PendingEntry:
    """A reversal requested by one person: posted at once up to the threshold, otherwise
    waiting for a second person like any other entry (B6)."""
    spec = _reversal_spec(entry, memo)
    already = _already_reversed(entry, spec.natural_key)
    if already is not None:
        return already
    return entry_submit(
        actor=actor,
        spec=spec,
        approval_threshold=approval_threshold,
        county_code=county_code,
        reverses=entry,
    )


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
        for chunk in _chunks(ordered):
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
    for chunk in _chunks(keys):
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


# ---------------------------------------------------------------- verification


@dataclass
class LedgerCheck:
    balance_sum: Decimal
    posting_sum: Decimal
    mismatched_accounts: list[str]  # cached balance ≠ sum of its postings (M2)
    unbalanced_entries: list[str]  # postings do not sum to zero (M1)

    @property
    def ok(self) -> bool:
        return (
            self.balance_sum == 0
            and self.posting_sum == 0
            and not self.mismatched_accounts
            and not self.unbalanced_entries
        )


def ledger_verify(limit: int = 50) -> LedgerCheck:
    """Recompute M1 and M2 from the postings (integer sums; BIGINT casts keep PostgreSQL's
    SUM from turning into numeric)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT CAST(COALESCE(SUM(balance), 0) AS BIGINT) FROM ledger_account")
        balance_sum = int(cursor.fetchone()[0])
        cursor.execute("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM ledger_posting")
        posting_sum = int(cursor.fetchone()[0])
        cursor.execute(
            "SELECT a.code FROM ledger_account a LEFT JOIN ("
            " SELECT account_id, CAST(SUM(amount) AS BIGINT) AS s FROM ledger_posting"
            " GROUP BY account_id) p ON p.account_id = a.id"
            " WHERE a.balance <> COALESCE(p.s, 0) ORDER BY a.code LIMIT %s",
            [limit],
        )
        mismatched = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT e.natural_key FROM ledger_entry e JOIN ledger_posting p ON p.entry_id = e.id"
            " GROUP BY e.id, e.natural_key HAVING SUM(p.amount) <> 0 ORDER BY e.id LIMIT %s",
            [limit],
        )
        unbalanced = [row[0] for row in cursor.fetchall()]
    return LedgerCheck(
        balance_sum=fen_to_yuan(balance_sum),
        posting_sum=fen_to_yuan(posting_sum),
        mismatched_accounts=mismatched,
        unbalanced_entries=unbalanced,
    )
