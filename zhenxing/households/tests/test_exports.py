"""Registry export: masked by default, unmasked only with the right and a reason (audited),
every export audited, scoped, formula cells neutralised, IDs as text, re-importable."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from zhenxing.accounts.tests.factories import RegionTree
from zhenxing.audit.events import AuditEventType
from zhenxing.audit.models import AuditEvent
from zhenxing.audit.services import AuditWriteError
from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role
from zhenxing.households import exports
from zhenxing.households.exports import ExportErrorCode, neutralise, roster_export
from zhenxing.households.imports import roster_check, roster_import
from zhenxing.households.models import Household, Member
from zhenxing.households.tests.test_imports import (
    GROUP_B,
    ID18,
    MOBILE,
    TODAY,
    build_regions,
    head_row,
    household,
    member_row,
    write_xlsx,
)
from zhenxing.households.validation import COLUMNS, RosterErrorCode

BANK = re.compile(r"(?<![0-9])[0-9]{12,19}(?![0-9])")


@pytest.fixture
def regions(db: None) -> RegionTree:
    return build_regions()


@pytest.fixture(autouse=True)
def _private_var(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def registry(regions: RegionTree, tmp_path: Path) -> list[dict[str, Any]]:
    """Three households (two in town A, one in town B) registered through the import, then
    given formula-like texts the import itself refuses (as rows kept from an older system)."""
    first = head_row("X-1", phone="023-72221234")
    rows = [
        first,
        member_row(first, name="某人", relation="子女", id_number=head_row()["id_number"]),
        *household("X-2", 1, category="一般农户", exit_year=""),
        *household("X-3", 2, group_code=GROUP_B),
    ]
    roster_import(write_xlsx(tmp_path / "seed.xlsx", rows), actor=None, commit=True, today=TODAY)
    for number, address in (("X-1", '=HYPERLINK("http://evil")'), ("X-2", "+1+2"), ("X-3", "-3")):
        Household.objects.filter(household_no=number).update(address=address)
    Member.objects.filter(name="某人").update(name="@某人")
    return rows


def _sheet(data: bytes | Path) -> list[list[Any]]:
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    workbook = CalamineWorkbook.from_object(source)
    return list(workbook.get_sheet_by_index(0).iter_rows())


def _export(actor: Any, **kwargs: Any) -> tuple[exports.ExportResult, bytes]:
    buffer = io.BytesIO()
    result = roster_export(actor=actor, target=buffer, **kwargs)
    return result, buffer.getvalue()


def test_export_is_masked_by_default(registry: list[dict[str, Any]], make_user: Any) -> None:
    # given
    district = make_user(Role.DISTRICT_STAFF, "500102")

    # when
    result, data = _export(district)

    # then: no ID number, mobile or bank account in any cell
    rows = _sheet(data)
    assert (result.households, result.members, result.masked) == (3, 5, True)
    assert rows[0] == [c.zh for c in COLUMNS]
    # (the 15-digit village group code, column 2, is the only long number allowed)
    text = "\n".join("\t".join(str(c) for c in row[:1] + row[2:]) for row in rows)
    assert not ID18.search(text)
    assert not MOBILE.search(text)
    assert not BANK.search(text)
    ids = [row[8] for row in rows[1:]]
    assert all(re.fullmatch(r"500102\*{8}[0-9X]{4}", i) for i in ids), ids
    event = AuditEvent.objects.get(event=AuditEventType.EXPORT)
    assert event.actor_id == district.pk
    assert event.detail["masked"] is True
    assert event.detail["members"] == 5


def test_unmasked_export_needs_permission_and_a_reason_and_is_audited(
    registry: list[dict[str, Any]], make_user: Any
) -> None:
    district = make_user(Role.DISTRICT_STAFF, "500102")
    cadre = make_user(Role.CADRE, "500102100")

    with pytest.raises(PermissionDenied):
        _export(cadre, unmask=True, reason="核对身份")
    assert AuditEvent.objects.filter(event=AuditEventType.PERMISSION_DENIED).count() == 1
    with pytest.raises(PermissionDenied):
        roster_export(actor=None, target=io.BytesIO(), unmask=True, reason="核对")
    with pytest.raises(DomainError) as caught:
        _export(district, unmask=True, reason=" ")
    assert caught.value.code == ExportErrorCode.REASON_REQUIRED
    with pytest.raises(DomainError) as caught:
        _export(district, unmask=True, reason=f"核对 {registry[0]['id_number']}")
    assert caught.value.code == ExportErrorCode.REASON_PERSONAL
    assert not AuditEvent.objects.filter(event=AuditEventType.EXPORT).exists()

    result, data = _export(district, unmask=True, reason="银行代发核对")

    assert result.masked is False
    ids = {row[8] for row in _sheet(data)[1:]}
    assert {r["id_number"] for r in registry} == ids
    event = AuditEvent.objects.get(event=AuditEventType.EXPORT)
    assert event.detail["masked"] is False
    assert event.detail["reason"] == "银行代发核对"


def test_export_is_scoped_and_filtered_by_region(
    registry: list[dict[str, Any]], make_user: Any
) -> None:
    town_a = make_user(Role.TOWN_STAFF, "500102100")
    _result, data = _export(town_a)
    assert {row[0] for row in _sheet(data)[1:]} == {"X-1", "X-2"}

    district = make_user(Role.DISTRICT_STAFF, "500102")
    _result, data = _export(district, region_code="500102200")
    assert {row[0] for row in _sheet(data)[1:]} == {"X-3"}
    with pytest.raises(DomainError):
        _export(district, region_code="50010")


def test_formula_cells_are_neutralised_and_ids_are_text(
    registry: list[dict[str, Any]], make_user: Any
) -> None:
    district = make_user(Role.DISTRICT_STAFF, "500102")
    _result, data = _export(district, unmask=True, reason="核对")

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    rows = _sheet(data)
    cells = [c for row in rows[1:] for c in row if isinstance(c, str) and c]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert '\'=HYPERLINK("http://evil")' in cells
    assert "'@某人" in cells
    assert "'+1+2" in cells
    assert "'-3" in cells
    assert all(isinstance(row[8], str) and len(row[8]) == 18 for row in rows[1:])


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+x", "'+x"),
        ("-x", "'-x"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise(text: str, safe: str) -> None:
    assert neutralise(text) == safe


def test_an_unmasked_export_reads_back_as_the_same_roster(
    registry: list[dict[str, Any]], make_user: Any, tmp_path: Path
) -> None:
    # given
    district = make_user(Role.DISTRICT_STAFF, "500102")
    path = tmp_path / "export.xlsx"
    roster_export(actor=district, target=path, unmask=True, reason="迁移核对")

    # when re-read by the import
    report = roster_check(path, actor=district, today=TODAY).report

    # then every row parses; the only complaints are that the people are already registered
    # and that the formula-like texts are refused again (E4: the apostrophe the export added
    # is dropped, and the text under it is not taken in)
    assert report.rows == 5
    assert not report.warnings
    allowed = {
        RosterErrorCode.DUPLICATE_ID_IN_REGISTRY.code,
        RosterErrorCode.HOUSEHOLD_EXISTS.code,
        RosterErrorCode.FORMULA_LIKE.code,
        "import.household_invalid",
    }
    assert {i.code for i in report.issues} <= allowed, report.issues
    formula = [i for i in report.issues if i.code == RosterErrorCode.FORMULA_LIKE.code]
    assert {(i.column, i.value) for i in formula} == {
        ("address", '=HYPERLINK("http://evil")'), ("address", "+1+2"), ("address", "-3"),
        ("name", "@某人"),
    }  # fmt: skip


def test_export_command_is_masked_and_audited(
    registry: list[dict[str, Any]], tmp_path: Path
) -> None:
    out = tmp_path / "all.xlsx"
    call_command("export_roster", str(out), "--region", "500102100")
    rows = _sheet(out)
    assert {row[0] for row in rows[1:]} == {"X-1", "X-2"}
    assert not ID18.search(" ".join(str(c) for row in rows for c in row))
    event = AuditEvent.objects.get(event=AuditEventType.EXPORT)
    assert event.actor_id is None
    assert event.detail["region"] == "500102100"


def test_no_file_is_left_when_the_audit_row_cannot_be_written(
    registry: list[dict[str, Any]], make_user: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    def failing(*args: Any, **kwargs: Any) -> None:
        raise AuditWriteError("audit down")

    monkeypatch.setattr(exports, "record", failing)
    out = tmp_path / "x.xlsx"
    with pytest.raises(AuditWriteError):
        roster_export(actor=make_user(Role.DISTRICT_STAFF, "500102"), target=out)
    assert not out.exists()
