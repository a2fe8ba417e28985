"""Checking a roster: every row parsed, then the rows checked against each other and against
the registry; the result is a report plus the drafts of the households that passed.

One roster row is one member; household columns repeat on each member row; facts and income
columns are on the head's row (`columns.py`). `roster_check` writes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from zhenxing.core.crypto import blind_index
from zhenxing.core.scope import scope_of
from zhenxing.core.timeutil import business_today
from zhenxing.core.uploads import check_upload
from zhenxing.households.columns import (
    CHOICE_CLASSES,
    COLUMNS,
    FACT_KEYS,
    HOUSEHOLD_KEYS,
    INCOME_KEYS,
    MEMBER_KEYS,
    REQUIRED_FACTS,
    choice_label,
)
from zhenxing.households.errors import RosterErrorCode
from zhenxing.households.imports.reading import (
    HEADER_LOOKUP,
    Sheet,
    cell_text,
    gc_paused,
    header_key,
    open_sheet,
    row_texts,
)
from zhenxing.households.imports.report import (
    ImportErrorCode,
    ImportIssue,
    ImportReport,
    Progress,
    RosterCheck,
    issue_for,
    issue_from,
)
from zhenxing.households.models import ID_CONTEXT, Household, Member
from zhenxing.households.services import HouseholdDraft, MemberDraft
from zhenxing.households.validation import parse_row
from zhenxing.regions.models import Division

MAX_ROWS = 200_000
HEADER_SCAN_ROWS = 10
LOOKUP_CHUNK = 900  # below SQLite's smallest limit of query parameters (999)

_SHARED_KEYS = HOUSEHOLD_KEYS[1:]  # household columns compared between the rows of a household
_HEAD_KEYS = (*FACT_KEYS, *INCOME_KEYS)
_AMOUNT_KEYS = tuple(k for k in INCOME_KEYS if k != "income_year")
_MEMBER_VALUE_KEYS = tuple(k for k in MEMBER_KEYS if k not in ("name", "id_number", "relation"))
_FAILED = object()  # a household value whose cell did not parse: not compared, already reported


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

    def header(self, sheet: Sheet) -> tuple[int, list[str | None]] | None:
        """The header row and the key of each column; issues for unknown/duplicate columns."""
        for scanned, (row_no, cells) in enumerate(sheet.rows, start=1):
            texts = [cell_text("", c).strip() for c in cells]
            keys = [HEADER_LOOKUP.get(header_key(t)) if t else None for t in texts]
            if sum(1 for k in keys if k) >= 3:
                self._check_header(row_no, texts, keys)
                return row_no, keys
            if scanned >= HEADER_SCAN_ROWS:
                break
        self.report.fatal = True
        self.add_issue(issue_for(1, "", "", ImportErrorCode.NO_HEADER, rows=HEADER_SCAN_ROWS))
        return None

    def _check_header(self, row_no: int, texts: list[str], keys: list[str | None]) -> None:
        seen: set[str] = set()
        for text, key in zip(texts, keys, strict=True):
            if not text:
                continue
            if key is None:
                self.report.warnings.append(
                    issue_for(row_no, "", text, ImportErrorCode.UNKNOWN_COLUMN, header=text[:40])
                )
            elif key in seen:
                self.report.fatal = True
                self.add_issue(
                    issue_for(row_no, key, "", ImportErrorCode.DUPLICATE_COLUMN, header=text[:40])
                )
            seen.add(key or "")
        missing = [c for c in COLUMNS if c.required and c.key not in seen]
        if missing:
            self.report.fatal = True
            self.add_issue(
                issue_for(
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
            self.add_issue(issue_from(error, row_no, cells))
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
                    issue_for(
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
                    issue_for(
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
                    issue_for(first.row, "household_no", number, RosterErrorCode.HOUSEHOLD_EXISTS)
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
                    self.add_issue(issue_for(first.row, "group_code", group, error))
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
                    issue_for(
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
                self.add_issue(issue_for(first.row, "relation", "", RosterErrorCode.NO_HEAD))
            return
        head = heads[0]
        for extra in heads[1:]:
            extra.errors += 1
            self.add_issue(
                issue_for(
                    extra.row, "relation", "户主", RosterErrorCode.TWO_HEADS, first_row=head.row
                )
            )
        for key in REQUIRED_FACTS:
            if head.head_values.get(key) is None and not self._has_issue(head.row, key):
                head.errors += 1
                self.add_issue(
                    issue_for(head.row, key, "", RosterErrorCode.HEAD_FACTS_REQUIRED, column=key)
                )
        has_amount = any(head.head_values.get(k) is not None for k in _AMOUNT_KEYS)
        no_year = head.head_values.get("income_year") is None
        if has_amount and no_year and not self._has_issue(head.row, "income_year"):
            head.errors += 1
            self.add_issue(
                issue_for(head.row, "income_year", "", RosterErrorCode.INCOME_YEAR_REQUIRED)
            )
        for r in members:
            if r is head:
                continue
            for key, value in r.head_values.items():
                if head.head_values.get(key) != value:
                    r.errors += 1
                    self.add_issue(
                        issue_for(
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
        return run_check(path, actor=actor, name=name, today=today, progress=progress)


def run_check(
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
    sheet = open_sheet(path, kind)
    try:
        found = checker.header(sheet)
        if found is None:
            return RosterCheck(report=report, drafts=[])
        header_row, keys = found
        if sheet.total - header_row > MAX_ROWS:
            report.fatal = True
            checker.add_issue(
                issue_for(
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
            texts = row_texts(cells, columns)
            if not any(texts.values()) or not any(t.strip() for t in texts.values()):
                continue  # a blank row
            report.rows += 1
            if report.rows > MAX_ROWS:
                report.fatal = True
                checker.add_issue(
                    issue_for(
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
        checker.add_issue(issue_for(header_row, "", "", ImportErrorCode.NO_ROWS))
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
                        issue_for(
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
