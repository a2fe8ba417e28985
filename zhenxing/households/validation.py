"""Validation of registry values as users type them: one roster row, or one edited record,
parsed column by column with the rules between fields. The roster import and the edit forms both
validate through here, so a value refused on the page is refused in a file for the same reason,
in the same words.

Holds:
- `parse_cell(column, raw)`: one cell → typed value, or `DomainError` naming the field; a
  free-text cell that starts like a formula is refused (security.md E4).
- `parse_row(cells, row_no, today)` → `ParsedRow` with every error of the row (not just the
  first), and `member_rules(...)`: rules across the fields of one member.
- Re-exported for the callers that read them here: the columns (`columns.py`), the error codes
  (`errors.py`) and `parse_money` (`parsers.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from zhenxing.core.errors import DomainError
from zhenxing.core.idnumbers import IdErrorCode, validate_id
from zhenxing.households import choices as C
from zhenxing.households.columns import (
    BY_KEY,
    COLUMNS,
    FACT_DEFAULTS,
    FACT_KEYS,
    HOUSEHOLD_KEYS,
    INCOME_KEYS,
    MEMBER_DEFAULTS,
    MEMBER_KEYS,
    REQUIRED_FACTS,
    Column,
)
from zhenxing.households.domain import compulsory_school_age
from zhenxing.households.errors import RosterErrorCode
from zhenxing.households.parsers import MAX_AMOUNT, formula_like, parse_money


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[DomainError] = field(default_factory=list)
    raw: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_cell(column: Column, raw: str) -> Any:
    """Typed value of one cell; blank → None (or `DomainError` when required)."""
    text = raw.strip() if isinstance(raw, str) else str(raw)
    if not text:
        if column.required:
            raise DomainError(RosterErrorCode.REQUIRED, field=column.key)
        return None
    if column.free_text and formula_like(raw if isinstance(raw, str) else text):
        raise DomainError(
            RosterErrorCode.FORMULA_LIKE,
            field=column.key,
            column_zh=column.zh,
            column_en=column.en,
        )
    try:
        return column.parse(text)
    except DomainError as exc:
        exc.field = column.key
        raise


def member_rules(values: Mapping[str, Any], today: date) -> list[DomainError]:
    """Rules across the fields of one member row (all reported, not only the first)."""
    errors: list[DomainError] = []
    category, exit_year = values.get("category"), values.get("exit_year")
    if category == C.Category.EXITED and exit_year is None:
        errors.append(DomainError(RosterErrorCode.EXIT_YEAR_REQUIRED, field="exit_year"))
    if category == C.Category.GENERAL and exit_year is not None:
        errors.append(DomainError(RosterErrorCode.EXIT_YEAR_FORBIDDEN, field="exit_year"))
    birth = values.get("birth_date")
    if (
        birth is not None
        and compulsory_school_age(birth, today)
        and not values.get("school_status")
    ):
        errors.append(DomainError(RosterErrorCode.SCHOOL_STATUS_REQUIRED, field="school_status"))
    health, grade = values.get("health"), values.get("disability_grade")
    if health == C.Health.DISABLED and grade is None:
        errors.append(
            DomainError(RosterErrorCode.DISABILITY_GRADE_REQUIRED, field="disability_grade")
        )
    if health and health != C.Health.DISABLED and grade is not None:
        errors.append(
            DomainError(RosterErrorCode.DISABILITY_GRADE_FORBIDDEN, field="disability_grade")
        )
    return errors


def parse_row(cells: Mapping[str, str], row_no: int, today: date) -> ParsedRow:
    """Parse every column of one roster row and apply the member rules; collect all errors."""
    parsed = ParsedRow(row=row_no, raw={k: str(v) for k, v in cells.items()})
    for column in COLUMNS:
        try:
            parsed.values[column.key] = parse_cell(column, cells.get(column.key, "") or "")
        except DomainError as exc:
            exc.row = row_no
            parsed.errors.append(exc)
            parsed.values[column.key] = None
    number = parsed.values.get("id_number")
    if number:
        try:
            identity = validate_id(number, today=today, field="id_number")
            parsed.values["id_number"] = identity.number
            parsed.values["sex"] = identity.sex
            parsed.values["birth_date"] = identity.birth_date
        except DomainError as exc:
            exc.row = row_no
            parsed.errors.append(exc)
            parsed.values["id_number"] = None
    for error in member_rules(parsed.values, today):
        error.row = row_no
        parsed.errors.append(error)
    return parsed


__all__ = [
    "BY_KEY",
    "COLUMNS",
    "FACT_DEFAULTS",
    "FACT_KEYS",
    "HOUSEHOLD_KEYS",
    "INCOME_KEYS",
    "MAX_AMOUNT",
    "MEMBER_DEFAULTS",
    "MEMBER_KEYS",
    "REQUIRED_FACTS",
    "Column",
    "IdErrorCode",
    "ParsedRow",
    "RosterErrorCode",
    "member_rules",
    "parse_cell",
    "parse_money",
    "parse_row",
]
