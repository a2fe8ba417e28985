"""Registry export: the roster layout (one row per member, the template's columns), masked
by default, as xlsx.

Holds:
- `neutralise(text)`: the text of a cell a spreadsheet cannot take for a formula (E4).
- `roster_workbook(target)`: an XlsxWriter workbook set up never to turn text into formulas,
  URLs or numbers, in constant-memory mode.
- `roster_export(*, actor, target, region_code, unmask, reason)`: writes the export and
  records one EXPORT audit row; returns the counts.
- `ExportErrorCode`.

Masking (security.md D2): ID numbers, phones and bank accounts are decrypted only to be masked
(`core.masking`), unless the actor may unmask (`policies.can_unmask`) and gives a reason, which
the audit row keeps. `actor=None` is the operator at the command line: the whole registry,
always masked.

Formula injection (E4): every value from the registry is written with `write_string`, so the
file holds no formula cell from user data; a value that starts with `=`, `+`, `-`, `@`, tab
or CR additionally gets a leading apostrophe, so it stays inert when the sheet is saved as csv
or pasted elsewhere. The roster import drops that apostrophe again and then refuses the text
under it (`validation.parse_cell`), so no formula-like name is taken back in.

The columns (names, key groups, which are text, numbers or money) are `households/columns.py`,
shared with the import.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from zhenxing.audit.events import AuditEventType, Outcome
from zhenxing.audit.services import record
from zhenxing.core.crypto import decrypt
from zhenxing.core.errors import DomainError, ErrorCode
from zhenxing.core.masking import mask_bank_account, mask_id, mask_phone
from zhenxing.households import choices, policies
from zhenxing.households.columns import (
    CHOICE_CLASSES,
    COLUMNS,
    FACT_KEYS,
    MONEY_KEYS,
    NUMBER_KEYS,
    TEXT_KEYS,
    choice_label,
)
from zhenxing.households.models import (
    BANK_CONTEXT,
    ID_CONTEXT,
    PHONE_CONTEXT,
    Household,
    HouseholdFacts,
    IncomeLine,
    Member,
    SpendingLine,
)
from zhenxing.households.parsers import FORMULA_STARTS
from zhenxing.households.selectors import households_visible

CLI_USERNAME = "命令行 CLI"
CHUNK = 1000
# Person data patterns that must not travel into the audit row through a free-text reason.
_PERSONAL = re.compile(r"(?<!\d)(\d{17}[\dXx]|1[3-9]\d{9}|\d{12,19})(?!\d)")


class ExportErrorCode(ErrorCode):
    REASON_REQUIRED = (
        "export.reason_required",
        "导出完整个人信息须填写事由（至少 2 个字）",
        "A reason (at least 2 characters) is required to export full personal data",
    )
    REASON_PERSONAL = (
        "export.reason_personal",
        "事由中不能包含身份证号、手机号或银行账号",
        "The reason must not contain an ID, phone or bank account number",
    )
    REGION_UNKNOWN = (
        "export.region_unknown",
        "区划代码应为 6、9、12 或 15 位数字",
        "A region code has 6, 9, 12 or 15 digits",
    )


def neutralise(text: str) -> str:
    """A leading apostrophe for text a spreadsheet would read as a formula (E4)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def roster_workbook(target: Path | str | IO[bytes]) -> Workbook:
    """A workbook that writes text as text: no formula, URL or number guessing."""
    return xlsxwriter.Workbook(
        target if not isinstance(target, Path) else str(target),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "in_memory": False,
        },
    )


def cell_value(key: str, value: Any) -> str | int | Decimal | None:
    """What the export writes for a column: text for codes and choices, numbers for numbers."""
    if value is None or value == "":
        return None
    if key in CHOICE_CLASSES:
        return choice_label(key, value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if key in MONEY_KEYS:
        return Decimal(value)
    if key in NUMBER_KEYS:
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_header(workbook: Workbook, sheet: Worksheet) -> dict[str, Any]:
    """Header row (Chinese names, the import's keys) and the column formats; returns formats."""
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    required = workbook.add_format(
        {"bold": True, "bg_color": "#FCE4D6", "border": 1, "font_color": "#9C0006"}
    )
    text = workbook.add_format({"num_format": "@"})
    money = workbook.add_format({"num_format": "0.00"})
    for col, column in enumerate(COLUMNS):
        width = max(10, min(24, len(column.zh) * 2 + 2))
        if column.key in ("id_number", "bank_account", "address"):
            width = 22
        sheet.set_column(col, col, width, text if column.key in TEXT_KEYS else None)
        sheet.write_string(0, col, column.zh, required if column.required else bold)
    sheet.freeze_panes(1, 0)
    return {"text": text, "money": money}


def write_row(sheet: Worksheet, row: int, values: dict[str, Any], formats: dict[str, Any]) -> None:
    """One roster row; `None` leaves the cell empty."""
    for col, column in enumerate(COLUMNS):
        value = cell_value(column.key, values.get(column.key))
        if value is None:
            continue
        if isinstance(value, Decimal):
            sheet.write_number(row, col, float(value), formats["money"])
        elif isinstance(value, int):
            sheet.write_number(row, col, value)
        elif column.key in TEXT_KEYS:
            sheet.write_string(row, col, neutralise(value), formats["text"])
        else:
            sheet.write_string(row, col, neutralise(value))


# ---------------------------------------------------------------- the export


@dataclass(frozen=True)
class ExportResult:
    households: int
    members: int
    masked: bool


def _households(actor: Any, region_code: str) -> QuerySet[Household]:
    # The command-line operator (actor None) exports the registry; everyone else its scope.
    households = Household.objects.all() if actor is None else households_visible(actor)
    if region_code:
        column = {6: "county_code", 9: "town_code", 12: "village_code", 15: "group_code"}.get(
            len(region_code)
        )
        if column is None or not region_code.isdigit():
            raise DomainError(ExportErrorCode.REGION_UNKNOWN, field="region")
        households = households.filter(**{column: region_code})
    return households.order_by("household_no")


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _reveal(token: str, context: str, mask: Any, masked: bool) -> str:
    if not token:
        return ""
    value = decrypt(token, context=context)
    return mask(value) if masked else value


_MEMBER_COLUMNS = (
    "name",
    "relation",
    "education",
    "school_status",
    "health",
    "disability_grade",
    "labour",
    "work_months",
    "work_place",
    "medical_insurance",
    "critical_illness_insurance",
    "family_doctor",
    "dibao",
    "tekun",
)
_INCOME_KIND_KEYS: dict[str, str] = {
    choices.IncomeKind.WAGE: "income_wage",
    choices.IncomeKind.BUSINESS: "income_business",
    choices.IncomeKind.PROPERTY: "income_property",
    choices.IncomeKind.TRANSFER: "income_transfer",
}
_SPENDING_KIND_KEYS: dict[str, str] = {
    choices.SpendingKind.MEDICAL: "spending_medical",
    choices.SpendingKind.EDUCATION: "spending_education",
}


def _income_values(
    incomes: Iterable[IncomeLine], spendings: Iterable[SpendingLine]
) -> dict[int, dict[str, Any]]:
    """Income columns of each household, for its latest year with any line."""
    by_household: dict[int, dict[int, dict[str, Any]]] = defaultdict(lambda: defaultdict(dict))
    for line in incomes:
        values = by_household[line.household_id][line.year]
        key = _INCOME_KIND_KEYS.get(line.kind)
        if key is not None:
            values[key] = values.get(key, Decimal("0")) + line.amount
            if line.kind == choices.IncomeKind.BUSINESS:
                values["cost_business"] = values.get("cost_business", Decimal("0")) + line.cost
    for spending in spendings:
        values = by_household[spending.household_id][spending.year]
        key = _SPENDING_KIND_KEYS.get(spending.kind)
        if key is not None:
            values[key] = values.get(key, Decimal("0")) + spending.amount
    latest: dict[int, dict[str, Any]] = {}
    for household_id, years in by_household.items():
        year = max(years)
        latest[household_id] = {"income_year": year, **years[year]}
    return latest


def _rows(households: QuerySet[Household], masked: bool) -> Iterator[dict[str, Any]]:
    """Roster rows in household order, the head first; reads in chunks of households."""
    ids = list(households.values_list("pk", flat=True))
    head_first = Case(
        When(relation="head", then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    for chunk in _chunks(ids):
        by_pk = {h.pk: h for h in Household.objects.filter(pk__in=chunk)}
        facts = {f.household_id: f for f in HouseholdFacts.objects.filter(household_id__in=chunk)}
        incomes = _income_values(
            IncomeLine.objects.filter(household_id__in=chunk),
            SpendingLine.objects.filter(household_id__in=chunk),
        )
        members: dict[int, list[Any]] = defaultdict(list)
        for member in (
            Member.objects.filter(household_id__in=chunk, status=choices.MemberStatus.ACTIVE)
            .annotate(head_first=head_first)
            .order_by("household_id", "head_first", "id")
        ):
            members[member.household_id].append(member)
        for pk in chunk:
            household = by_pk[pk]
            shared = {
                "household_no": household.household_no,
                "group_code": household.group_code,
                "category": household.category,
                "exit_year": household.exit_year,
                "address": household.address,
                "phone": _reveal(household.phone_cipher, PHONE_CONTEXT, mask_phone, masked),
                "bank_account": _reveal(
                    household.bank_cipher, BANK_CONTEXT, mask_bank_account, masked
                ),
            }
            for position, member in enumerate(members.get(pk, [])):
                values = dict(shared)
                values.update({key: getattr(member, key) for key in _MEMBER_COLUMNS})
                values["id_number"] = _reveal(member.id_cipher, ID_CONTEXT, mask_id, masked)
                if position == 0:
                    fact = facts.get(pk)
                    if fact is not None:
                        values.update({key: getattr(fact, key) for key in FACT_KEYS})
                    values.update(incomes.get(pk, {}))
                yield values


def _check_reason(actor: Any, unmask: bool, reason: str) -> str:
    reason = (reason or "").strip()
    if not unmask:
        return ""
    if actor is None or not policies.can_unmask(actor):
        if actor is not None:
            record(
                AuditEventType.PERMISSION_DENIED,
                actor=actor,
                outcome=Outcome.DENIED,
                detail={"action": "roster_export_unmasked"},
            )
        raise PermissionDenied("roster_export_unmasked")
    if len(reason) < 2:
        raise DomainError(ExportErrorCode.REASON_REQUIRED, field="reason")
    if _PERSONAL.search(reason):
        raise DomainError(ExportErrorCode.REASON_PERSONAL, field="reason")
    return reason[:200]


def roster_export(
    *,
    actor: Any,
    target: Path | IO[bytes],
    region_code: str = "",
    unmask: bool = False,
    reason: str = "",
) -> ExportResult:
    """Write the registry the actor may see as a roster xlsx and audit it (C1, D2, E4).

    The file is written first and the audit row after, in a short transaction: holding a
    write transaction open while a large workbook is built would block every other writer on
    SQLite. If the audit row cannot be written, a file target is deleted and the error raised,
    so no export leaves without its audit row.
    """
    reason = _check_reason(actor, unmask, reason)
    households = _households(actor, region_code.strip())
    workbook = roster_workbook(target)
    sheet = workbook.add_worksheet("花名册")
    formats = write_header(workbook, sheet)
    row = 0
    household_numbers: set[str] = set()
    try:
        for values in _rows(households, masked=not unmask):
            row += 1
            household_numbers.add(values["household_no"])
            write_row(sheet, row, values, formats)
        sheet.autofilter(0, 0, max(row, 1), len(COLUMNS) - 1)
        workbook.close()
        detail: dict[str, Any] = {
            "households": len(household_numbers),
            "members": row,
            "masked": not unmask,
            "format": "xlsx",
        }
        if region_code:
            detail["region"] = region_code
        if reason:
            detail["reason"] = reason
        with transaction.atomic():
            record(
                AuditEventType.EXPORT,
                actor=actor,
                username=CLI_USERNAME,
                object_type="households.household",
                detail=detail,
            )
    except BaseException:
        if isinstance(target, Path):
            target.unlink(missing_ok=True)
        raise
    return ExportResult(households=len(household_numbers), members=row, masked=not unmask)
