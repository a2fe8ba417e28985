"""R1: the restore drill. Back up, restore into a fresh database in a separate process (as an
operator would), then compare row counts, the ledger invariants (M2) and the audit chain."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from zhenxing.audit.models import AuditEvent
from zhenxing.core.backup import table_counts
from zhenxing.ledger.services import entry_reverse, ledger_verify
from zhenxing.ledger.tests.factories import bank_and_deposit, entry
from zhenxing.regions.tests.factories import DivisionFactory

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(settings.BASE_DIR)


def _some_data() -> None:
    DivisionFactory(code="500102")
    bank_and_deposit()
    first = entry("pay-in-1", ("1001.T", "5400.00"), ("2201.T", "-5400.00"))
    entry("pay-in-2", ("1001.T", "0.01"), ("2201.T", "-0.01"))
    entry_reverse(actor=None, entry=first, memo="录入错误")
    assert ledger_verify().ok


def _fresh_database(tmp_path: Path) -> tuple[str, Any]:
    """A DATABASE_URL for an empty database, and how to drop it afterwards."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}", lambda: None
    name = f"{db['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    url = (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    )

    def drop() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')

    return url, drop


def _zhenxing(url: str, checkpoints: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "ZHENXING_AUDIT_CHECKPOINT_DIR": str(checkpoints),
    }
    return subprocess.run(  # noqa: S603 — the project's own command
        [sys.executable, "-m", "zhenxing.cli", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _counts(stdout: str) -> dict[str, int]:
    line = next(line for line in stdout.splitlines() if line.startswith("counts: "))
    return dict(json.loads(line.removeprefix("counts: ")))


@pytest.mark.skipif(
    connection.vendor not in ("sqlite", "postgresql"), reason="SQLite and PostgreSQL only"
)
def test_restore_drill(tmp_path: Path) -> None:
    # given a database with ledger entries, a reversal and audit rows, backed up
    _some_data()
    out = tmp_path / ("backup.sqlite3" if connection.vendor == "sqlite" else "backup.dump")
    call_command("backup", str(out))
    before = table_counts()
    assert AuditEvent.objects.filter(event="backup").count() == 1
    url, drop = _fresh_database(tmp_path)
    try:
        # when it is restored into a fresh database
        restored = _zhenxing(url, tmp_path / "checkpoints", "restore", str(out), "--yes")
        verified = _zhenxing(url, tmp_path / "checkpoints", "audit-verify")
    finally:
        drop()

    # then every table has its rows (the audit trail one more: the restore itself)
    assert restored.returncode == 0, restored.stderr
    after = _counts(restored.stdout)
    assert after.pop("audit_auditevent") == before.pop("audit_auditevent") + 1
    assert after == before
    assert before["ledger_posting"] == 6
    assert "ledger balanced" in restored.stdout
    # and the chain verifies, the backup's own row included
    assert verified.returncode == 0, verified.stderr
    assert f"intact: {AuditEvent.objects.count() + 1} rows" in verified.stdout


def test_a_damaged_backup_is_refused(tmp_path: Path) -> None:
    # given
    _some_data()
    out = tmp_path / ("backup.sqlite3" if connection.vendor == "sqlite" else "backup.dump")
    call_command("backup", str(out))
    out.write_bytes(out.read_bytes()[: out.stat().st_size // 3])
    url, drop = _fresh_database(tmp_path)

    # when
    try:
        restored = _zhenxing(url, tmp_path / "checkpoints", "restore", str(out), "--yes")
    finally:
        drop()

    # then
    assert restored.returncode != 0
    assert "restore failed" in restored.stderr or "failed its checks" in restored.stderr


def test_restore_asks_for_confirmation(tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "x"))


def test_backup_is_audited_once(tmp_path: Path) -> None:
    call_command("backup", str(tmp_path / "b"))

    row = AuditEvent.objects.get(event="backup")
    assert (row.outcome, row.detail["vendor"]) == ("ok", connection.vendor)
    assert D(ledger_verify().balance_sum) == 0
