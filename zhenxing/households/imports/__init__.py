"""Roster import: a spreadsheet of members → checked households → `households_create`.

Every row is parsed, then the rows are checked against each other and against the registry,
and the result is a report (row, column, masked value, reason zh/en) plus the drafts of the
households that passed. Nothing is written until the caller commits; a commit is all or
nothing, or — only when the user chose it after seeing the report — all valid households and
none of the others (security.md E3).

Modules:
- `report`: `ImportErrorCode`, `ImportIssue`, `ImportReport`, `RosterCheck`, `RosterRefused`.
- `reading`: cells as text, the header row, csv and xlsx sheets.
- `checks`: `roster_check(path, *, actor, ...)`: guards (`core.uploads.check_upload`), read,
  validate; writes nothing.
- `commit`: `roster_import(path, *, actor, commit, skip_invalid, ...)`: check, then commit or
  refuse.
- `workbooks`: `report_workbook_write`, `template_workbook_write`.
- `uploads`: the web flow's file handling (`upload_receive`, `upload_validate`,
  `upload_commit`, `commit_start`, `upload_discard`, `uploads_purge`, `upload_path`,
  `report_path`).

The columns themselves (names, parsers, key groups, spreadsheet formats) are in
`households/columns.py`, shared with the export and the edit forms.
"""

from zhenxing.households.columns import HOUSEHOLD_KEYS
from zhenxing.households.imports.checks import MAX_ROWS, roster_check
from zhenxing.households.imports.commit import SOURCE, ImportResult, roster_import
from zhenxing.households.imports.reading import cell_text, gc_paused
from zhenxing.households.imports.report import (
    REPORT_PAGE,
    ImportErrorCode,
    ImportIssue,
    ImportReport,
    RosterCheck,
    RosterRefused,
)
from zhenxing.households.imports.uploads import (
    JOB_CHECK,
    JOB_COMMIT,
    STALE_AFTER,
    commit_start,
    report_path,
    upload_commit,
    upload_discard,
    upload_path,
    upload_receive,
    upload_validate,
    uploads_purge,
)
from zhenxing.households.imports.workbooks import report_workbook_write, template_workbook_write

__all__ = [
    "HOUSEHOLD_KEYS",
    "JOB_CHECK",
    "JOB_COMMIT",
    "MAX_ROWS",
    "REPORT_PAGE",
    "SOURCE",
    "STALE_AFTER",
    "ImportErrorCode",
    "ImportIssue",
    "ImportReport",
    "ImportResult",
    "RosterCheck",
    "RosterRefused",
    "cell_text",
    "commit_start",
    "gc_paused",
    "report_path",
    "report_workbook_write",
    "roster_check",
    "roster_import",
    "template_workbook_write",
    "upload_commit",
    "upload_discard",
    "upload_path",
    "upload_receive",
    "upload_validate",
    "uploads_purge",
]
