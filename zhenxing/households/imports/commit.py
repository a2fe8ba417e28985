"""Committing a checked roster: all or nothing, or — only when the user chose it after seeing
the report — all valid households and none of the others (security.md E3). A refused commit is
audited and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from zhenxing.audit.events import AuditEventType, Outcome
from zhenxing.audit.services import record
from zhenxing.core.errors import ErrorCode
from zhenxing.households.exports import CLI_USERNAME
from zhenxing.households.imports.checks import run_check
from zhenxing.households.imports.reading import gc_paused
from zhenxing.households.imports.report import (
    ImportErrorCode,
    ImportReport,
    Progress,
    RosterRefused,
)
from zhenxing.households.services import households_create

SOURCE = "花名册导入 roster import"


@dataclass(frozen=True)
class ImportResult:
    report: ImportReport
    committed: bool
    households: int = 0
    members: int = 0


def _refuse(actor: Any, error: ErrorCode, report: ImportReport, **params: Any) -> RosterRefused:
    """Audit a refused commit (C1: an import attempt, outcome failed) and build the error."""
    with transaction.atomic():
        record(
            AuditEventType.IMPORT,
            actor=actor,
            username=CLI_USERNAME,
            object_type="households.household",
            outcome=Outcome.FAILED,
            detail={
                "reason": error.code,
                "rows": report.rows,
                "rows_invalid": report.rows_invalid,
                "households_valid": report.households_valid,
            },
        )
    return RosterRefused(error, report, **params)


def roster_import(
    path: Path,
    *,
    actor: Any,
    commit: bool = False,
    skip_invalid: bool = False,
    name: str | None = None,
    expected_digest: str | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Check a roster file and, with `commit`, register its households.

    Without `skip_invalid` a file with any issue is refused as a whole (`RosterRefused`,
    nothing written). With it, exactly the valid households are registered — and, when
    `expected_digest` comes from the report the user saw, only if they are still the same.
    """
    with gc_paused():
        return _roster_import(
            path,
            actor=actor,
            commit=commit,
            skip_invalid=skip_invalid,
            name=name,
            expected_digest=expected_digest,
            today=today,
            progress=progress,
        )


def _roster_import(
    path: Path,
    *,
    actor: Any,
    commit: bool,
    skip_invalid: bool,
    name: str | None,
    expected_digest: str | None,
    today: date | None,
    progress: Progress | None,
) -> ImportResult:
    check = run_check(path, actor=actor, name=name, today=today, progress=progress)
    report = check.report
    if not commit:
        return ImportResult(report=report, committed=False)
    if report.fatal or (report.issues and not skip_invalid):
        raise _refuse(actor, ImportErrorCode.REFUSED, report, rows=max(report.rows_invalid, 1))
    if not check.drafts:
        raise _refuse(actor, ImportErrorCode.NOTHING_VALID, report)
    if expected_digest is not None and expected_digest != report.valid_digest:
        raise _refuse(actor, ImportErrorCode.CHANGED, report)
    if progress is not None:
        progress(report.rows, report.rows, "写入登记库 writing to the registry")
    created = households_create(actor=actor, drafts=check.drafts, source=SOURCE)
    return ImportResult(
        report=report,
        committed=True,
        households=len(created),
        members=report.members_valid,
    )
