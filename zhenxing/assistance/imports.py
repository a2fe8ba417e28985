"""Bulk cadre pairing from a spreadsheet (帮扶干部账户, 工作单位, 户编号).

The file passes the upload guards, then every row is checked before anything is written;
with any row error nothing is written and the report names each row, column and reason.
Valid files are written through the registry's pairing service, all rows or none.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from zhenxing.accounts.models import User, username_key
from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role
from zhenxing.core.spreadsheets import cell_text, read_rows
from zhenxing.core.uploads import check_upload, private_dir, remove_private, save_upload
from zhenxing.households.models import CadrePairing, Household
from zhenxing.households.selectors import households_visible

COLUMNS = ("cadre", "unit", "household_no")
HEADERS = {"帮扶干部账户": "cadre", "cadre": "cadre", "工作单位": "unit", "unit": "unit",
           "户编号": "household_no", "household number": "household_no"}  # fmt: skip
LABELS = {"cadre": "帮扶干部账户", "unit": "工作单位", "household_no": "户编号"}


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class PairingImport:
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def _columns(header: list[Any]) -> dict[str, int]:
    found = {}
    for i, cell in enumerate(header):
        key = HEADERS.get(cell_text(cell).strip().casefold()) or HEADERS.get(
            cell_text(cell).strip()
        )
        if key:
            found[key] = i
    return found


def pairings_import(
    *, actor: Any, chunks: Iterable[bytes], name: str, since: date, commit: bool = True
) -> PairingImport:
    from zhenxing.households.services import pairing_start

    report = PairingImport()
    folder = private_dir(uuid.uuid4(), area="pairing-imports")
    path = folder / ("upload" + Path(name).suffix.lower()[:6])
    try:
        save_upload(chunks, path)
        check_upload(path, name=name)
        rows = list(read_rows(path))
    except DomainError as exc:
        report.errors.append(RowError(0, "", exc.message_zh))
        return report
    finally:
        remove_private(folder)
    if not rows:
        report.errors.append(RowError(0, "", "文件没有内容"))
        return report
    columns = _columns(rows[0])
    missing = [LABELS[c] for c in COLUMNS if c not in columns and c != "unit"]
    if missing:
        report.errors.append(RowError(1, "、".join(missing), "缺少列：" + "、".join(missing)))
        return report
    plan: list[tuple[int, User, Household, str]] = []
    seen: dict[str, int] = {}
    visible = households_visible(actor) if actor is not None else Household.objects.all()
    for number, row in enumerate(rows[1:], start=2):
        cells = {c: cell_text(row[i]).strip() if i < len(row) else "" for c, i in columns.items()}
        if not any(cells.values()):
            continue
        report.rows += 1
        cadre = User.objects.filter(username_key=username_key(cells.get("cadre", ""))).first()
        household = visible.filter(household_no=cells.get("household_no", "")).first()
        if not cells.get("cadre"):
            report.errors.append(RowError(number, LABELS["cadre"], "请填写帮扶干部账户"))
        elif cadre is None or cadre.role != Role.CADRE:
            report.errors.append(
                RowError(number, LABELS["cadre"], f"“{cells['cadre']}”不是帮扶干部账户")
            )
        if household is None:
            report.errors.append(
                RowError(
                    number, LABELS["household_no"],
                    f"户编号“{cells.get('household_no', '')}”不存在或不在您的工作范围内",
                )
            )  # fmt: skip
        elif (first := seen.get(household.household_no)) is not None:
            report.errors.append(
                RowError(
                    number, LABELS["household_no"], f"与第 {first} 行重复：一户只能有一名帮扶干部"
                )
            )
        else:
            seen[household.household_no] = number
        if cadre is not None and household is not None and cadre.role == Role.CADRE:
            current = CadrePairing.objects.filter(
                county_code=household.county_code, household=household, until__isnull=True
            ).first()
            if current is not None and current.cadre_id == cadre.pk:
                report.unchanged += 1
                continue
            if current is not None:
                report.errors.append(
                    RowError(number, LABELS["cadre"], "该户已有结对帮扶干部，须先结束原结对")
                )
                continue
            plan.append((number, cadre, household, cells.get("unit", "")))
    if report.errors or not commit:
        return report
    try:
        with transaction.atomic():
            for number, cadre, household, unit in plan:
                try:
                    pairing_start(
                        actor=actor, cadre=cadre, household=household, since=since, unit=unit
                    )
                except DomainError as exc:
                    report.errors.append(RowError(number, exc.field or "", exc.message_zh))
                    raise
    except DomainError:
        report.created = 0
        return report
    report.created = len(plan)
    return report
