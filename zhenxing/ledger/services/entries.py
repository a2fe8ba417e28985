"""One entry at a time: `EntrySpec`, `entry_post` (M1, M4, M7, B6), `entry_submit`,
`pending_entry_approve`, `pending_entry_reject` (four eyes), `entry_lines`, `entry_reverse`,
`entry_reverse_submit` (M3).

Locks are taken on account rows in ascending id order (a fixed lock order), before the
idempotency check, so two posters of the same key serialise and the second sees the first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
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
from zhenxing.ledger.services.base import CLI_OPERATOR

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
