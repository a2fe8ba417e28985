"""Writes to the division tree: create, rename, merge, roster loading (service and command)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from django.core.management import call_command
from django.core.management.base import CommandError

from zhenxing.audit.models import AuditEvent
from zhenxing.core.errors import DomainError
from zhenxing.regions.domain import RegionErrorCode
from zhenxing.regions.imports import roster_rows
from zhenxing.regions.models import Division, DivisionChange
from zhenxing.regions.selectors import division_current
from zhenxing.regions.services import (
    division_create,
    division_merge,
    division_rename,
    regions_load_roster,
)
from zhenxing.regions.tests.factories import DivisionFactory, division_tree

pytestmark = pytest.mark.django_db

FULING = Path(__file__).resolve().parent.parent / "fixtures" / "fuling.csv"
START = date(2016, 12, 31)


def _counts() -> tuple[int, int, int]:
    return Division.objects.count(), DivisionChange.objects.count(), AuditEvent.objects.count()


def _write_csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    path.write_text("code,name\n" + "".join(f"{c},{n}\n" for c, n in rows), encoding="utf-8")
    return path


GOOD_ROWS = [
    ("500102", "涪陵区"),
    ("500102104", "珍溪镇"),
    ("500102104201", "石牛村"),
    ("500102104201006", "六组"),
    ("500102004", "江北街道"),
    ("500102004001", "江北一社区"),
]


# --- create ---------------------------------------------------------------------------------


def test_create_derives_the_parent_and_denormalised_codes_from_the_code() -> None:
    # given
    county = DivisionFactory(code="500102")
    town = DivisionFactory(code="500102104")

    # when
    village = division_create(actor=None, code="500102104201", name=" 石牛村 ", valid_from=START)

    # then
    village.refresh_from_db()
    assert village.parent == town
    assert town.parent == county
    assert (village.level, village.kind, village.name) == ("village", "village", "石牛村")
    assert (village.county_code, village.town_code, village.village_code) == (
        "500102",
        "500102104",
        "500102104201",
    )
    change = DivisionChange.objects.get(division=village)
    assert (change.kind, change.new_code, change.effective_date) == ("create", village.code, START)
    event = AuditEvent.objects.get()
    assert (event.event, event.object_id) == ("region.change", str(village.pk))
    assert event.detail == {"kind": "create", "code": "500102104201"}


def test_create_reads_a_zero_padded_town_code_as_the_town() -> None:
    DivisionFactory(code="500102")

    town = division_create(actor=None, code="500102104000", name="珍溪镇", valid_from=START)

    assert (town.code, town.level, town.kind, town.parent.code) == (  # type: ignore[union-attr]
        "500102104",
        "town",
        "town",
        "500102",
    )


@pytest.mark.parametrize(
    "parent_code",
    [
        "500102",  # the county: one level too high
        "500102105",  # a town, but not the one the code names
        "500102105201",  # a village
    ],
)
def test_create_refuses_a_parent_of_the_wrong_level_and_saves_nothing(parent_code: str) -> None:
    # given
    division_tree("500102", "500102104", "500102105", "500102105201")
    before = _counts()

    # when
    with pytest.raises(DomainError) as caught:
        division_create(
            actor=None,
            code="500102104201",
            name="石牛村",
            parent_code=parent_code,
            valid_from=START,
        )

    # then
    assert caught.value.code is RegionErrorCode.WRONG_PARENT
    assert parent_code in caught.value.message_en
    assert _counts() == before
    assert not Division.objects.filter(code="500102104201").exists()


def test_create_refuses_a_missing_parent() -> None:
    DivisionFactory(code="500102")

    with pytest.raises(DomainError) as caught:
        division_create(actor=None, code="500102104201", name="石牛村", valid_from=START)

    assert caught.value.code is RegionErrorCode.PARENT_MISSING
    assert Division.objects.count() == 1


def test_create_refuses_a_duplicate_current_code() -> None:
    division_tree("500102", "500102104")
    before = _counts()

    with pytest.raises(DomainError) as caught:
        division_create(actor=None, code="500102104", name="另一个珍溪镇", valid_from=START)

    assert caught.value.code is RegionErrorCode.DUPLICATE
    assert _counts() == before


def test_create_refuses_an_empty_name() -> None:
    DivisionFactory(code="500102")

    with pytest.raises(DomainError) as caught:
        division_create(actor=None, code="500102104", name="  ", valid_from=START)

    assert caught.value.code is RegionErrorCode.NAME_REQUIRED
    assert Division.objects.count() == 1


# --- rename and merge -----------------------------------------------------------------------


def test_rename_records_the_change_with_its_effective_date_and_an_audit_row(
    make_user: Callable[..., Any],
) -> None:
    # given
    tree = division_tree("500102", "500102104")
    town = tree["500102104"]
    town.name = "珍溪乡"
    town.save()
    admin = make_user("system_admin")

    # when
    division_rename(actor=admin, division=town, new_name="珍溪镇", effective_date=date(2020, 5, 1))

    # then
    town.refresh_from_db()
    assert town.name == "珍溪镇"
    assert town.valid_to is None
    change = DivisionChange.objects.get(division=town)
    assert (change.kind, change.old_name, change.new_name, change.effective_date) == (
        "rename",
        "珍溪乡",
        "珍溪镇",
        date(2020, 5, 1),
    )
    assert change.recorded_by == admin.username
    event = AuditEvent.objects.get()
    assert (event.event, event.actor_username, event.object_id) == (
        "region.change",
        admin.username,
        str(town.pk),
    )
    assert event.detail["kind"] == "rename"


def test_merge_ends_the_absorbed_division_the_day_before_and_records_the_successor() -> None:
    # given
    tree = division_tree("500102", "500102104", "500102104201", "500102104202")
    absorbed, successor = tree["500102104202"], tree["500102104201"]

    # when
    division_merge(actor=None, division=absorbed, into=successor, effective_date=date(2021, 1, 1))

    # then
    absorbed.refresh_from_db()
    assert absorbed.valid_to == date(2020, 12, 31)
    change = DivisionChange.objects.get(division=absorbed)
    assert (change.kind, change.successor, change.effective_date) == (
        "merge",
        successor,
        date(2021, 1, 1),
    )
    assert (change.old_code, change.new_code) == ("500102104202", "500102104201")
    with pytest.raises(DomainError) as caught:
        division_current("500102104202")
    assert caught.value.code is RegionErrorCode.UNKNOWN
    assert division_current("500102104201") == successor
    event = AuditEvent.objects.get()
    assert event.detail == {"kind": "merge", "code": "500102104202", "into": "500102104201"}


def test_a_merged_code_may_be_created_again_as_a_new_division() -> None:
    tree = division_tree("500102", "500102104", "500102104201", "500102104202")
    division_merge(
        actor=None,
        division=tree["500102104202"],
        into=tree["500102104201"],
        effective_date=date(2021, 1, 1),
    )

    reborn = division_create(
        actor=None, code="500102104202", name="新村", valid_from=date(2022, 1, 1)
    )

    assert Division.objects.filter(code="500102104202").count() == 2
    assert division_current("500102104202") == reborn


@pytest.mark.parametrize(
    ("into_code", "effective", "error"),
    [
        ("500102104201", START, RegionErrorCode.BAD_DATES),  # not after valid_from
        ("500102104201", date(2016, 1, 1), RegionErrorCode.BAD_DATES),
        ("500102104", date(2021, 1, 1), RegionErrorCode.MERGE_TARGET),  # into a town
        ("500102104202", date(2021, 1, 1), RegionErrorCode.MERGE_TARGET),  # into itself
    ],
)
def test_merge_refuses_bad_dates_and_a_successor_of_another_level(
    into_code: str, effective: date, error: RegionErrorCode
) -> None:
    tree = division_tree("500102", "500102104", "500102104201", "500102104202")
    before = _counts()

    with pytest.raises(DomainError) as caught:
        division_merge(
            actor=None,
            division=tree["500102104202"],
            into=tree[into_code],
            effective_date=effective,
        )

    assert caught.value.code is error
    assert _counts() == before
    tree["500102104202"].refresh_from_db()
    assert tree["500102104202"].valid_to is None


# --- roster loading -------------------------------------------------------------------------


def test_roster_csv_loads_every_row_with_parents_linked(tmp_path: Path) -> None:
    # given
    path = _write_csv(tmp_path / "roster.csv", GOOD_ROWS)

    # when
    report = regions_load_roster(actor=None, rows=roster_rows(path), valid_from=START)

    # then
    assert (report.created, report.unchanged, report.errors) == (len(GOOD_ROWS), 0, [])
    loaded = {d.code: d for d in Division.objects.select_related("parent")}
    assert {(c, d.name) for c, d in loaded.items()} == set(GOOD_ROWS)
    assert loaded["500102"].parent is None
    assert loaded["500102104201006"].parent == loaded["500102104201"]
    assert loaded["500102104201"].parent == loaded["500102104"]
    assert loaded["500102004001"].kind == "community"
    assert AuditEvent.objects.get().detail == {
        "kind": "roster",
        "created": len(GOOD_ROWS),
        "renamed": 0,
    }


def test_roster_xlsx_loads_numeric_and_text_code_cells(tmp_path: Path) -> None:
    # given: Excel users type codes as numbers; the 12-digit padded town form too
    path = tmp_path / "roster.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["区划代码", "名称"])
    sheet.write_number(1, 0, 500102)
    sheet.write_string(1, 1, "涪陵区")
    sheet.write_number(2, 0, 500102104000)
    sheet.write_string(2, 1, "珍溪镇")
    sheet.write_string(3, 0, "500102104201")
    sheet.write_string(3, 1, "石牛村")
    sheet.write_number(4, 0, 500102104201006)
    sheet.write_string(4, 1, "六组")
    workbook.close()

    # when
    rows = roster_rows(path)
    report = regions_load_roster(actor=None, rows=rows, valid_from=START)

    # then
    assert rows == [
        (2, "500102", "涪陵区"),
        (3, "500102104000", "珍溪镇"),
        (4, "500102104201", "石牛村"),
        (5, "500102104201006", "六组"),
    ]
    assert report.created == 4
    assert set(Division.objects.values_list("code", flat=True)) == {
        "500102",
        "500102104",
        "500102104201",
        "500102104201006",
    }


def test_roster_with_bad_rows_reports_each_by_row_number_and_writes_nothing(
    tmp_path: Path,
) -> None:
    # given: one bad row of every kind among good ones (row 1 is the header)
    path = _write_csv(
        tmp_path / "bad.csv",
        [
            ("500102", "涪陵区"),  # 2 ok
            ("500102104", "珍溪镇"),  # 3 ok
            ("50010210x", "坏代码"),  # 4 not digits
            ("5001021", "短代码"),  # 5 bad length
            ("990102", "无此省"),  # 6 bad province
            ("500102400", "乡级越界"),  # 7 town segment
            ("500102104400", "村级越界"),  # 8 village segment
            ("500102104201000", "零组"),  # 9 group 000
            ("500102104201", ""),  # 10 no name
            ("500102104000", "珍溪镇"),  # 11 duplicate of row 3 (padded form)
            ("500102105201", "无上级村"),  # 12 parent 500102105 in neither file nor db
            ("500102104202", "好村"),  # 13 ok
        ],
    )
    before = _counts()

    # when
    report = regions_load_roster(actor=None, rows=roster_rows(path), valid_from=START)

    # then
    assert {(e.row, e.code) for e in report.errors} == {
        (4, RegionErrorCode.NOT_DIGITS),
        (5, RegionErrorCode.BAD_LENGTH),
        (6, RegionErrorCode.BAD_PROVINCE),
        (7, RegionErrorCode.BAD_TOWN_SEGMENT),
        (8, RegionErrorCode.BAD_VILLAGE_SEGMENT),
        (9, RegionErrorCode.BAD_GROUP_SEGMENT),
        (10, RegionErrorCode.NAME_REQUIRED),
        (11, RegionErrorCode.DUPLICATE),
        (12, RegionErrorCode.PARENT_MISSING),
    }
    assert all(e.message_zh and e.message_en for e in report.errors)
    assert report.created == 0
    assert _counts() == before


def test_roster_parent_may_come_from_the_database(tmp_path: Path) -> None:
    division_tree("500102", "500102104")
    path = _write_csv(tmp_path / "villages.csv", [("500102104201", "石牛村")])

    report = regions_load_roster(actor=None, rows=roster_rows(path), valid_from=START)

    assert (report.created, report.errors) == (1, [])
    assert Division.objects.get(code="500102104201").parent.code == "500102104"  # type: ignore[union-attr]


def test_reloading_the_same_roster_creates_nothing(tmp_path: Path) -> None:
    # given
    path = _write_csv(tmp_path / "roster.csv", GOOD_ROWS)
    regions_load_roster(actor=None, rows=roster_rows(path), valid_from=START)
    divisions_before = Division.objects.count()

    # when
    report = regions_load_roster(actor=None, rows=roster_rows(path), valid_from=START)

    # then
    assert (report.created, report.unchanged) == (0, len(GOOD_ROWS))
    assert Division.objects.count() == divisions_before == len(GOOD_ROWS)


def test_roster_check_only_counts_without_writing(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "roster.csv", GOOD_ROWS)
    DivisionFactory(code="500102", name="涪陵区")

    report = regions_load_roster(actor=None, rows=roster_rows(path), valid_from=START, commit=False)

    assert (report.created, report.unchanged) == (len(GOOD_ROWS) - 1, 1)
    assert Division.objects.count() == 1


# --- the load_regions command ---------------------------------------------------------------


def test_load_regions_without_commit_checks_and_writes_nothing(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "roster.csv", GOOD_ROWS)
    out = StringIO()

    call_command("load_regions", str(path), stdout=out)

    assert "checked, not written" in out.getvalue()
    assert _counts() == (0, 0, 0)


def test_load_regions_with_commit_writes(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "roster.csv", GOOD_ROWS)
    out = StringIO()

    call_command("load_regions", str(path), "--commit", "--illustrative", stdout=out)

    assert f"new {len(GOOD_ROWS)}" in out.getvalue()
    assert Division.objects.filter(illustrative=True).count() == len(GOOD_ROWS)


def test_load_regions_with_a_bad_row_fails_names_the_row_and_writes_nothing(
    tmp_path: Path,
) -> None:
    # given: row 4's village hangs under a town the file does not have
    path = _write_csv(
        tmp_path / "bad.csv", [*GOOD_ROWS[:2], ("500102105201", "无上级村"), *GOOD_ROWS[2:]]
    )
    err = StringIO()

    # when
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_regions", str(path), "--commit", stderr=err)

    # then
    assert "row 4 " in err.getvalue()
    assert "500102105201" in err.getvalue()
    assert _counts() == (0, 0, 0)


def test_load_regions_refuses_a_missing_file_and_an_unknown_type(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        call_command("load_regions", str(tmp_path / "absent.csv"), "--commit")
    odd = tmp_path / "roster.txt"
    odd.write_text("500102,涪陵区\n", encoding="utf-8")
    with pytest.raises(CommandError, match="unsupported file type"):
        call_command("load_regions", str(odd), "--commit")
    assert Division.objects.count() == 0


def test_fuling_fixture_loads_the_county_and_27_township_units() -> None:
    call_command("load_regions", str(FULING), "--commit", "--illustrative", stdout=StringIO())

    assert Division.objects.count() == 28
    assert Counter(Division.objects.values_list("kind", flat=True)) == {
        "county": 1,
        "street": 9,
        "town": 12,
        "township": 6,
    }
    county = Division.objects.get(level="county")
    assert (county.code, county.name) == ("500102", "涪陵区")
    assert Division.objects.filter(parent=county).count() == 27
    assert Division.objects.get(name="珍溪镇").code == "500102104"
    assert Division.objects.get(name="大顺乡").kind == "township"


def test_merge_refuses_a_division_already_merged() -> None:
    # given a village merged once
    tree = division_tree("500102", "500102104", "500102104201", "500102104202", "500102104203")
    division_merge(
        actor=None,
        division=tree["500102104202"],
        into=tree["500102104201"],
        effective_date=date(2021, 1, 1),
    )
    # when it is merged again, or something merges into it
    with pytest.raises(DomainError) as again:
        division_merge(
            actor=None,
            division=tree["500102104202"],
            into=tree["500102104203"],
            effective_date=date(2022, 1, 1),
        )
    with pytest.raises(DomainError) as into_old:
        division_merge(
            actor=None,
            division=tree["500102104203"],
            into=tree["500102104202"],
            effective_date=date(2022, 1, 1),
        )
    # then both are refused
    assert again.value.code is RegionErrorCode.NOT_CURRENT
    assert into_old.value.code is RegionErrorCode.MERGE_TARGET


def test_roster_reload_with_a_new_name_records_a_rename() -> None:
    # given a loaded village
    division_tree("500102", "500102104", "500102104201")
    # when the official roster names it differently
    report = regions_load_roster(
        actor=None, rows=[(1, "500102104201", "新名村")], valid_from=date(2024, 1, 1)
    )
    # then it is renamed, with a change record, and nothing is created
    village = division_current("500102104201")
    assert (report.created, report.renamed, report.unchanged) == (0, 1, 0)
    assert village.name == "新名村"
    assert village.changes.filter(kind="rename", new_name="新名村").count() == 1
