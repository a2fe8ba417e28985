"""Roster import: every rule through a real file, nothing written unless committed, refusal as
a whole unless the valid households were chosen, and the guards before any parsing.

The helpers at the top (`head_row`, `member_row`, `write_xlsx`, `write_csv`, `build_regions`)
are shared with `test_exports.py` and `test_import_views.py`.
"""

from __future__ import annotations

import csv
import itertools
import re
import zipfile
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from django.core.management import call_command
from django.core.management.base import CommandError
from python_calamine import CalamineWorkbook

from zhenxing.accounts.tests.factories import VALID_FROM, RegionTree, build_region_tree
from zhenxing.audit.events import AuditEventType
from zhenxing.audit.models import AuditEvent
from zhenxing.core.errors import DomainError
from zhenxing.core.idnumbers import IdErrorCode, check_char
from zhenxing.core.phones import BankAccountErrorCode
from zhenxing.core.roles import Role
from zhenxing.core.uploads import UploadErrorCode
from zhenxing.households import imports
from zhenxing.households.imports import (
    ImportErrorCode,
    ImportReport,
    RosterRefused,
    cell_text,
    report_workbook_write,
    roster_check,
    roster_import,
    template_workbook_write,
)
from zhenxing.households.models import (
    Household,
    HouseholdFacts,
    IncomeLine,
    Member,
    SpendingLine,
)
from zhenxing.households.validation import BY_KEY, COLUMNS, RosterErrorCode
from zhenxing.regions.services import division_create

TODAY = date(2025, 6, 1)
GROUP_A = "500102100200001"  # 柳溪一组, town A
GROUP_B = "500102200200001"  # 石门一组, town B
_SEQUENCE = itertools.count(1)
ID18 = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")

# ---------------------------------------------------------------- shared helpers


def build_regions() -> RegionTree:
    """The accounts' region tree plus a village group in town B."""
    tree = build_region_tree()
    division_create(actor=None, code=GROUP_B, name="石门一组", valid_from=VALID_FROM)
    return tree


def make_id(birth: str = "19650312", *, male: bool = True) -> str:
    """A valid ID number, unique in the test run (area 500102, correct check character)."""
    n = next(_SEQUENCE) % 450 + 10
    body = f"500102{birth}{n * 2 + (1 if male else 0):03d}"
    return body + check_char(body)


def head_row(household_no: str = "H0001", **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "household_no": household_no,
        "group_code": GROUP_A,
        "category": "脱贫户",
        "exit_year": "2018",
        "address": "柳溪村一组 8 号",
        "phone": "13812345678",
        "bank_account": "6217000012345671234",
        "name": "邓明福",
        "id_number": make_id(),
        "relation": "户主",
        "education": "初中",
        "health": "健康",
        "labour": "普通劳动力",
        "work_months": "6",
        "work_place": "省外",
        "medical_insurance": "是",
        "house_grade": "A",
        "water_litres": "60",
        "income_year": "2024",
        "income_wage": "12000",
        "income_business": "3000.50",
        "cost_business": "500",
        "spending_medical": "800",
    }
    row.update(overrides)
    return row


def member_row(head: Mapping[str, Any], **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {k: head.get(k) for k in imports.HOUSEHOLD_KEYS}
    row.update(
        {
            "name": "张秀英",
            "id_number": make_id("19680520", male=False),
            "relation": "配偶",
            "health": "健康",
            "labour": "普通劳动力",
            "medical_insurance": "是",
        }
    )
    row.update(overrides)
    return row


def household(household_no: str, members: int = 2, **head: Any) -> list[dict[str, Any]]:
    first = head_row(household_no, **head)
    return [first] + [member_row(first) for _ in range(members - 1)]


def _header(key: str, headers: str) -> str:
    column = BY_KEY[key]
    return column.zh if headers == "zh" else column.en


def write_xlsx(
    path: Path,
    rows: Iterable[Mapping[str, Any]],
    *,
    headers: str = "zh",
    columns: list[str] | None = None,
    extra_header: dict[str, str] | None = None,
) -> Path:
    """Strings become text cells, numbers become number cells (as Excel would store them)."""
    keys = columns or [c.key for c in COLUMNS]
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = workbook.add_worksheet()
    titles = [_header(k, headers) for k in keys] + list((extra_header or {}).keys())
    for col, title in enumerate(titles):
        sheet.write_string(0, col, title)
    for r, row in enumerate(rows, start=1):
        for col, key in enumerate(keys):
            value = row.get(key)
            if value is None:
                continue
            if isinstance(value, int | float):
                sheet.write_number(r, col, value)
            else:
                sheet.write_string(r, col, str(value))
        for col, value in enumerate((extra_header or {}).values(), start=len(keys)):
            sheet.write_string(r, col, value)
    workbook.close()
    return path


def write_csv(
    path: Path,
    rows: Iterable[Mapping[str, Any]],
    *,
    headers: str = "zh",
    encoding: str = "utf-8-sig",
    columns: list[str] | None = None,
) -> Path:
    keys = columns or [c.key for c in COLUMNS]
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([_header(k, headers) for k in keys])
        for row in rows:
            writer.writerow(["" if row.get(k) is None else str(row.get(k)) for k in keys])
    return path


def counts() -> tuple[int, int, int, int]:
    return (
        Household.objects.count(),
        Member.objects.count(),
        HouseholdFacts.objects.count(),
        IncomeLine.objects.count() + SpendingLine.objects.count(),
    )


def codes_by_row(report: ImportReport) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for issue in report.issues:
        found.setdefault(issue.row, set()).add(issue.code)
    return found


@pytest.fixture
def regions(db: None) -> RegionTree:
    return build_regions()


@pytest.fixture(autouse=True)
def _private_var(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


# ---------------------------------------------------------------- the happy path


def test_valid_roster_is_checked_then_committed(regions: RegionTree, tmp_path: Path) -> None:
    # given
    rows = household("H0001", 3) + household("H0002", 1, category="一般农户", exit_year="")
    path = write_xlsx(tmp_path / "roster.xlsx", rows)
    before = counts()

    # when only checked
    result = roster_import(path, actor=None, today=TODAY)

    # then nothing is written
    assert result.report.ok, result.report.issues
    assert not result.committed
    assert counts() == before
    assert (result.report.rows, result.report.households_valid) == (4, 2)

    # when committed
    result = roster_import(path, actor=None, commit=True, today=TODAY)

    # then
    assert result.committed
    assert (result.households, result.members) == (2, 4)
    h1 = Household.objects.get(household_no="H0001")
    assert (h1.member_count, h1.category, h1.exit_year, h1.town_code) == (
        3,
        "exited",
        2018,
        "500102100",
    )
    assert h1.facts.house_grade == "A"
    assert h1.facts.water_litres == 60
    assert {(i.kind, str(i.amount), str(i.cost)) for i in h1.incomes.all()} == {
        ("wage", "12000.00", "0.00"),
        ("business", "3000.50", "500.00"),
    }
    assert h1.spendings.get().amount == 800
    assert Household.objects.get(household_no="H0002").category == "general"
    assert AuditEvent.objects.filter(event=AuditEventType.IMPORT, outcome="ok").count() == 1


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_each_accepted_encoding(regions: RegionTree, tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "roster.csv", household("C0001", 2), encoding=encoding)
    result = roster_import(path, actor=None, commit=True, today=TODAY)
    assert result.households == 1
    assert Member.objects.count() == 2


def test_english_headers_in_any_order_and_header_not_on_first_row(
    regions: RegionTree, tmp_path: Path
) -> None:
    # given: English headers, shuffled; a title row and a blank row above the header
    keys = [c.key for c in COLUMNS]
    shuffled = keys[::-1]
    path = tmp_path / "en.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_string(0, 0, "白沙镇 2025 年花名册")
    for col, key in enumerate(shuffled):
        sheet.write_string(2, col, BY_KEY[key].en.upper())
    rows = household("E0001", 2)
    for r, row in enumerate(rows, start=3):
        for col, key in enumerate(shuffled):
            if row.get(key) is not None:
                sheet.write_string(r, col, str(row[key]))
    sheet.write_string(6, 0, "")  # a blank row at the end
    workbook.close()

    # when
    report = roster_check(path, actor=None, today=TODAY).report

    # then: rows are numbered as the sheet shows them
    assert report.ok, report.issues
    assert report.rows == 2

    broken = dict(rows[1], name="李4")
    write_xlsx(path, [rows[0], broken], headers="en", columns=shuffled)
    assert codes_by_row(roster_check(path, actor=None, today=TODAY).report)[3] == {
        RosterErrorCode.BAD_NAME.code
    }


def test_unknown_columns_are_warnings_and_missing_required_columns_are_fatal(
    regions: RegionTree, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", household("U0001", 1), extra_header={"备注": "x"})
    report = roster_check(path, actor=None, today=TODAY).report
    assert report.ok
    assert [w.code for w in report.warnings] == [ImportErrorCode.UNKNOWN_COLUMN.code]
    assert "备注" in report.warnings[0].message_zh

    columns = [c.key for c in COLUMNS if c.key not in ("id_number", "health")]
    path = write_xlsx(tmp_path / "m.xlsx", household("U0002", 1), columns=columns)
    report = roster_check(path, actor=None, today=TODAY).report
    assert report.fatal
    assert not report.ok
    assert [i.code for i in report.issues] == [ImportErrorCode.MISSING_COLUMNS.code]
    assert "身份证号" in report.issues[0].message_zh
    assert "ID number" in report.issues[0].message_en


def test_a_file_without_header_or_rows_is_refused(regions: RegionTree, tmp_path: Path) -> None:
    path = tmp_path / "none.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    report = roster_check(path, actor=None, today=TODAY).report
    assert report.fatal
    assert report.issues[0].code == ImportErrorCode.NO_HEADER.code

    template = tmp_path / "template.xlsx"
    template_workbook_write(template)
    report = roster_check(template, actor=None, today=TODAY).report
    assert report.fatal
    assert [i.code for i in report.issues] == [ImportErrorCode.NO_ROWS.code]
    with pytest.raises(RosterRefused):
        roster_import(template, actor=None, commit=True, skip_invalid=True, today=TODAY)


# ---------------------------------------------------------------- every rule


def _broken_roster(tmp_path: Path) -> tuple[Path, dict[int, str], set[int]]:
    """A file with broken rows of every kind: (path, {row: expected code}, valid rows)."""
    rows: list[dict[str, Any]] = []
    expected: dict[int, str] = {}
    valid_rows: set[int] = set()

    def add(group: list[dict[str, Any]], broken_at: int | None, code: str | None) -> None:
        start = len(rows) + 2  # header is row 1
        rows.extend(group)
        if broken_at is not None and code is not None:
            expected[start + broken_at] = code

    registered_id = make_id("19500101")
    good = household("OK-1", 2)
    add(good, None, None)
    valid_rows.update({2, 3})

    r = RosterErrorCode
    single: list[tuple[dict[str, Any], str]] = [
        ({"health": ""}, r.REQUIRED.code),
        ({"address": "长" * 201}, r.TOO_LONG.code),
        ({"category": "贫困户"}, r.BAD_CHOICE.code),
        ({"medical_insurance": "也许"}, r.BAD_BOOL.code),
        ({"work_months": "六"}, r.BAD_INT.code),
        ({"work_months": "13"}, r.OUT_OF_RANGE.code),
        ({"income_wage": "-5"}, r.BAD_MONEY.code),
        ({"house_assessed_on": "2020-13-01"}, r.BAD_DATE.code),
        ({"name": "张3"}, r.BAD_NAME.code),
        ({"household_no": "H 1!"}, r.BAD_HOUSEHOLD_NO.code),
        ({"exit_year": ""}, r.EXIT_YEAR_REQUIRED.code),
        ({"category": "一般农户", "exit_year": "2018"}, r.EXIT_YEAR_FORBIDDEN.code),
        ({"health": "残疾"}, r.DISABILITY_GRADE_REQUIRED.code),
        ({"disability_grade": "2"}, r.DISABILITY_GRADE_FORBIDDEN.code),
        ({"water_litres": ""}, r.HEAD_FACTS_REQUIRED.code),
        ({"income_year": ""}, r.INCOME_YEAR_REQUIRED.code),
        ({"group_code": "500102100200999"}, r.GROUP_UNKNOWN.code),
        ({"household_no": "REG-1"}, r.HOUSEHOLD_EXISTS.code),
        ({"id_number": registered_id}, r.DUPLICATE_ID_IN_REGISTRY.code),
        ({"id_number": good[0]["id_number"]}, r.DUPLICATE_ID_IN_FILE.code),
        ({"id_number": make_id()[:-1] + "Y"}, IdErrorCode.ID_CHARS.code),
        ({"id_number": "500102196513320013"}, IdErrorCode.ID_DATE.code),
        ({"id_number": "990102196503120013"}, IdErrorCode.ID_AREA.code),
        ({"id_number": "50010219650312001"}, IdErrorCode.ID_LENGTH.code),
        ({"id_number": 500102196503121239.0}, IdErrorCode.ID_NUMERIC_CELL.code),
        ({"id_number": "5.00102E+17"}, IdErrorCode.ID_NUMERIC_CELL.code),
        ({"bank_account": 6217000012345671234.0}, BankAccountErrorCode.BANK_NUMERIC_CELL.code),
        ({"phone": "12345"}, "PHONE_MOBILE"),
    ]
    for n, (overrides, code) in enumerate(single):
        add([head_row(**{"household_no": f"B-{n:02d}", **overrides})], 0, code)

    bad_check = make_id()
    wrong = "0" if bad_check[-1] != "0" else "1"
    add([head_row("B-CHK", id_number=bad_check[:-1] + wrong)], 0, IdErrorCode.ID_CHECK_DIGIT.code)

    child = head_row("B-SCH")
    add(
        [child, member_row(child, relation="子女", id_number=make_id("20150101"), name="邓小明")],
        1,
        r.SCHOOL_STATUS_REQUIRED.code,
    )
    mismatch = head_row("B-MIS")
    add([mismatch, member_row(mismatch, address="别处")], 1, r.HOUSEHOLD_MISMATCH.code)
    no_head = head_row("B-NOH", relation="配偶")
    add([no_head], 0, r.NO_HEAD.code)
    two = head_row("B-TWO")
    add([two, member_row(two, relation="户主")], 1, r.TWO_HEADS.code)
    facts = head_row("B-FCT")
    add([facts, member_row(facts, house_grade="D")], 1, ImportErrorCode.NOT_ON_HEAD_ROW.code)
    # A valid row in a household with a broken row: the whole household is refused.
    partly = head_row("B-PRT", work_months="99")
    add([partly, member_row(partly)], 1, ImportErrorCode.HOUSEHOLD_INVALID.code)
    expected[len(rows)] = r.OUT_OF_RANGE.code  # the head row of B-PRT

    path = write_xlsx(tmp_path / "broken.xlsx", rows)
    registered = write_xlsx(
        tmp_path / "registered.xlsx", [head_row("REG-1", id_number=registered_id)]
    )
    roster_import(registered, actor=None, commit=True, today=TODAY)
    return path, expected, valid_rows


def test_broken_rows_of_every_kind_are_all_reported_and_nothing_is_written(
    regions: RegionTree, tmp_path: Path
) -> None:
    # given
    path, expected, valid_rows = _broken_roster(tmp_path)
    before = counts()

    # when
    report = roster_check(path, actor=None, today=TODAY).report

    # then every broken row is reported with its reason, and only the good household is valid
    found = codes_by_row(report)
    for row, code in expected.items():
        assert code in found.get(row, set()), (row, code, found.get(row))
    assert set(found) == set(range(2, report.rows + 2)) - valid_rows
    assert report.households_valid == 1
    assert report.members_valid == 2
    for issue in report.issues:
        assert issue.message_zh
        assert issue.message_en
        assert issue.row >= 2

    # when committed without choosing the valid households
    with pytest.raises(RosterRefused) as refused:
        roster_import(path, actor=None, commit=True, today=TODAY)

    # then nothing at all is written, and the refusal is audited
    assert refused.value.error.code == ImportErrorCode.REFUSED
    assert counts() == before
    assert AuditEvent.objects.filter(event=AuditEventType.IMPORT, outcome="failed").count() == 1


def test_skip_invalid_imports_exactly_the_valid_households(
    regions: RegionTree, tmp_path: Path
) -> None:
    path, _expected, _valid = _broken_roster(tmp_path)
    before = Household.objects.count()

    result = roster_import(path, actor=None, commit=True, skip_invalid=True, today=TODAY)

    assert (result.households, result.members) == (1, 2)
    assert Household.objects.count() == before + 1
    assert Household.objects.filter(household_no="OK-1").exists()
    assert not Household.objects.filter(household_no__startswith="B-").exists()


def test_skip_invalid_refuses_when_the_registry_changed_since_the_report(
    regions: RegionTree, tmp_path: Path
) -> None:
    # given: a report promising two households
    rows = household("S-1", 1) + household("S-2", 1) + [head_row("S-3", health="")]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    promised = roster_check(path, actor=None, today=TODAY).report.valid_digest
    # when someone registers one of them first
    roster_import(write_xlsx(tmp_path / "s1.xlsx", [rows[0]]), actor=None, commit=True, today=TODAY)
    before = counts()
    # then the promise cannot be kept and nothing is written
    with pytest.raises(RosterRefused) as refused:
        roster_import(
            path, actor=None, commit=True, skip_invalid=True, expected_digest=promised, today=TODAY
        )
    assert refused.value.error.code == ImportErrorCode.CHANGED
    assert counts() == before


def test_reimporting_the_same_file_is_refused_as_duplicates(
    regions: RegionTree, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", household("R-1", 2) + household("R-2", 1))
    roster_import(path, actor=None, commit=True, today=TODAY)
    before = counts()

    with pytest.raises(RosterRefused) as refused:
        roster_import(path, actor=None, commit=True, today=TODAY)

    report = refused.value.report
    assert report.households_valid == 0
    found = codes_by_row(report)
    for row in (2, 3, 4):
        assert RosterErrorCode.DUPLICATE_ID_IN_REGISTRY.code in found[row]
    assert RosterErrorCode.HOUSEHOLD_EXISTS.code in found[2]
    assert counts() == before


# ---------------------------------------------------------------- ID numbers Excel mangled


@pytest.mark.parametrize(
    "cell",
    [500102196503121239.0, 500102650312123.0, 12345.0, "5.00102E+17", "500102196503121000"],
)
def test_an_id_number_excel_turned_into_a_number_is_refused_with_the_reason(
    regions: RegionTree, tmp_path: Path, cell: Any
) -> None:
    path = write_xlsx(tmp_path / "n.xlsx", [head_row("N-1", id_number=cell)])
    report = roster_check(path, actor=None, today=TODAY).report
    (issue,) = [i for i in report.issues if i.column == "id_number"]
    assert issue.code == IdErrorCode.ID_NUMERIC_CELL.code
    assert "Excel" in issue.message_zh
    assert "Text" in issue.message_en
    assert not ID18.search(issue.value + issue.message_zh + issue.message_en)


def test_numeric_id_in_csv_scientific_notation(regions: RegionTree, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "n.csv", [head_row("N-2", id_number="5.00102E+17")])
    report = roster_check(path, actor=None, today=TODAY).report
    assert [i.code for i in report.issues if i.column == "id_number"] == [
        IdErrorCode.ID_NUMERIC_CELL.code
    ]


@pytest.mark.parametrize(
    ("key", "value", "text"),
    [
        ("id_number", 500102196503121239.0, "5.00102E+17"),
        ("bank_account", 6217000012345671234.0, "6.21700E+18"),
        ("bank_account", 621700001234.0, "621700001234"),
        ("phone", 13812345678.0, "13812345678"),
        ("work_months", 6.0, "6"),
        ("income_wage", 1234.5, "1234.5"),
        ("medical_insurance", True, "是"),
        ("house_assessed_on", date(2020, 1, 2), "2020-01-02"),
        ("address", "'=HYPERLINK(1)", "=HYPERLINK(1)"),
        ("address", "'not a formula", "'not a formula"),
    ],
)
def test_cell_text(key: str, value: Any, text: str) -> None:
    assert cell_text(key, value) == text


# ---------------------------------------------------------------- scope


def test_a_town_user_cannot_import_into_another_town(
    regions: RegionTree, tmp_path: Path, make_user: Any
) -> None:
    town_a = make_user(Role.TOWN_STAFF, regions.town_a)
    path = write_xlsx(
        tmp_path / "r.xlsx", household("A-1", 1) + household("B-1", 1, group_code=GROUP_B)
    )
    report = roster_check(path, actor=town_a, today=TODAY).report
    assert codes_by_row(report) == {3: {RosterErrorCode.GROUP_OUT_OF_SCOPE.code}}
    assert report.households_valid == 1

    district = make_user(Role.DISTRICT_STAFF, regions.county)
    assert roster_check(path, actor=district, today=TODAY).report.ok
    result = roster_import(path, actor=town_a, commit=True, skip_invalid=True, today=TODAY)
    assert result.households == 1
    assert list(Household.objects.values_list("household_no", flat=True)) == ["A-1"]


# ---------------------------------------------------------------- guards before parsing


def _bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", bytes(8 << 20))
    return path


def _macro(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/vbaProject.bin", b"\x00")
    return path


def _many(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for n in range(10_001):
            archive.writestr(f"xl/x{n}.xml", b"")
    return path


def _traversal(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("../x", b"x")
    return path


def _write(data: bytes) -> Any:
    def make(path: Path) -> Path:
        path.write_bytes(data)
        return path

    return make


@pytest.mark.parametrize(
    ("name", "make", "code"),
    [
        ("bomb.xlsx", _bomb, UploadErrorCode.ZIP_RATIO),
        ("macro.xlsx", _macro, UploadErrorCode.MACRO),
        ("many.xlsx", _many, UploadErrorCode.ZIP_ENTRIES),
        ("trav.xlsx", _traversal, UploadErrorCode.ZIP_NAME),
        (
            "locked.xlsx",
            _write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)),
            UploadErrorCode.ENCRYPTED,
        ),
        (
            "setup.xlsx",
            _write(b"MZ\x90\x00\x03\x00\x00\x00" + bytes(600)),
            UploadErrorCode.EXECUTABLE,
        ),
        ("huge.csv", _write(b"a," * (10 << 20) + b"\n"), UploadErrorCode.TOO_LARGE),
        ("roster.xls", _write(b"x,y\n"), UploadErrorCode.BAD_EXTENSION),
    ],
)
def test_refused_files_never_reach_a_parser(
    regions: RegionTree,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    make: Any,
    code: UploadErrorCode,
) -> None:
    # given: any attempt to parse fails the test
    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the parser was called")

    monkeypatch.setattr(imports.checks, "open_sheet", no_parsing)
    monkeypatch.setattr(imports.reading.CalamineWorkbook, "from_path", no_parsing)
    monkeypatch.setattr(imports.reading.csv, "reader", no_parsing)
    path = make(tmp_path / name)
    before = counts()

    # when / then
    with pytest.raises(DomainError) as caught:
        roster_import(path, actor=None, commit=True, skip_invalid=True, today=TODAY)
    assert caught.value.code == code
    assert counts() == before


# ---------------------------------------------------------------- report and template


def _cells(path: Path, sheet: int = 0) -> list[list[Any]]:
    workbook = CalamineWorkbook.from_path(str(path))
    return list(workbook.get_sheet_by_index(sheet).iter_rows())


def test_error_report_workbook_lists_every_issue_masked(
    regions: RegionTree, tmp_path: Path
) -> None:
    # given: broken rows whose personal values are nearly valid
    rows = [
        head_row("M-1", id_number=make_id()[:-1] + "Y", phone="1381234567"),
        head_row("M-2", bank_account="62170000123456X", name="=HYPERLINK(1)"),
        head_row("M-3", id_number="5.00102E+17", health=""),
    ]
    report = roster_check(write_xlsx(tmp_path / "r.xlsx", rows), actor=None, today=TODAY).report
    target = tmp_path / "report.xlsx"

    # when
    report_workbook_write(report, target)

    # then
    cells = _cells(target)
    assert len(cells) == len(report.issues) + 1
    text = " ".join(str(c) for row in cells for c in row)
    assert not ID18.search(text)
    assert not MOBILE.search(text)
    assert "62170000123456X" not in text
    assert {int(r[0]) for r in cells[1:]} == {2, 3, 4}
    assert all(r[4] and r[5] for r in cells[1:])  # reasons in both languages
    with zipfile.ZipFile(target) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet


def test_template_has_every_column_and_notes(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    template_workbook_write(path)
    header = _cells(path)[0]
    assert header == [c.zh for c in COLUMNS]
    notes = _cells(path, 1)
    assert [r[1] for r in notes[1 : len(COLUMNS) + 1]] == [c.en for c in COLUMNS]
    by_en = {r[1]: r for r in notes[1:]}
    assert "脱贫户" in by_en["Category"][3]
    assert by_en["ID number"][2].startswith("是")
    with zipfile.ZipFile(path) as archive:
        assert not any("vba" in n.lower() for n in archive.namelist())
        styles = archive.read("xl/styles.xml").decode()
    assert 'formatCode="@"' in styles or 'numFmtId="49"' in styles


# ---------------------------------------------------------------- the command


def test_import_roster_command(regions: RegionTree, tmp_path: Path, capsys: Any) -> None:
    # given
    good = household("CMD-1", 2)
    bad = [head_row("CMD-2", id_number="5.00102E+17")]
    path = write_xlsx(tmp_path / "r.xlsx", good + bad)
    out = tmp_path / "report.xlsx"
    before = counts()

    # a dry run with errors fails and writes nothing
    with pytest.raises(CommandError):
        call_command("import_roster", str(path), "--report", str(out))
    printed = capsys.readouterr().out
    assert "第 4 行" in printed
    assert "Excel" in printed
    assert not ID18.search(printed)
    assert out.exists()
    assert counts() == before

    # --commit alone is refused as a whole
    with pytest.raises(CommandError):
        call_command("import_roster", str(path), "--commit")
    assert counts() == before

    # --commit --skip-invalid imports the valid household only
    call_command("import_roster", str(path), "--commit", "--skip-invalid")
    assert "已导入" in capsys.readouterr().out
    assert list(Household.objects.values_list("household_no", flat=True)) == ["CMD-1"]


def test_import_roster_command_clean_file(regions: RegionTree, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", household("CMD-3", 1))
    call_command("import_roster", str(path))
    assert Household.objects.count() == 0
    call_command("import_roster", str(path), "--commit")
    assert Household.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("import_roster", str(tmp_path / "missing.xlsx"))


def test_commit_writes_history_and_leaves_the_id_sequences_usable(
    regions: RegionTree, tmp_path: Path
) -> None:
    # given two imports one after the other (ids are reserved by the bulk path)
    roster_import(write_xlsx(tmp_path / "a.xlsx", household("Q-1", 2)), actor=None, commit=True)
    roster_import(write_xlsx(tmp_path / "b.xlsx", household("Q-2", 3)), actor=None, commit=True)

    # then every row has its first history version, with the import as the reason
    for model in (Household, Member, HouseholdFacts, IncomeLine, SpendingLine):
        history = model.history.model
        assert history.objects.count() == model.objects.count() > 0
        assert set(history.objects.values_list("history_type", "history_change_reason")) == {
            ("+", imports.SOURCE)
        }
    q2 = Household.objects.get(household_no="Q-2")
    assert q2.members.count() == 3
    assert q2.created_at is not None
    assert q2.history.get().member_count == 3

    # and an ordinary insert afterwards gets a fresh id
    from zhenxing.households.services import income_line_record

    line = income_line_record(
        actor=None, household=q2, year=2025, kind="wage", amount=Decimal("1"), source="test"
    )
    assert line.pk > max(IncomeLine.objects.exclude(pk=line.pk).values_list("pk", flat=True))
