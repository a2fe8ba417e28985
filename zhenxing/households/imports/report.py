"""The import report: what was found in a roster file, row by row, and why a commit was refused.

Holds `ImportErrorCode` (file- and household-level reasons; a cell's reasons are
`RosterErrorCode`), `ImportIssue` (row, column, masked value, reason zh/en), `ImportReport`,
`RosterCheck`, `RosterRefused`, and `issue_for` / `issue_from`, which build an issue from a code
or from a cell's `DomainError`. Personal values are masked in every issue (security.md D2).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from zhenxing.core.errors import DomainError, ErrorCode
from zhenxing.core.masking import mask_bank_account, mask_id, mask_phone
from zhenxing.households.columns import BY_KEY, Column
from zhenxing.households.services import HouseholdDraft

REPORT_PAGE = 200  # errors shown on the page and kept in the job's result
Progress = Callable[[int, int, str], None]

_PERSONAL_MASKS: dict[str, Callable[[str], str]] = {
    "id_number": mask_id,
    "phone": mask_phone,
    "bank_account": mask_bank_account,
}


class ImportErrorCode(ErrorCode):
    NO_HEADER = (
        "import.no_header",
        "前 {rows} 行中找不到表头；第一行应为模板中的列名（中文或英文）",
        "No header row in the first {rows} rows; the first row must hold the template's column "
        "names (Chinese or English)",
    )
    MISSING_COLUMNS = (
        "import.missing_columns",
        "缺少必填列：{columns_zh}",
        "Required columns are missing: {columns_en}",
    )
    DUPLICATE_COLUMN = (
        "import.duplicate_column",
        "列“{header}”出现了不止一次",
        "The column '{header}' appears more than once",
    )
    UNKNOWN_COLUMN = (
        "import.unknown_column",
        "无法识别的列“{header}”，该列的内容不会导入",
        "Unknown column '{header}'; its contents are not imported",
    )
    NO_ROWS = ("import.no_rows", "文件中没有数据行", "The file has no data rows")
    TOO_MANY_ROWS = (
        "import.too_many_rows",
        "数据行过多（约 {rows} 行，上限 {limit} 行），请分成几个文件导入",
        "Too many rows (about {rows}, limit {limit}); split the file",
    )
    HOUSEHOLD_INVALID = (
        "import.household_invalid",
        "同一户的第 {rows} 行有错误，整户不导入",
        "Row(s) {rows} of the same household have errors; the whole household is not imported",
    )
    NOT_ON_HEAD_ROW = (
        "import.not_on_head_row",
        "“{column}”只填在户主行，本行的值与户主行（第 {head_row} 行）不一致",
        "'{column}' belongs on the head's row; this row differs from it (row {head_row})",
    )
    REFUSED = (
        "import.refused",
        "有 {rows} 行错误，未导入任何数据；请修正后重新导入，或选择“仅导入有效的户”",
        "{rows} row(s) have errors and nothing was imported; fix them and import again, or "
        "choose to import only the valid households",
    )
    CHANGED = (
        "import.changed",
        "检查之后登记库已发生变化，可导入的户与检查报告不一致，未导入任何数据；请重新上传检查",
        "The registry changed after the check, so the households that can be imported differ "
        "from the report; nothing was imported; upload the file again",
    )
    NOTHING_VALID = (
        "import.nothing_valid",
        "没有可导入的户，未导入任何数据",
        "No household can be imported; nothing was imported",
    )
    GONE = (
        "import.gone",
        "上传的文件已导入、已放弃或已过期",
        "The uploaded file was already imported, discarded, or has expired",
    )
    BUSY = (
        "import.busy",
        "该文件正在导入，请勿重复提交",
        "This file is already being imported; do not submit it twice",
    )
    UNREADABLE = (
        "import.unreadable",
        "文件无法读取（已损坏或格式不受支持）",
        "The file cannot be read (damaged or an unsupported format)",
    )


@dataclass(slots=True)
class ImportIssue:
    """One reason a row (or the file, row = header row) is refused; values masked (D2)."""

    row: int
    column: str  # a column key, or "" for the whole row or file
    header_zh: str
    header_en: str
    value: str
    code: str
    message_zh: str
    message_en: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ImportReport:
    file_name: str = ""
    rows: int = 0
    households: int = 0
    households_valid: int = 0
    members_valid: int = 0
    rows_invalid: int = 0
    issues: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    fatal: bool = False  # the file as a whole cannot be imported (no header, no rows ...)
    valid_digest: str = ""  # what a skip-invalid commit promises to import

    @property
    def households_invalid(self) -> int:
        return self.households - self.households_valid

    @property
    def ok(self) -> bool:
        return not self.fatal and not self.issues and self.households_valid > 0

    def summary(self, limit: int = REPORT_PAGE) -> dict[str, Any]:
        """JSON for a job's result: counts and the first `limit` issues."""
        return {
            "file_name": self.file_name,
            "rows": self.rows,
            "households": self.households,
            "households_valid": self.households_valid,
            "households_invalid": self.households_invalid,
            "members_valid": self.members_valid,
            "rows_invalid": self.rows_invalid,
            "issue_count": len(self.issues),
            "issues": [i.as_dict() for i in self.issues[:limit]],
            "warnings": [w.as_dict() for w in self.warnings[:limit]],
            "fatal": self.fatal,
            "ok": self.ok,
            "valid_digest": self.valid_digest,
        }


@dataclass
class RosterCheck:
    report: ImportReport
    drafts: list[HouseholdDraft]


class RosterRefused(Exception):
    """A commit was refused as a whole; `report` says why, nothing was written."""

    def __init__(self, error: ErrorCode, report: ImportReport, **params: Any) -> None:
        self.error = DomainError(error, **params)
        self.report = report
        super().__init__(self.error.message)


def _masked(key: str, raw: str) -> str:
    text = (raw or "").strip()
    mask = _PERSONAL_MASKS.get(key)
    if mask is not None:
        return mask("".join(text.split()))
    return text[:60]


def _column(key: str) -> Column | None:
    return BY_KEY.get(key)


def issue_for(row: int, key: str, value: str, error: ErrorCode, **params: Any) -> ImportIssue:
    """An issue from a code; a `column` parameter names the column in each language."""
    column = _column(key)
    zh_params, en_params = dict(params), dict(params)
    named = params.get("column")
    if isinstance(named, str) and named in BY_KEY:
        zh_params["column"], en_params["column"] = BY_KEY[named].zh, BY_KEY[named].en
    return ImportIssue(
        row=row,
        column=key,
        header_zh=column.zh if column else "",
        header_en=column.en if column else "",
        value=_masked(key, value),
        code=error.code,
        message_zh=error.zh.format(**zh_params),
        message_en=error.en.format(**en_params),
    )


def issue_from(error: DomainError, row: int, cells: Mapping[str, str]) -> ImportIssue:
    key = error.field or ""
    column = _column(key)
    return ImportIssue(
        row=row,
        column=key,
        header_zh=column.zh if column else "",
        header_en=column.en if column else "",
        value=_masked(key, cells.get(key, "")),
        code=error.code.code,
        message_zh=error.message_zh,
        message_en=error.message_en,
    )
