"""Checkpoints of the audit chain head kept outside the database (security.md C6).

Holds:
- `checkpoint_write()`: append the current head (seq, hash), signed with the audit key, to
  the day's file under `ZHENXING_AUDIT_CHECKPOINT_DIR` (and one log line).
- `checkpoint_problems(last_seq)`: compare every checkpoint with the rows in the database.

The chain alone cannot notice its newest rows being deleted when the head row is rewound with
them: what is left is a valid, shorter chain. A checkpoint written before the deletion still
names the later row and its hash, so `audit-verify` reports the rewind. Rows written after the
last checkpoint are covered from the next one on (daily, and whenever asked for).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhenxing.audit.models import AuditChainHead, AuditEvent

logger = logging.getLogger("zhenxing.audit.checkpoint")


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    path: Path


def _dir() -> Path:
    return Path(settings.ZHENXING_AUDIT_CHECKPOINT_DIR)


def _mac(seq: int, chain_hash: str, at: str) -> str:
    payload = json.dumps({"at": at, "hash": chain_hash, "seq": seq}, sort_keys=True)
    key = str(settings.ZHENXING_AUDIT_KEY).encode()
    return hmac.new(key, b"checkpoint:" + payload.encode(), hashlib.sha256).hexdigest()


def checkpoint_write(now: datetime | None = None) -> Checkpoint:
    """Append the chain head to today's checkpoint file (`YYYY-MM-DD.jsonl`, UTC day)."""
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(id=1).first()
        seq, chain_hash = (head.seq, head.hash) if head else (0, "0" * 64)
    moment = now or timezone.now()
    at = moment.astimezone(UTC).isoformat()
    line = {"seq": seq, "hash": chain_hash, "at": at, "mac": _mac(seq, chain_hash, at)}
    folder = _dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{moment.astimezone(UTC):%Y-%m-%d}.jsonl"
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(line, sort_keys=True) + "\n")
        fh.flush()
    # One line for a syslog handler, should the operator route this logger there.
    logger.info("audit checkpoint seq=%s hash=%s at=%s", seq, chain_hash, at)
    return Checkpoint(seq, chain_hash, at, path)


@dataclass(frozen=True)
class CheckpointProblem:
    seq: int
    reason_zh: str
    reason_en: str

    def __str__(self) -> str:
        return f"#{self.seq}: {self.reason_zh} / {self.reason_en}"


def _read() -> tuple[list[Checkpoint], list[CheckpointProblem]]:
    checkpoints: list[Checkpoint] = []
    problems: list[CheckpointProblem] = []
    folder = _dir()
    if not folder.is_dir():
        return checkpoints, problems
    for path in sorted(folder.glob("*.jsonl")):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not text.strip():
                continue
            try:
                data: dict[str, Any] = json.loads(text)
                seq, chain_hash, at = int(data["seq"]), str(data["hash"]), str(data["at"])
                valid = hmac.compare_digest(_mac(seq, chain_hash, at), str(data["mac"]))
            except (ValueError, KeyError, TypeError):
                valid, seq = False, 0
            if not valid:
                problems.append(
                    CheckpointProblem(
                        seq,
                        f"检查点文件 {path.name} 第 {number} 行签名无效（被改动）",
                        f"checkpoint {path.name} line {number} has a bad signature (altered)",
                    )
                )
                continue
            checkpoints.append(Checkpoint(seq, chain_hash, at, path))
    return checkpoints, problems


def checkpoint_problems(last_seq: int) -> list[CheckpointProblem]:
    """Every checkpoint must name a row that is still there, with the same hash."""
    checkpoints, problems = _read()
    wanted = {c.seq for c in checkpoints if c.seq > 0}
    hashes = dict(AuditEvent.objects.filter(seq__in=wanted).values_list("seq", "hash"))
    for checkpoint in sorted(checkpoints, key=lambda c: c.seq):
        if checkpoint.seq == 0:
            continue
        found = hashes.get(checkpoint.seq)
        if found is None and checkpoint.seq > last_seq:
            problems.append(
                CheckpointProblem(
                    checkpoint.seq,
                    f"检查点（{checkpoint.at}）记录链尾为第 {checkpoint.seq} 条，"
                    f"现仅到第 {last_seq} 条：末尾记录被删除、链头被回退",
                    f"the checkpoint of {checkpoint.at} saw row {checkpoint.seq}; the chain now "
                    f"ends at {last_seq}: the newest rows were deleted and the head rewound",
                )
            )
        elif found is not None and not hmac.compare_digest(found, checkpoint.hash):
            problems.append(
                CheckpointProblem(
                    checkpoint.seq,
                    f"第 {checkpoint.seq} 条与检查点（{checkpoint.at}）不符：链被改写",
                    f"row {checkpoint.seq} differs from the checkpoint of {checkpoint.at}: "
                    "the chain was rewritten",
                )
            )
    return problems


def checkpoint_latest() -> Checkpoint | None:
    checkpoints, _ = _read()
    return max(checkpoints, key=lambda c: (c.seq, c.at), default=None)


def checkpoint_supersede(now: datetime | None = None) -> Path | None:
    """After a restore the chain is, by design, the backup's: set the checkpoints of the chain
    that was replaced aside (kept, for inspection) so that they are not compared any more."""
    folder = _dir()
    files = sorted(folder.glob("*.jsonl")) if folder.is_dir() else []
    if not files:
        return None
    moment = (now or timezone.now()).astimezone(UTC)
    aside = folder / f"superseded-{moment:%Y%m%dT%H%M%S%f}"
    aside.mkdir()
    for path in files:
        path.rename(aside / path.name)
    return aside
