"""C6: the chain head is checkpointed outside the database, so deleting the newest rows and
rewinding the head row is detected (the attack runs with the delete trigger removed)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhenxing.audit.checkpoint import checkpoint_latest, checkpoint_write
from zhenxing.audit.models import AuditChainHead, AuditEvent
from zhenxing.audit.services import verify_chain
from zhenxing.audit.tasks import audit_checkpoint_task
from zhenxing.audit.tests.test_services import _chain, triggers_off  # noqa: F401 — fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkpoints(settings: Any, tmp_path: Path) -> Path:
    settings.ZHENXING_AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return tmp_path / "checkpoints"


def _delete_newest_and_rewind() -> None:
    """The attack: remove the last row, then make the head name the row before it."""
    newest = AuditEvent.objects.order_by("-seq").first()
    assert newest is not None
    AuditEvent.objects.filter(seq=newest.seq).delete()
    before = AuditEvent.objects.get(seq=newest.seq - 1)
    AuditChainHead.objects.filter(id=1).update(seq=before.seq, hash=before.hash)


def test_without_a_checkpoint_the_rewound_chain_looks_intact(
    triggers_off: None,  # noqa: F811
    checkpoints: Path,
) -> None:
    """The defect, and the guard removed: no checkpoint, no detection."""
    _chain(4)

    _delete_newest_and_rewind()

    assert verify_chain() == []


def test_tail_deletion_with_a_rewound_head_is_detected_against_the_checkpoint(
    triggers_off: None,  # noqa: F811
    checkpoints: Path,
) -> None:
    # given a chain and a checkpoint of its head
    _chain(4)
    call_command("audit_checkpoint", stdout=StringIO())

    # when the newest row is deleted and the head rewound
    _delete_newest_and_rewind()

    # then
    problems = verify_chain()
    assert [p.seq for p in problems] == [4]
    assert "newest rows were deleted and the head rewound" in problems[0].reason_en
    err = StringIO()
    with pytest.raises(CommandError, match="broken in 1 places"):
        call_command("audit_verify", stderr=err)
    assert "#4:" in err.getvalue()


def test_a_checkpoint_of_an_older_head_still_verifies_after_new_rows(checkpoints: Path) -> None:
    _chain(2)
    checkpoint_write()
    _chain(3)

    out = StringIO()
    call_command("audit_verify", stdout=out)

    assert "intact: 5 rows" in out.getvalue()
    assert "checkpoint at row 2" in out.getvalue()


def test_a_chain_rewritten_from_the_checkpointed_row_is_detected(
    triggers_off: None,  # noqa: F811
    checkpoints: Path,
) -> None:
    _chain(3)
    checkpoint_write()

    AuditEvent.objects.filter(seq=3).update(hash="f" * 64)

    assert any("rewritten" in p.reason_en for p in verify_chain())


def test_a_forged_checkpoint_line_is_reported(checkpoints: Path) -> None:
    # given
    _chain(2)
    path = checkpoint_write().path

    # when someone lowers the checkpoint to hide later deletions
    line = json.loads(path.read_text())
    line["seq"] = 1
    path.write_text(json.dumps(line) + "\n")

    # then
    problems = verify_chain()
    assert len(problems) == 1
    assert "bad signature" in problems[0].reason_en


def test_the_daily_task_appends_to_the_days_file(checkpoints: Path) -> None:
    _chain(3)

    audit_checkpoint_task.enqueue()
    audit_checkpoint_task.enqueue()

    files = list(checkpoints.glob("*.jsonl"))
    assert len(files) == 1
    assert len(files[0].read_text().splitlines()) == 2
    latest = checkpoint_latest()
    assert latest is not None
    assert (latest.seq, latest.hash) == (3, AuditEvent.objects.get(seq=3).hash)
