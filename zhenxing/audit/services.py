"""Writing and verifying the audit trail.

Holds:
- `record(event, *, actor, ...)`: append one row in the caller's transaction (fail closed).
- `verify_chain()`: recompute the chain and list every broken link.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhenxing.audit import context
from zhenxing.audit.checkpoint import checkpoint_problems
from zhenxing.audit.events import AuditEventType, Outcome
from zhenxing.audit.models import AuditChainHead, AuditEvent
from zhenxing.core.redaction import PERSONAL_DATA, REDACTED, redact

GENESIS = "0" * 64

# C2: personal data never enters an audit row. These catch ID numbers, mobiles and bank accounts.
_PERSONAL_DATA = PERSONAL_DATA
# C7: detail keys that carry text a person typed or a URL held. Their values are redacted, not
# refused; every other field is checked and refused, since there a number is a programming error.
FREE_TEXT_KEYS = frozenset({"reason", "path"})


class AuditWriteError(RuntimeError):
    """The row could not be written; the surrounding change must roll back (C4)."""


def _key() -> bytes:
    return str(settings.ZHENXING_AUDIT_KEY).encode()


def _digest(row: dict[str, Any], prev_hash: str) -> str:
    payload = json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(_key(), (prev_hash + payload).encode(), hashlib.sha256).hexdigest()


def _row_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "role": event.role,
        "ip": event.ip,
        "request_id": event.request_id,
        "event": event.event,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "outcome": event.outcome,
        "detail": event.detail,
    }


def _check_no_personal_data(values: list[str]) -> None:
    for value in values:
        if _PERSONAL_DATA.search(value):
            raise AuditWriteError("personal data must not be written into the audit trail")


def record(
    event: AuditEventType,
    *,
    actor: Any = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    outcome: Outcome = Outcome.OK,
    detail: dict[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one audit row inside the caller's transaction.

    If this raises, the caller's transaction rolls back with it: an unaudited change never
    commits. `obj` may be a model instance (its label and pk are recorded, never its fields).
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    detail = {
        key: redact(value) if key in FREE_TEXT_KEYS and isinstance(value, str) else value
        for key, value in (detail or {}).items()
    }
    actor_ok = actor is not None and getattr(actor, "is_authenticated", False)
    actor_username = actor.get_username() if actor_ok else username
    if actor_ok and _PERSONAL_DATA.search(actor_username):
        # A user name may be a mobile number: keep it out (C2); actor_id still names the account.
        actor_username = REDACTED
    _check_no_personal_data([object_id, actor_username, json.dumps(detail, ensure_ascii=False)])
    ctx = context.current()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        row = AuditEvent(
            seq=head.seq + 1,
            occurred_at=timezone.now(),
            actor_id=actor.pk if actor_ok else None,
            actor_username=actor_username[:150],
            role=getattr(actor, "role", "") if actor_ok else "",
            ip=ctx.ip if ctx else None,
            request_id=ctx.request_id if ctx else "",
            event=str(event),
            object_type=object_type[:48],
            object_id=str(object_id)[:64],
            outcome=str(outcome),
            detail=detail,
            prev_hash=head.hash,
        )
        # Hash what the database will return: microsecond precision, normalised JSON.
        row.detail = json.loads(json.dumps(row.detail, ensure_ascii=False))
        row.hash = _digest(_row_fields(row), head.hash)
        row.save(force_insert=True)
        head.seq, head.hash = row.seq, row.hash
        head.save(update_fields=["seq", "hash"])
    return row


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason_zh: str
    reason_en: str

    def __str__(self) -> str:
        return f"#{self.seq}: {self.reason_zh} / {self.reason_en}"


def verify_chain(batch_size: int = 5000) -> list[ChainProblem]:
    """Recompute every link; report edited rows, missing rows and a truncated end, and compare
    the chain with the checkpoints kept outside the database (C6)."""
    problems: list[ChainProblem] = []
    expected_seq, prev_hash = 1, GENESIS
    last_seq = 0
    queryset = AuditEvent.objects.order_by("seq")
    for row in queryset.iterator(chunk_size=batch_size):
        if row.seq != expected_seq:
            problems.append(
                ChainProblem(
                    expected_seq,
                    f"缺少第 {expected_seq}–{row.seq - 1} 条记录（被删除）",
                    f"rows {expected_seq}-{row.seq - 1} are missing (deleted)",
                )
            )
        if row.prev_hash != prev_hash:
            problems.append(
                ChainProblem(row.seq, "与前一条记录的链接不符", "link to the previous row broken")
            )
        if not hmac.compare_digest(_digest(_row_fields(row), row.prev_hash), row.hash):
            problems.append(ChainProblem(row.seq, "记录内容被修改", "row content was altered"))
        expected_seq, prev_hash, last_seq = row.seq + 1, row.hash, row.seq
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and (head.seq != last_seq or head.hash != prev_hash):
        problems.append(
            ChainProblem(
                last_seq + 1,
                f"链尾应为第 {head.seq} 条，实际为第 {last_seq} 条（末尾记录被删除）",
                f"chain should end at row {head.seq} but ends at {last_seq} (rows deleted)",
            )
        )
    problems.extend(
        ChainProblem(p.seq, p.reason_zh, p.reason_en) for p in checkpoint_problems(last_seq)
    )
    return problems
