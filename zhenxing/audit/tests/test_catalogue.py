"""C1: every event type of the catalogue is emitted somewhere, and every emitted type is in the
catalogue (a static scan of the code; backup, restore and registry edits included)."""

from __future__ import annotations

import ast
from pathlib import Path

from zhenxing.audit.events import _LABELS_ZH, AuditEventType

ZHENXING = Path(__file__).resolve().parents[2]
CATALOGUE = ZHENXING / "audit" / "events.py"


def _emitted() -> dict[str, set[Path]]:
    """`AuditEventType.NAME` used anywhere outside the catalogue itself, tests and migrations."""
    found: dict[str, set[Path]] = {}
    for path in ZHENXING.rglob("*.py"):
        if path == CATALOGUE or {"tests", "migrations"} & set(path.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "AuditEventType"
            ):
                found.setdefault(node.attr, set()).add(path)
    return found


def test_every_catalogued_event_is_emitted_somewhere() -> None:
    emitted = _emitted()

    missing = sorted(set(AuditEventType.__members__) - set(emitted))

    assert missing == []


def test_every_emitted_event_is_in_the_catalogue() -> None:
    unknown = sorted(set(_emitted()) - set(AuditEventType.__members__))

    assert unknown == []


def test_backup_restore_and_registry_edits_are_catalogued_and_emitted() -> None:
    emitted = _emitted()
    for name in ("BACKUP", "RESTORE", "REGISTRY_EDIT", "RETENTION"):
        assert name in AuditEventType.__members__
        assert name in emitted, name
    assert any(p.name == "backup.py" for p in emitted["BACKUP"])
    assert any(p.name == "restore.py" for p in emitted["RESTORE"])
    assert any("households" in p.parts for p in emitted["REGISTRY_EDIT"])


def test_every_event_has_a_display_name() -> None:
    assert set(_LABELS_ZH) == set(AuditEventType)
