"""Roster import: a spreadsheet of members → checked households → `households_create`.

One roster row is one member; household columns repeat on each member row; facts and income
columns are on the head's row (validation.py). Every row is parsed by `parse_row`, then the
rows are checked against each other and against the registry, and the result is a report
(row, column, masked value, reason zh/en) plus the drafts of the households that passed.
Nothing is written until the caller commits; a commit is all or nothing, or — only when the
user chose it after seeing the report — all valid households and none of the others (E3).

Holds:
- `ImportErrorCode`, `ImportIssue`, `ImportReport`, `RosterCheck`, `RosterRefused`.
- `roster_check(path, *, actor, ...)`: guards (`core.uploads.check_upload`), read, validate.
- `roster_import(path, *, actor, commit, skip_invalid, ...)`: check, then commit or refuse.
- `report_workbook_write`, `template_workbook_write`: the error report and the blank template.
- The web flow's file handling: `upload_receive`, `upload_validate`, `upload_commit`,
  `commit_start`, `upload_discard`, `upload_path`, `report_path` (files under
  `VAR_DIR/uploads/<job id>/`, removed on commit, discard, or after a day).

Reading: every cell becomes text. A number cell in the ID column (Excel's scientific
notation, or digits lost beyond 15) is turned into Excel's own display, `5.00102E+17`, which
the ID parser refuses with `IdErrorCode.ID_NUMERIC_CELL`; a bank account of 16+ digits read as
a number gets the same treatment (`BANK_NUMERIC_CELL`).
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import json
import logging
import os
import unicodedata
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from python_calamine import CalamineError, CalamineWorkbook

from zhenxing.accounts.scope import scope_of
from zhenxing.audit.events import AuditEventType, Outcome
from zhenxing.audit.services import record
from zhenxing.core.crypto import blind_index
from zhenxing.core.errors import DomainError, ErrorCode
from zhenxing.core.masking import mask_bank_account, mask_id, mask_phone
from zhenxing.core.timeutil import business_today
from zhenxing.core.uploads import (
    ALLOWED_SUFFIXES,
    MAX_BYTES,
    UploadErrorCode,
    check_upload,
    private_dir,
    purge_stale,
    remove_private,
    save_upload,
)
from zhenxing.households import policies
from zhenxing.households.exports import (
    CHOICE_CLASSES,
    CLI_USERNAME,
    FORMULA_STARTS,
    NUMBER_KEYS,
    choice_label,
    neutralise,
    roster_workbook,
    write_header,
)
from zhenxing.households.models import ID_CONTEXT, Household, Member
from zhenxing.households.services import HouseholdDraft, MemberDraft, households_create
from zhenxing.households.validation import (
    BY_KEY,
    COLUMNS,
    FACT_KEYS,
    HOUSEHOLD_KEYS,
    INCOME_KEYS,
    MEMBER_KEYS,
    REQUIRED_FACTS,
    Column,
    RosterErrorCode,
    parse_row,
)
from zhenxing.jobs.models import Job
from zhenxing.jobs.services import job_create, job_fail, job_finish, job_progress
from zhenxing.regions.models import Division

log = logging.getLogger(__name__)

MAX_ROWS = 200_000
HEADER_SCAN_ROWS = 10
LOOKUP_CHUNK = 900  # below SQLite's smallest limit of query parameters (999)
REPORT_PAGE = 200  # errors shown on the page and kept in the job's result
STALE_AFTER = 24 * 3600  # an upload nobody committed or discarded is removed after a day
SOURCE = "花名册导入 roster import"
JOB_CHECK = "roster_check"
JOB_COMMIT = "roster_commit"
Progress = Callable[[int, int, str], None]

_PERSONAL_MASKS: dict[str, Callable[[str], str]] = {
    "id_number": mask_id,
    "phone": mask_phone,
    "bank_account": mask_bank_account,
}
_SHARED_KEYS = HOUSEHOLD_KEYS[1:]  # household columns compared between the rows of a household
_HEAD_KEYS = (*FACT_KEYS, *INCOME_KEYS)
_AMOUNT_KEYS = tuple(k for k in INCOME_KEYS if k != "income_year")
_MEMBER_VALUE_KEYS = tuple(k for k in MEMBER_KEYS if k not in ("name", "id_number", "relation"))
_FAILED = object()  # a household value whose cell did not parse: not compared, already reported


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


# ---------------------------------------------------------------- report


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


def _issue(row: int, key: str, value: str, error: ErrorCode, **params: Any) -> ImportIssue:
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


def _issue_from(error: DomainError, row: int, cells: Mapping[str, str]) -> ImportIssue:
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


# ---------------------------------------------------------------- reading


def _header_key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).strip().rstrip("*").strip()
    return "".join(folded.split()).casefold()


HEADER_LOOKUP: dict[str, str] = {}
for _c in COLUMNS:
    for _name in (_c.zh, _c.en, _c.key):
        HEADER_LOOKUP[_header_key(_name)] = _c.key


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a roster is read and written.

    A 100,000-row import builds a few million small objects that live until it ends; every
    full collection would walk all of them again (a quarter of the run's CPU time, measured
    by benchmarks/bench_import.py). Nothing built here forms reference cycles that need the
    collector, and reference counting still frees everything else at once.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _excel_number(value: float) -> str:
    """How Excel's General format shows a long number: 5.00102E+17."""
    return f"{value:.5E}"


def cell_text(key: str, value: Any) -> str:
    """The text of one cell for column `key`; see the module docstring for number cells."""
    if isinstance(value, str):
        text = value
        if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_STARTS):
            text = text[1:]  # our own export's formula neutralisation
        return text
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        number = float(value)
        if key == "id_number" or (key == "bank_account" and abs(number) >= 1e15):
            return _excel_number(number)
        if number.is_integer() and abs(number) < 2**53:
            return str(int(number))
        return repr(number) if isinstance(value, float) else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta | time):
        return str(value)
    return str(value)


def _row_texts(cells: list[Any], columns: list[tuple[int, str]]) -> dict[str, str]:
    """Cell texts by column key; the common case (a text cell) costs no function call."""
    width = len(cells)
    texts: dict[str, str] = {}
    for i, key in columns:
        value = cells[i] if i < width else ""
        if type(value) is str and not value.startswith("'"):
            texts[key] = value
        else:
            texts[key] = cell_text(key, value)
    return texts


@dataclass
class _Sheet:
    rows: Iterator[tuple[int, list[Any]]]  # (1-based row number, cells)
    total: int  # rows in the sheet (an estimate for csv)
    close: Callable[[], None]


def _open_sheet(path: Path, kind: str) -> _Sheet:
    if kind == "csv":
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030")
        del data
        reader = csv.reader(io.StringIO(text))
        return _Sheet(
            rows=((n, row) for n, row in enumerate(reader, start=1)),
            total=text.count("\n") + 1,
            close=lambda: None,
        )
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
    except CalamineError as exc:
        raise DomainError(ImportErrorCode.UNREADABLE) from exc
    start = sheet.start[0] if sheet.start else 0

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            yield from enumerate(sheet.iter_rows(), start=start + 1)
        except CalamineError as exc:
            raise DomainError(ImportErrorCode.UNREADABLE) from exc

    return _Sheet(rows=rows(), total=sheet.height, close=workbook.close)


@dataclass(slots=True)
class _Row:
    """What the cross-row checks keep of one parsed row (the rest is dropped at once)."""

    row: int
    household_no: str | None
    shared: tuple[Any, ...]
    member: dict[str, Any]
    head_values: dict[str, Any]  # fact and income columns that were filled in
    errors: int

    @property
    def relation(self) -> Any:
        return self.member.get("relation")


def _display(key: str, value: Any) -> str:
    """A parsed value as text for a cross-row issue (masked by `_issue` where personal)."""
    if value is None or value is _FAILED:
        return ""
    if key in CHOICE_CLASSES:
        return choice_label(key, value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


class _Checker:
    """Collects rows and issues; one instance per file."""

    def __init__(self, *, actor: Any, today: date, report: ImportReport) -> None:
        self.actor = actor
        self.today = today
        self.report = report
        self.rows: list[_Row] = []
        self.bad_rows: set[int] = set()
        self.bad_cells: set[tuple[int, str]] = set()

    def add_issue(self, issue: ImportIssue) -> None:
        self.report.issues.append(issue)
        self.bad_rows.add(issue.row)
        if issue.column:
            self.bad_cells.add((issue.row, issue.column))

    # -------------------------------------------------------- header

    def header(self, sheet: _Sheet) -> tuple[int, list[str | None]] | None:
        """The header row and the key of each column; issues for unknown/duplicate columns."""
        for scanned, (row_no, cells) in enumerate(sheet.rows, start=1):
            texts = [cell_text("", c).strip() for c in cells]
            keys = [HEADER_LOOKUP.get(_header_key(t)) if t else None for t in texts]
            if sum(1 for k in keys if k) >= 3:
                self._check_header(row_no, texts, keys)
                return row_no, keys
            if scanned >= HEADER_SCAN_ROWS:
                break
        self.report.fatal = True
        self.add_issue(_issue(1, "", "", ImportErrorCode.NO_HEADER, rows=HEADER_SCAN_ROWS))
        return None

    def _check_header(self, row_no: int, texts: list[str], keys: list[str | None]) -> None:
        seen: set[str] = set()
        for text, key in zip(texts, keys, strict=True):
            if not text:
                continue
            if key is None:
                self.report.warnings.append(
                    _issue(row_no, "", text, ImportErrorCode.UNKNOWN_COLUMN, header=text[:40])
                )
            elif key in seen:
                self.report.fatal = True
                self.add_issue(
                    _issue(row_no, key, "", ImportErrorCode.DUPLICATE_COLUMN, header=text[:40])
                )
            seen.add(key or "")
        missing = [c for c in COLUMNS if c.required and c.key not in seen]
        if missing:
            self.report.fatal = True
            self.add_issue(
                _issue(
                    row_no,
                    "",
                    "",
                    ImportErrorCode.MISSING_COLUMNS,
                    columns_zh="、".join(c.zh for c in missing),
                    columns_en=", ".join(c.en for c in missing),
                )
            )

    # -------------------------------------------------------- rows

    def parse(self, row_no: int, cells: Mapping[str, str]) -> None:
        parsed = parse_row(cells, row_no, self.today)
        for error in parsed.errors:
            self.add_issue(_issue_from(error, row_no, cells))
        values = parsed.values
        failed = {e.field for e in parsed.errors}
        member = {k: values.get(k) for k in MEMBER_KEYS}
        member["sex"] = values.get("sex")
        member["birth_date"] = values.get("birth_date")
        self.rows.append(
            _Row(
                row=row_no,
                household_no=values.get("household_no"),
                shared=tuple(_FAILED if k in failed else values.get(k) for k in _SHARED_KEYS),
                member=member,
                head_values={k: values[k] for k in _HEAD_KEYS if values.get(k) is not None},
                errors=len(parsed.errors),
            )
        )

    # -------------------------------------------------------- across rows and the registry

    def _registry_ids(self, indexes: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(indexes), LOOKUP_CHUNK):
            chunk = indexes[start : start + LOOKUP_CHUNK]
            found.update(
                Member.objects.filter(id_index__in=chunk).values_list("id_index", flat=True)
            )
        return found

    def _registry_households(self, numbers: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(numbers), LOOKUP_CHUNK):
            chunk = numbers[start : start + LOOKUP_CHUNK]
            found.update(
                Household.objects.filter(household_no__in=chunk).values_list(
                    "household_no", flat=True
                )
            )
        return found

    def _groups(self, codes: set[str]) -> tuple[set[str], set[str]]:
        """(current group codes, those inside the actor's scope)."""
        current = Division.objects.filter(code__in=codes, level="group", valid_to__isnull=True)
        existing = set(current.values_list("code", flat=True))
        if self.actor is None:
            return existing, existing
        in_scope = set(
            current.filter(scope_of(self.actor).region_q()).values_list("code", flat=True)
        )
        return existing, in_scope

    def cross_checks(self) -> dict[str, list[_Row]]:
        """Duplicate IDs, registry duplicates, groups, household agreement and heads."""
        first_id_row: dict[str, int] = {}
        index_of: dict[int, str] = {}
        for r in self.rows:
            number = r.member.get("id_number")
            if not number:
                continue
            if number in first_id_row:
                r.errors += 1
                self.add_issue(
                    _issue(
                        r.row,
                        "id_number",
                        number,
                        RosterErrorCode.DUPLICATE_ID_IN_FILE,
                        first_row=first_id_row[number],
                    )
                )
                continue
            first_id_row[number] = r.row
            index_of[r.row] = blind_index(number, context=ID_CONTEXT)
        registered = self._registry_ids(list(index_of.values()))
        for r in self.rows:
            index = index_of.get(r.row)
            if index is not None and index in registered:
                r.errors += 1
                self.add_issue(
                    _issue(
                        r.row,
                        "id_number",
                        r.member["id_number"],
                        RosterErrorCode.DUPLICATE_ID_IN_REGISTRY,
                    )
                )
        del first_id_row, index_of, registered

        households: dict[str, list[_Row]] = {}
        for r in self.rows:
            key = r.household_no if r.household_no else f"\x00row{r.row}"
            households.setdefault(key, []).append(r)
        self.report.households = len(households)

        existing_numbers = self._registry_households(
            [k for k in households if not k.startswith("\x00")]
        )
        group_index = _SHARED_KEYS.index("group_code")
        codes = {
            r.shared[group_index]
            for r in self.rows
            if isinstance(r.shared[group_index], str) and r.shared[group_index]
        }
        groups, groups_in_scope = self._groups(codes)

        for number, members in households.items():
            first = members[0]
            if number in existing_numbers:
                first.errors += 1
                self.add_issue(
                    _issue(first.row, "household_no", number, RosterErrorCode.HOUSEHOLD_EXISTS)
                )
            group = first.shared[group_index]
            if isinstance(group, str) and group:
                error = (
                    RosterErrorCode.GROUP_UNKNOWN
                    if group not in groups
                    else RosterErrorCode.GROUP_OUT_OF_SCOPE
                    if group not in groups_in_scope
                    else None
                )
                if error is not None:
                    first.errors += 1
                    self.add_issue(_issue(first.row, "group_code", group, error))
            self._household_rules(members)
        return households

    def _household_rules(self, members: list[_Row]) -> None:
        first = members[0]
        for r in members[1:]:
            for position, key in enumerate(_SHARED_KEYS):
                mine, theirs = r.shared[position], first.shared[position]
                if mine is _FAILED or theirs is _FAILED or mine == theirs:
                    continue
                r.errors += 1
                self.add_issue(
                    _issue(
                        r.row,
                        key,
                        _display(key, mine),
                        RosterErrorCode.HOUSEHOLD_MISMATCH,
                        column=key,
                        first_row=first.row,
                    )
                )
        heads = [r for r in members if r.relation == "head"]
        unparsed_relation = any(r.relation is None for r in members)
        if not heads:
            if not unparsed_relation:
                first.errors += 1
                self.add_issue(_issue(first.row, "relation", "", RosterErrorCode.NO_HEAD))
            return
        head = heads[0]
        for extra in heads[1:]:
            extra.errors += 1
            self.add_issue(
                _issue(extra.row, "relation", "户主", RosterErrorCode.TWO_HEADS, first_row=head.row)
            )
        for key in REQUIRED_FACTS:
            if head.head_values.get(key) is None and not self._has_issue(head.row, key):
                head.errors += 1
                self.add_issue(
                    _issue(head.row, key, "", RosterErrorCode.HEAD_FACTS_REQUIRED, column=key)
                )
        has_amount = any(head.head_values.get(k) is not None for k in _AMOUNT_KEYS)
        no_year = head.head_values.get("income_year") is None
        if has_amount and no_year and not self._has_issue(head.row, "income_year"):
            head.errors += 1
            self.add_issue(
                _issue(head.row, "income_year", "", RosterErrorCode.INCOME_YEAR_REQUIRED)
            )
        for r in members:
            if r is head:
                continue
            for key, value in r.head_values.items():
                if head.head_values.get(key) != value:
                    r.errors += 1
                    self.add_issue(
                        _issue(
                            r.row,
                            key,
                            _display(key, value),
                            ImportErrorCode.NOT_ON_HEAD_ROW,
                            column=key,
                            head_row=head.row,
                        )
                    )

    def _has_issue(self, row: int, key: str) -> bool:
        return (row, key) in self.bad_cells


def _draft(members: list[_Row]) -> HouseholdDraft:
    head = next(r for r in members if r.relation == "head")
    shared = dict(zip(_SHARED_KEYS, head.shared, strict=True))
    income_year = head.head_values.get("income_year")
    return HouseholdDraft(
        household_no=str(head.household_no),
        group_code=shared["group_code"],
        category=shared["category"],
        exit_year=shared["exit_year"],
        address=shared["address"] or "",
        phone=shared["phone"],
        bank_account=shared["bank_account"],
        members=[
            MemberDraft(
                name=r.member["name"],
                id_number=r.member["id_number"],
                sex=r.member["sex"],
                birth_date=r.member["birth_date"],
                relation=r.member["relation"],
                values={k: r.member.get(k) for k in _MEMBER_VALUE_KEYS},
            )
            for r in members
        ],
        facts={k: head.head_values.get(k) for k in FACT_KEYS},
        income_year=income_year,
        incomes={k: head.head_values[k] for k in _AMOUNT_KEYS if k in head.head_values},
    )


def _digest(drafts: Sequence[HouseholdDraft]) -> str:
    text = "\n".join(f"{d.household_no}:{len(d.members)}" for d in drafts)
    return hashlib.sha256(text.encode()).hexdigest()


def roster_check(
    path: Path,
    *,
    actor: Any,
    name: str | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> RosterCheck:
    """Guard, read and validate a roster file; write nothing.

    Raises `DomainError` (`UploadErrorCode`) for a file refused before parsing; every other
    problem is an issue in the report.
    """
    with gc_paused():
        return _roster_check(path, actor=actor, name=name, today=today, progress=progress)


def _roster_check(
    path: Path,
    *,
    actor: Any,
    name: str | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> RosterCheck:
    file_name = name if name is not None else path.name
    kind = check_upload(path, name=file_name)
    report = ImportReport(file_name=file_name)
    checker = _Checker(actor=actor, today=today or business_today(), report=report)
    sheet = _open_sheet(path, kind)
    try:
        found = checker.header(sheet)
        if found is None:
            return RosterCheck(report=report, drafts=[])
        header_row, keys = found
        if sheet.total - header_row > MAX_ROWS:
            report.fatal = True
            checker.add_issue(
                _issue(
                    header_row,
                    "",
                    "",
                    ImportErrorCode.TOO_MANY_ROWS,
                    rows=sheet.total - header_row,
                    limit=MAX_ROWS,
                )
            )
        if report.fatal:
            return RosterCheck(report=report, drafts=[])
        columns = [(i, k) for i, k in enumerate(keys) if k]
        total = max(sheet.total - header_row, 1)
        for row_no, cells in sheet.rows:
            texts = _row_texts(cells, columns)
            if not any(texts.values()) or not any(t.strip() for t in texts.values()):
                continue  # a blank row
            report.rows += 1
            if report.rows > MAX_ROWS:
                report.fatal = True
                checker.add_issue(
                    _issue(
                        row_no,
                        "",
                        "",
                        ImportErrorCode.TOO_MANY_ROWS,
                        rows=report.rows,
                        limit=MAX_ROWS,
                    )
                )
                return RosterCheck(report=report, drafts=[])
            checker.parse(row_no, texts)
            if progress is not None and report.rows % 2000 == 0:
                progress(report.rows, total, "读取并检查行 reading rows")
    finally:
        sheet.close()
    if report.rows == 0:
        report.fatal = True
        checker.add_issue(_issue(header_row, "", "", ImportErrorCode.NO_ROWS))
        return RosterCheck(report=report, drafts=[])
    if progress is not None:
        progress(report.rows, report.rows, "与登记库比对 checking against the registry")
    households = checker.cross_checks()

    drafts: list[HouseholdDraft] = []
    for members in households.values():
        bad = [r.row for r in members if r.errors]
        if bad:
            listed = "、".join(str(n) for n in bad[:10]) + ("…" if len(bad) > 10 else "")
            for r in members:
                if not r.errors:
                    checker.add_issue(
                        _issue(
                            r.row,
                            "household_no",
                            r.household_no or "",
                            ImportErrorCode.HOUSEHOLD_INVALID,
                            rows=listed,
                        )
                    )
            continue
        drafts.append(_draft(members))
    checker.rows.clear()
    report.issues.sort(key=lambda i: i.row)
    report.households_valid = len(drafts)
    report.members_valid = sum(len(d.members) for d in drafts)
    report.rows_invalid = len(checker.bad_rows)
    report.valid_digest = _digest(drafts)
    return RosterCheck(report=report, drafts=drafts)


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
    check = _roster_check(path, actor=actor, name=name, today=today, progress=progress)
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


# ---------------------------------------------------------------- workbooks


REPORT_HEADERS = (
    ("行号", "Row"),
    ("列", "Column"),
    ("Column", ""),
    ("值（已脱敏）", "Value (masked)"),
    ("原因", "Reason (zh)"),
    ("Reason", ""),
    ("代码", "Code"),
)


def report_workbook_write(report: ImportReport, target: Path | IO[bytes]) -> None:
    """The full error report as xlsx (constant memory; every value written as text)."""
    workbook = roster_workbook(target)
    sheet = workbook.add_worksheet("错误 Errors")
    bold = workbook.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    for col, width in enumerate((8, 16, 22, 22, 50, 60, 26)):
        sheet.set_column(col, col, width)
    for col, (zh, en) in enumerate(REPORT_HEADERS):
        sheet.write_string(0, col, f"{zh} {en}".strip(), bold)
    sheet.freeze_panes(1, 0)
    for row, issue in enumerate([*report.warnings, *report.issues], start=1):
        sheet.write_number(row, 0, issue.row)
        for col, text in enumerate(
            (
                issue.header_zh,
                issue.header_en,
                issue.value,
                issue.message_zh,
                issue.message_en,
                issue.code,
            ),
            start=1,
        ):
            if text:
                sheet.write_string(row, col, neutralise(text))
    summary = workbook.add_worksheet("汇总 Summary")
    summary.set_column(0, 0, 36)
    summary.set_column(1, 1, 40)
    lines: list[tuple[str, str | int]] = [
        ("文件 File", report.file_name),
        ("数据行 Rows", report.rows),
        ("有错误的行 Rows with errors", report.rows_invalid),
        ("户数 Households", report.households),
        ("可导入的户 Valid households", report.households_valid),
        ("不能导入的户 Invalid households", report.households_invalid),
        ("可导入的人 Valid members", report.members_valid),
    ]
    for n, (label, value) in enumerate(lines):
        summary.write_string(n, 0, label, bold)
        if isinstance(value, int):
            summary.write_number(n, 1, value)
        else:
            summary.write_string(n, 1, neutralise(value))
    workbook.close()


# Allowed values and notes of each column, for the template's notes sheet.
COLUMN_NOTES: dict[str, tuple[str, str]] = {
    "household_no": (
        "字母、数字或“-”，最多 24 位；同户各行相同",
        "Letters, digits or '-', up to 24; the same on every row of a household",
    ),
    "group_code": ("15 位村民小组代码（现行区划）", "15-digit code of a current village group"),
    "exit_year": (
        "脱贫户填 2014–2020；一般农户不填",
        "2014-2020 for exited households; blank for general households",
    ),
    "address": ("最多 200 字", "Up to 200 characters"),
    "phone": (
        "手机 11 位，或带区号的固定电话如 023-72221234",
        "Mobile (11 digits) or a landline with area code, e.g. 023-72221234",
    ),
    "bank_account": ("12–19 位数字；请设为文本格式", "12-19 digits; keep the column as Text"),
    "name": ("不含数字", "No digits"),
    "id_number": (
        "18 位身份证号；请设为文本格式，否则 Excel 会改成科学计数法",
        "18-character ID number; keep the column as Text or Excel turns it into "
        "scientific notation",
    ),
    "disability_grade": ("1–4；仅健康状况为残疾时填写", "1-4; only for a disabled person"),
    "work_months": ("0–12", "0-12"),
    "school_status": ("6–15 周岁儿童必填", "Required for children aged 6-15"),
    "house_assessed_on": ("YYYY-MM-DD", "YYYY-MM-DD"),
    "water_litres": ("0–1000，户主行必填", "0-1000; required on the head's row"),
    "house_grade": ("户主行必填", "Required on the head's row"),
    "water_trip_minutes": ("0–600", "0-600"),
    "water_horizontal_m": ("0–50000", "0-50000"),
    "water_vertical_m": ("0–5000", "0-5000"),
    "water_outage_days": ("0–366", "0-366"),
    "income_year": (
        "2014–2100；填写收入或支出时必填",
        "2014-2100; required when incomes or spending are given",
    ),
}
_MONEY_NOTE = (
    "元，≥ 0，最多两位小数；只填在户主行",
    "Yuan, ≥ 0, at most two decimals; on the head's row only",
)
_FACT_NOTE = ("只填在户主行", "On the head's row only")
_YES_NO = ("是 / 否", "是 (yes) / 否 (no)")


_BOOL_KEYS = frozenset(
    {
        "medical_insurance",
        "critical_illness_insurance",
        "family_doctor",
        "dibao",
        "tekun",
        "food_secure",
        "clothing_secure",
        "water_scarce_area",
        "water_piped",
    }
)


def column_note(column: Column) -> tuple[str, str, str, str]:
    """(allowed values zh, allowed values en, note zh, note en) of a template column."""
    allowed_zh = allowed_en = ""
    if column.key in CHOICE_CLASSES:
        members = [m for m in CHOICE_CLASSES[column.key] if m.value]
        allowed_zh = "、".join(str(m.label).split(" ")[0] for m in members)
        allowed_en = ", ".join(" ".join(str(m.label).split(" ")[1:]) for m in members)
    elif column.key in _BOOL_KEYS:
        allowed_zh, allowed_en = _YES_NO
    note_zh, note_en = COLUMN_NOTES.get(column.key, ("", ""))
    if column.key in INCOME_KEYS and column.key != "income_year":
        note_zh, note_en = _MONEY_NOTE
    elif column.key in FACT_KEYS and not note_zh:
        note_zh, note_en = _FACT_NOTE
    return allowed_zh, allowed_en, note_zh, note_en


def template_workbook_write(target: Path | IO[bytes]) -> None:
    """The blank roster template: one header row of Chinese column names (the import also
    reads English ones), text-formatted number columns, drop-down lists for the choices,
    and a "说明 Notes" sheet that lists every column."""
    workbook = roster_workbook(target)
    sheet = workbook.add_worksheet("花名册")
    notes = workbook.add_worksheet("说明 Notes")
    write_header(workbook, sheet)
    for col, column in enumerate(COLUMNS):
        allowed_zh, _allowed_en, _n_zh, _n_en = column_note(column)
        if allowed_zh and len(allowed_zh) < 250:
            sheet.data_validation(
                1,
                col,
                20000,
                col,
                {
                    "validate": "list",
                    "source": allowed_zh.replace(" / ", "、").split("、"),
                    "error_type": "warning",
                },
            )
        elif column.key in NUMBER_KEYS:
            sheet.data_validation(
                1,
                col,
                20000,
                col,
                {"validate": "integer", "criteria": ">=", "value": 0, "error_type": "warning"},
            )
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    heads = ("列名", "Column", "必填 Required", "可填的值", "Allowed values", "说明", "Notes")
    for col, (text, width) in enumerate(zip(heads, (20, 28, 12, 40, 48, 40, 48), strict=True)):
        notes.set_column(col, col, width, wrap)
        notes.write_string(0, col, text, bold)
    for row, column in enumerate(COLUMNS, start=1):
        allowed_zh, allowed_en, note_zh, note_en = column_note(column)
        required = (
            "是 Yes"
            if column.required
            else ("户主行 Head row" if column.key in REQUIRED_FACTS else "")
        )
        for col, text in enumerate(
            (column.zh, column.en, required, allowed_zh, allowed_en, note_zh, note_en)
        ):
            if text:
                notes.write_string(row, col, text)
    extra = len(COLUMNS) + 2
    for n, (zh, en) in enumerate(
        (
            (
                "每行一人；同户各行的户信息（户编号至银行账号）相同。",
                "One row per person; the household columns (household number to bank account) "
                "repeat on each row of a household.",
            ),
            (
                "两不愁三保障、饮水、收入和支出各列只填在户主行。",
                "Basic-needs, water, income and spending columns go on the head's row only.",
            ),
            (
                "身份证号、银行账号列已设为文本格式，请勿改为数字或常规格式。",
                "The ID and bank account columns are formatted as Text; do not change them to "
                "Number or General.",
            ),
            (
                "导入前会检查每一行；有错误时可下载错误报告，修正后重新导入。",
                "Every row is checked before anything is imported; download the error report, "
                "fix the rows and import again.",
            ),
        ),
        start=extra,
    ):
        notes.write_string(n, 0, zh)
        notes.write_string(n, 3, en)
    workbook.close()


# ---------------------------------------------------------------- the web flow's files


def upload_path(job_id: uuid.UUID | str) -> Path | None:
    """The uploaded roster of a check job, or None when it is gone."""
    folder = private_dir(job_id)
    for suffix in ALLOWED_SUFFIXES:
        path = folder / f"roster{suffix}"
        if path.exists():
            return path
    return None


def report_path(job_id: uuid.UUID | str) -> Path:
    return private_dir(job_id) / "report.xlsx"


def _meta(job_id: uuid.UUID | str) -> dict[str, Any]:
    path = private_dir(job_id) / "meta.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _safe_name(name: str) -> str:
    base = Path(unicodedata.normalize("NFKC", name or "")).name
    cleaned = "".join(c for c in base if c.isprintable() and c not in '\\/:*?"<>|')
    return cleaned[:120] or "roster"


def upload_receive(*, actor: Any, upload: UploadedFile) -> Job:
    """Keep an uploaded roster privately and start its check job (the caller enqueues it).

    The file passes every guard before a job exists; a refused file is deleted at once and
    the `DomainError` raised. The file lives under `VAR_DIR/uploads/<job id>/` only until it
    is committed or discarded (or for a day if abandoned).
    """
    if not policies.can_import_roster(actor):
        raise PermissionDenied("roster_import")
    purge_stale(STALE_AFTER, on_remove=_forget)
    name = _safe_name(upload.name or "")
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise DomainError(UploadErrorCode.BAD_EXTENSION, suffix=suffix[:10] or "-")
    staging = private_dir(uuid.uuid4())
    path = staging / f"roster{suffix}"
    try:
        save_upload(upload.chunks(), path, max_bytes=MAX_BYTES)
        check_upload(path, name=name)
        job = job_create(actor=actor, kind=JOB_CHECK)
        meta = {"file_name": name, "user_id": actor.pk}
        (staging / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
        os.replace(staging, private_dir(job.id))
    except BaseException:
        remove_private(staging)
        raise
    return job


def _job_progress(job_id: uuid.UUID) -> Progress:
    def report(done: int, total: int, message: str) -> None:
        job_progress(job_id, done=done, total=total, message=message)

    return report


def upload_validate(job_id: uuid.UUID | str) -> None:
    """The check job: validate the uploaded file, keep the full report as xlsx beside it."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    path = upload_path(job.pk)
    meta = _meta(job.pk)
    try:
        if path is None:
            raise DomainError(ImportErrorCode.GONE)
        check = roster_check(
            path,
            actor=job.created_by,
            name=meta.get("file_name"),
            progress=_job_progress(job.pk),
        )
        report = check.report
        del check
        if report.issues or report.warnings:
            report_workbook_write(report, report_path(job.pk))
        job_finish(job.pk, result={"stage": "checked", **report.summary()})
    except DomainError as exc:
        remove_private(private_dir(job.pk))  # nothing can be imported from it (D5)
        job_finish(job.pk, result={"stage": "refused", "error": exc.as_dict()})
    except Exception:
        log.exception("roster check %s failed", job.pk)
        remove_private(private_dir(job.pk))
        job_fail(job.pk, message="检查失败（内部错误）/ the check failed (internal error)")


def commit_start(*, actor: Any, check_job: Job, skip_invalid: bool) -> Job:
    """Claim a checked upload for one commit and create its job (the caller enqueues it).

    Refused when the check found errors and the user did not choose "valid households only",
    when nothing is valid, when the file is gone, or when a commit of it already started (a
    second click or tab gets `BUSY`, atomically, through an exclusive claim file).
    """
    if not policies.can_import_roster(actor):
        raise PermissionDenied("roster_import")
    result = check_job.result or {}
    if check_job.kind != JOB_CHECK or result.get("stage") != "checked":
        raise DomainError(ImportErrorCode.GONE)
    if result.get("fatal") or (not result.get("ok") and not skip_invalid):
        raise DomainError(ImportErrorCode.REFUSED, rows=max(result.get("rows_invalid", 0), 1))
    if not result.get("households_valid"):
        raise DomainError(ImportErrorCode.NOTHING_VALID)
    if upload_path(check_job.pk) is None:
        raise DomainError(ImportErrorCode.GONE)
    try:
        fd = os.open(private_dir(check_job.pk) / "claim", os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    except FileExistsError as exc:
        raise DomainError(ImportErrorCode.BUSY) from exc
    os.close(fd)
    return job_create(actor=actor, kind=JOB_COMMIT)


def upload_commit(
    job_id: uuid.UUID | str, check_job_id: uuid.UUID | str, skip_invalid: bool
) -> None:
    """The commit job: re-check the file (the registry may have changed) and commit it.

    The upload is deleted afterwards whatever the outcome (D5): a refused file is fixed and
    uploaded again.
    """
    job = Job.objects.select_related("created_by").get(pk=job_id)
    check_job = Job.objects.filter(pk=check_job_id, created_by_id=job.created_by_id).first()
    if check_job is None:  # not this user's upload: the view never lets this happen
        job_fail(job.pk, message="找不到上传的文件 / upload not found")
        return
    path = upload_path(check_job.pk)
    meta = _meta(check_job.pk)
    base = {"stage": "refused", "check_job": str(check_job.pk), "skip_invalid": skip_invalid}
    try:
        if path is None:
            raise DomainError(ImportErrorCode.GONE)
        result = roster_import(
            path,
            actor=job.created_by,
            commit=True,
            skip_invalid=skip_invalid,
            name=meta.get("file_name"),
            expected_digest=check_job.result.get("valid_digest") if skip_invalid else None,
            progress=_job_progress(job.pk),
        )
        job_finish(
            job.pk,
            result={
                **base,
                "stage": "committed",
                "households": result.households,
                "members": result.members,
                "file_name": meta.get("file_name", ""),
            },
        )
    except RosterRefused as exc:
        # Counts and the reason only: the user saw the rows at the check; a new check of a
        # fixed file shows them again, and no cell value is kept in the job (D5).
        summary = exc.report.summary(limit=0)
        kept = {k: summary[k] for k in _SUMMARY_KEYS if k in summary}
        job_finish(job.pk, result={**base, "error": exc.error.as_dict(), **kept})
    except DomainError as exc:
        job_finish(job.pk, result={**base, "error": exc.as_dict()})
    except Exception:
        log.exception("roster commit %s failed", job.pk)
        job_fail(job.pk, message="导入失败，未写入任何数据 / import failed, nothing written")
    finally:
        remove_private(private_dir(check_job.pk))
        _forget(str(check_job.pk))


def upload_discard(check_job: Job) -> None:
    """Delete an upload and its report (D5), and what its job kept of the report."""
    remove_private(private_dir(check_job.pk))
    _forget(str(check_job.pk))


_SUMMARY_KEYS = (
    "file_name",
    "rows",
    "households",
    "households_valid",
    "households_invalid",
    "members_valid",
    "rows_invalid",
    "issue_count",
)


def _forget(job_id: str) -> None:
    """Once an upload is gone, its check job keeps counts only: the issues quote cell values
    (names, addresses, masked numbers) that must not outlive the file (D5)."""
    try:
        key = uuid.UUID(job_id)
    except ValueError:
        return
    job = Job.objects.filter(pk=key, kind=JOB_CHECK).first()
    if job is None:
        return
    result = job.result or {}
    kept = {k: result[k] for k in _SUMMARY_KEYS if k in result}
    job_finish(job.pk, result={**kept, "stage": "closed"})


__all__ = [
    "MAX_ROWS",
    "ImportErrorCode",
    "ImportIssue",
    "ImportReport",
    "RosterRefused",
    "roster_check",
    "roster_import",
]
