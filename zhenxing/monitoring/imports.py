"""Department alert files (部门筛查预警): medical insurance, civil affairs, disability
federation, education and housing send lists of people with an event; each row is matched to a
registered member through the ID number's blind index and becomes an open lead.

Columns (a header row, Chinese or English names): 身份证号 ID number, 姓名 name, 事件日期 event
date, and optionally 金额 amount (yuan) and 说明 detail. Every row is validated; the report names
the row, the column, the value (ID numbers masked 6+4) and the reason in Chinese and English.

- Invalid rows (bad ID number, missing name, bad date or amount, a duplicate of an earlier row)
  block the commit unless the user chose to skip them after seeing the report (E3).
- Unmatched rows (nobody in the actor's scope has that ID number) and ambiguous rows (the ID
  matches but the name does not, or the person has left the household) are reported and never
  guessed; they create nothing. They do not block the matched rows: matching is the import's
  result, not a defect of the file.
- A lead's key is (source, person, event date): importing the same alert again creates no
  second lead; such rows are counted as "already imported".

Holds: `alert_row_check` (one row's cells → its issues or the valid row), `AlertIssue`,
`AlertReport`, `AlertRefused`, `alerts_check`, `alerts_import`, `COLUMNS`, `RISK_OF_SOURCE`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from python_calamine import CalamineError, CalamineWorkbook

from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record
from zhenxing.core.crypto import blind_index
from zhenxing.core.errors import DomainError, ErrorCode
from zhenxing.core.idnumbers import validate_id
from zhenxing.core.masking import mask_id
from zhenxing.core.money import FEN, yuan_to_fen
from zhenxing.core.timeutil import business_today
from zhenxing.core.uploads import check_upload
from zhenxing.households.choices import MemberStatus
from zhenxing.households.models import ID_CONTEXT, Member
from zhenxing.households.selectors import members_visible
from zhenxing.households.validation import MAX_AMOUNT
from zhenxing.monitoring import domain, policies
from zhenxing.monitoring.errors import MonitoringErrorCode as E
from zhenxing.monitoring.models import AlertImport, AlertSource, Channel, Lead, LeadStatus
from zhenxing.monitoring.parameters import parameter_int
from zhenxing.screening.models import RISK_BITS

MAX_ROWS = 500_000
REPORT_LIMIT = 200
CHUNK = 5000


@dataclass(frozen=True)
class AlertColumn:
    key: str
    zh: str
    en: str
    required: bool
    aliases: tuple[str, ...] = ()


COLUMNS = (
    AlertColumn("id_number", "身份证号", "ID number", True, ("身份证号码", "公民身份号码")),
    AlertColumn("name", "姓名", "Name", True),
    AlertColumn("event_date", "事件日期", "Event date", True, ("日期", "发生日期")),
    AlertColumn("amount", "金额", "Amount", False, ("金额(元)", "自付金额")),
    AlertColumn("detail", "说明", "Detail", False, ("事由", "情况说明")),
)
BY_KEY = {c.key: c for c in COLUMNS}
RISK_OF_SOURCE = {
    AlertSource.MEDICAL: "illness",
    AlertSource.CIVIL_AFFAIRS: "income_shortfall",
    AlertSource.DISABILITY: "disability",
    AlertSource.EDUCATION: "education_guarantee",
    AlertSource.HOUSING: "housing_safety",
}


@dataclass(slots=True)
class AlertIssue:
    row: int
    column: str
    header_zh: str
    header_en: str
    value: str
    code: str
    message_zh: str
    message_en: str
    kind: str  # invalid | unmatched | ambiguous

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class AlertReport:
    source: str = ""
    file_name: str = ""
    rows: int = 0
    invalid: int = 0
    unmatched: int = 0
    ambiguous: int = 0
    matched: int = 0
    already: int = 0  # matched rows whose lead exists from an earlier import
    leads_created: int = 0
    committed: bool = False
    issues: list[AlertIssue] = field(default_factory=list)

    def summary(self, limit: int = REPORT_LIMIT) -> dict[str, Any]:
        return {
            "source": self.source,
            "file_name": self.file_name,
            "rows": self.rows,
            "invalid": self.invalid,
            "unmatched": self.unmatched,
            "ambiguous": self.ambiguous,
            "matched": self.matched,
            "already": self.already,
            "leads_created": self.leads_created,
            "committed": self.committed,
            "issue_count": len(self.issues),
            "issues": [i.as_dict() for i in self.issues[:limit]],
        }


class AlertRefused(Exception):
    def __init__(self, report: AlertReport) -> None:
        self.report = report
        self.error = DomainError(E.ALERT_REFUSED, rows=report.invalid)
        super().__init__(self.error.message)


@dataclass(slots=True)
class _Valid:
    row: int
    id_index: str
    id_masked: str
    name: str
    event_date: date
    amount_fen: int | None
    detail: str


def _issue(
    at_row: int, key: str, value: str, error: ErrorCode, kind: str, **params: Any
) -> AlertIssue:
    column = BY_KEY.get(key)
    return AlertIssue(
        row=at_row,
        column=key,
        header_zh=column.zh if column else "",
        header_en=column.en if column else "",
        value=value,
        code=error.code,
        message_zh=error.zh.format(**params),
        message_en=error.en.format(**params),
        kind=kind,
    )


def _header_key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", str(text)).strip().rstrip("*").strip()
    return "".join(folded.split()).casefold()


_HEADERS: dict[str, str] = {}
for _c in COLUMNS:
    for _name in (_c.zh, _c.en, _c.key, *_c.aliases):
        _HEADERS[_header_key(_name)] = _c.key


def _rows(path: Path, kind: str) -> Iterator[list[Any]]:
    if kind == "csv":
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030")
        yield from csv.reader(io.StringIO(text))
        return
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        yield from sheet.iter_rows()
    except CalamineError as exc:
        raise DomainError(E.ALERT_UNREADABLE) from exc


def _text(value: Any, key: str) -> str:
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float | int) and not isinstance(value, bool):
        if key == "id_number":
            return f"{float(value):.5E}"  # Excel's display: refused as a numeric cell
        if float(value).is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _parse_date(text: str, today: date) -> date | None:
    cleaned = text.strip().replace("/", "-").replace(".", "-")
    if len(cleaned) == 8 and cleaned.isdigit():
        cleaned = f"{cleaned[:4]}-{cleaned[4:6]}-{cleaned[6:]}"
    if "T" in cleaned:
        cleaned = cleaned.split("T", 1)[0]
    parts = cleaned.split("-")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() and len(p) <= 4 for p in parts):
        return None  # also keeps int() and date() away from huge numbers (OverflowError)
    try:
        day = date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None
    if day > today or day.year < 2014:
        return None
    return day


def _parse_amount(text: str) -> int | bool | None:
    """Fen, None when blank, False when not an amount from 0 to `MAX_AMOUNT` yuan in fen.

    The range is checked before `quantize`, which raises `InvalidOperation` on numbers with
    more digits than the context's precision (`1E+30`, thirty nines)."""
    if not text:
        return None
    try:
        amount = Decimal(unicodedata.normalize("NFKC", text).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return False
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        return False
    if amount != amount.quantize(FEN):
        return False
    return yuan_to_fen(amount)


def alert_row_check(
    number: int, texts: dict[str, str], today: date
) -> tuple[list[AlertIssue], _Valid | None]:
    """Validate one row's cell texts: its issues (row and column named), or the valid row.

    Never raises on any text: every defect of a cell is an issue of that cell."""
    issues: list[AlertIssue] = []
    raw_id = texts.get("id_number", "")
    id_index = masked = ""
    try:
        normal = validate_id(raw_id, today=today, field="id_number").number
        id_index, masked = blind_index(normal, context=ID_CONTEXT), mask_id(normal)
    except DomainError as exc:
        compact = "".join(raw_id.split())
        issues.append(
            AlertIssue(
                row=number, column="id_number", header_zh="身份证号", header_en="ID number",
                value=mask_id(compact) if len(compact) >= 18 else "*" * min(len(compact), 20),
                code=exc.code.code, message_zh=exc.message_zh, message_en=exc.message_en,
                kind="invalid",
            )
        )  # fmt: skip
    person = " ".join(texts.get("name", "").split())
    if not person:
        issues.append(_issue(number, "name", "", E.ALERT_NAME_EMPTY, "invalid"))
    elif len(person) > 60:
        issues.append(_issue(number, "name", person[:20], E.ALERT_TOO_LONG, "invalid", max=60))
    event = _parse_date(texts.get("event_date", ""), today)
    if event is None:
        issues.append(
            _issue(number, "event_date", texts.get("event_date", "")[:20], E.ALERT_DATE_BAD,
                   "invalid")
        )  # fmt: skip
    amount = _parse_amount(texts.get("amount", ""))
    if amount is False:
        issues.append(
            _issue(number, "amount", texts.get("amount", "")[:20], E.ALERT_AMOUNT_BAD, "invalid",
                   high=f"{MAX_AMOUNT:,}")
        )  # fmt: skip
    detail = texts.get("detail", "")
    if len(detail) > 200:
        issues.append(_issue(number, "detail", detail[:20], E.ALERT_TOO_LONG, "invalid", max=200))
    if issues or event is None:
        return issues, None
    fen = amount if isinstance(amount, int) and not isinstance(amount, bool) else None
    return [], _Valid(number, id_index, masked, person, event, fen, detail)


def lead_key(source: str, id_index: str, event_date: date) -> str:
    digest = hashlib.sha256(f"{id_index}|{event_date.isoformat()}".encode()).hexdigest()[:48]
    return f"alert:{source}:{digest}"


def alerts_check(
    path: Path, *, actor: Any, source: str, name: str | None = None, today: date | None = None
) -> tuple[AlertReport, list[tuple[_Valid, dict[str, Any]]]]:
    """Guard, read, validate and match every row; write nothing. Returns the report and the
    matched rows with their member's household and region codes."""
    if source not in AlertSource.values:
        raise DomainError(E.ALERT_BAD_SOURCE, source=source[:20])
    today = today or business_today()
    kind = check_upload(path, name=name or path.name)
    report = AlertReport(source=source, file_name=(name or path.name)[:120])
    rows = _rows(path, kind)
    header = next(rows, None)
    columns: dict[str, int] = {}
    for index, cell in enumerate(header or []):
        key = _HEADERS.get(_header_key(_text(cell, "")))
        if key and key not in columns:
            columns[key] = index
    if any(c.required and c.key not in columns for c in COLUMNS):
        raise DomainError(E.ALERT_NO_HEADER)
    positions = [(key, columns[key]) for key in BY_KEY if key in columns]
    valid: list[_Valid] = []
    seen: dict[tuple[str, date], int] = {}
    issues = report.issues
    for number, cells in enumerate(rows, start=2):
        texts = {key: _text(cells[i], key) if i < len(cells) else "" for key, i in positions}
        if not any(texts.values()):
            continue  # a blank line
        report.rows += 1
        if report.rows > MAX_ROWS:
            raise DomainError(E.ALERT_TOO_MANY_ROWS, limit=MAX_ROWS)
        row_issues, row = alert_row_check(number, texts, today)
        if row is not None:
            same = (row.id_index, row.event_date)
            if same in seen:
                row_issues.append(
                    _issue(number, "id_number", row.id_masked, E.ALERT_DUPLICATE, "invalid",
                           row=seen[same])
                )  # fmt: skip
            else:
                seen[same] = number
                valid.append(row)
        if row_issues:
            issues.extend(row_issues)
            report.invalid += 1
    if report.rows == 0:
        raise DomainError(E.ALERT_NO_ROWS)
    matched = _match(actor, valid, report)
    return report, matched


def _match(
    actor: Any, valid: list[_Valid], report: AlertReport
) -> list[tuple[_Valid, dict[str, Any]]]:
    members = members_visible(actor) if actor is not None else Member.objects.all()
    matched: list[tuple[_Valid, dict[str, Any]]] = []
    for start in range(0, len(valid), CHUNK):
        chunk = valid[start : start + CHUNK]
        found: dict[str, dict[str, Any]] = {
            m["id_index"]: dict(m)
            for m in members.filter(id_index__in=[v.id_index for v in chunk]).values(
                "id_index", "name", "status", "household_id", "county_code", "town_code",
                "village_code",
            )
        }  # fmt: skip
        for row in chunk:
            member = found.get(row.id_index)
            if member is None:
                report.unmatched += 1
                report.issues.append(
                    _issue(row.row, "id_number", row.id_masked, E.ALERT_UNMATCHED,
                           "unmatched")
                )  # fmt: skip
            elif member["name"] != row.name:
                report.ambiguous += 1
                report.issues.append(
                    _issue(row.row, "name", row.name, E.ALERT_NAME_MISMATCH, "ambiguous")
                )
            elif member["status"] != MemberStatus.ACTIVE:
                report.ambiguous += 1
                report.issues.append(
                    _issue(row.row, "id_number", row.id_masked, E.ALERT_NOT_ACTIVE,
                           "ambiguous")
                )  # fmt: skip
            else:
                matched.append((row, member))
    report.issues.sort(key=lambda issue: issue.row)
    report.matched = len(matched)
    return matched


def alerts_import(
    path: Path,
    *,
    actor: Any,
    source: str,
    commit: bool,
    skip_invalid: bool = False,
    name: str | None = None,
) -> AlertReport:
    """Check the file; with `commit`, create one open lead per matched alert not yet imported.

    Refused as a whole (`AlertRefused`, nothing written) when rows are invalid, unless
    `skip_invalid` — the user's explicit choice after seeing the report."""
    if actor is not None and not policies.can_import_alerts(actor):
        raise PermissionDenied("alerts_import")
    report, matched = alerts_check(path, actor=actor, source=source, name=name)
    keys = [lead_key(source, row.id_index, row.event_date) for row, _m in matched]
    existing: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        existing.update(
            Lead.objects.filter(dedupe_key__in=keys[start : start + CHUNK]).values_list(
                "dedupe_key", flat=True
            )
        )
    report.already = sum(1 for k in keys if k in existing)
    if not commit:
        return report
    if report.invalid and not skip_invalid:
        raise AlertRefused(report)
    today = business_today()
    risk = RISK_BITS[RISK_OF_SOURCE[AlertSource(source)]]
    label = str(AlertSource(source).label).split("（")[0]
    county = getattr(getattr(actor, "region", None), "county_code", "")
    days: dict[str, int] = {}
    with transaction.atomic():
        batch = AlertImport.objects.create(
            source=source,
            file_name=report.file_name,
            rows=report.rows,
            matched=report.matched,
            unmatched=report.unmatched,
            ambiguous=report.ambiguous,
            invalid=report.invalid,
            county_code=county,
            created_by=actor,
        )
        leads: list[Lead] = []
        for (row, member), key in zip(matched, keys, strict=True):
            if key in existing:
                continue
            existing.add(key)
            village = member["village_code"]
            if village not in days:
                days[village] = parameter_int(
                    "lead_decision_days", year=today.year, region_code=village
                )
            text = f"{label}：{row.detail}" if row.detail else label
            leads.append(
                Lead(
                    household_id=member["household_id"],
                    county_code=member["county_code"],
                    town_code=member["town_code"],
                    village_code=village,
                    channel=Channel.DEPARTMENT,
                    source=source,
                    detail=text[:300],
                    risk_mask=risk,
                    found_on=today,
                    due_on=domain.due_date(today, days[village]),
                    status=LeadStatus.OPEN,
                    dedupe_key=key,
                    alert_import=batch,
                    amount=row.amount_fen,
                    created_by=actor,
                )
            )
        # In key order: the unique key's index then grows at one end instead of at random
        # places (hash keys), which keeps a 100,000-row import within the page cache.
        leads.sort(key=lambda lead: lead.dedupe_key)
        Lead.objects.bulk_create(leads, batch_size=5000)
        report.leads_created = len(leads)
        batch.leads_created = len(leads)
        batch.save(update_fields=["leads_created"])
        record(
            AuditEventType.IMPORT,
            actor=actor,
            obj=batch,
            username="命令行 CLI",
            detail={
                "kind": "alerts",
                "source": source,
                "rows": report.rows,
                "matched": report.matched,
                "unmatched": report.unmatched,
                "ambiguous": report.ambiguous,
                "invalid": report.invalid,
                "leads": len(leads),
            },
        )
    report.committed = True
    return report
