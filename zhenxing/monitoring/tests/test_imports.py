"""Department alert files: every row validated and matched; bad rows reported, never guessed."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter
from django.core.management import call_command
from django.core.management.base import CommandError

from zhenxing.core.crypto import decrypt
from zhenxing.households.models import ID_CONTEXT
from zhenxing.households.tests.factories import id_number
from zhenxing.monitoring.imports import AlertRefused, alerts_import
from zhenxing.monitoring.models import AlertImport, Channel, Lead
from zhenxing.monitoring.tests.factories import MonitoringWorld

HEADER = ["身份证号", "姓名", "事件日期", "金额", "说明"]


def _id(world: MonitoringWorld, household: object, relation: str = "head") -> tuple[str, str]:
    member = household.members.get(relation=relation)  # type: ignore[attr-defined]
    return decrypt(member.id_cipher, context=ID_CONTEXT), member.name


def _csv(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "alerts.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADER, *rows])
    return path


def test_bad_rows_are_reported_with_row_column_masked_value_and_reason(
    world: MonitoringWorld, tmp_path: Path
) -> None:
    a1_id, a1_name = _id(world, world.a1)
    b1_id, b1_name = _id(world, world.b1)
    other_id, other_name = _id(world, world.other)
    unknown = id_number(date(1966, 6, 6))
    path = _csv(
        tmp_path,
        [
            [a1_id, a1_name, "2025-03-01", "12000.50", "住院自付"],  # 2 matched
            [unknown, "无名氏", "2025-03-01", "", ""],  # 3 unmatched
            [b1_id, "李某某", "2025-03-01", "", ""],  # 4 ambiguous: name differs
            [a1_id[:17] + ("0" if a1_id[17] != "0" else "1"), a1_name, "2025-03-01", "", ""],  # 5
            [b1_id, b1_name, "2025-02-30", "", ""],  # 6 bad date
            [b1_id, b1_name, "2025-03-02", "-5", ""],  # 7 bad amount
            [a1_id, a1_name, "2025-03-01", "1", "again"],  # 8 duplicate of row 2
            ["", "", "", "", ""],  # a blank line is skipped
            [other_id, other_name, "2025-03-01", "", ""],  # 10 other county: unmatched
        ],
    )
    # when the district user checks it
    report = alerts_import(path, actor=world.users["district"], source="medical", commit=False)
    # then
    assert (report.rows, report.matched, report.unmatched, report.ambiguous, report.invalid) == (
        8, 1, 2, 1, 4,
    )  # fmt: skip
    by_row = {(i.row, i.column): i for i in report.issues}
    assert by_row[(3, "id_number")].code == "monitoring.alert_unmatched"
    assert by_row[(3, "id_number")].value == unknown[:6] + "********" + unknown[-4:]
    assert by_row[(4, "name")].code == "monitoring.alert_name_mismatch"
    assert by_row[(5, "id_number")].code == "ID_CHECK_DIGIT"
    assert by_row[(6, "event_date")].code == "monitoring.alert_date_bad"
    assert by_row[(7, "amount")].code == "monitoring.alert_amount_bad"
    assert by_row[(8, "id_number")].code == "monitoring.alert_duplicate"
    assert "第 2 行" in by_row[(8, "id_number")].message_zh
    assert by_row[(10, "id_number")].code == "monitoring.alert_unmatched"
    assert all(a1_id not in i.value and b1_id not in i.value for i in report.issues)
    assert Lead.objects.count() == 0

    # a commit with invalid rows is refused as a whole ...
    with pytest.raises(AlertRefused):
        alerts_import(path, actor=world.users["district"], source="medical", commit=True)
    assert Lead.objects.count() == 0
    # ... unless the user chose to skip them; then the matched row becomes one lead, once
    done = alerts_import(
        path, actor=world.users["district"], source="medical", commit=True, skip_invalid=True
    )
    assert done.leads_created == 1
    lead = Lead.objects.get()
    assert lead.household_id == world.a1.pk
    assert lead.channel == Channel.DEPARTMENT
    assert lead.amount == 1_200_050
    assert lead.source == "medical"
    again = alerts_import(
        path, actor=world.users["district"], source="medical", commit=True, skip_invalid=True
    )
    assert again.leads_created == 0
    assert again.already == 1
    assert Lead.objects.count() == 1
    assert AlertImport.objects.count() == 2


def test_a_numeric_id_cell_in_xlsx_is_refused(world: MonitoringWorld, tmp_path: Path) -> None:
    a1_id, a1_name = _id(world, world.a1)
    path = tmp_path / "alerts.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    for col, text in enumerate(HEADER):
        sheet.write_string(0, col, text)
    sheet.write_number(1, 0, float(a1_id[:15]) * 1000)
    sheet.write_string(1, 1, a1_name)
    sheet.write_string(1, 2, "2025-03-01")
    workbook.close()
    report = alerts_import(path, actor=None, source="housing", commit=False)
    assert report.invalid == 1
    assert report.issues[0].code == "ID_NUMERIC_CELL"


def test_the_command(
    world: MonitoringWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a1_id, a1_name = _id(world, world.a1)
    path = _csv(tmp_path, [[a1_id, a1_name, "2025-03-01", "", "辍学"]])
    call_command("import_alerts", str(path), "--source", "education")
    assert Lead.objects.count() == 0
    call_command("import_alerts", str(path), "--source", "education", "--commit")
    out = capsys.readouterr().out
    assert "leads created: 1" in out
    assert a1_id not in out
    bad = _csv(tmp_path, [["123", a1_name, "2025-03-01", "", ""]])
    with pytest.raises(CommandError):
        call_command("import_alerts", str(bad), "--source", "education", "--commit")


def test_a_file_without_the_header_is_refused(world: MonitoringWorld, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    from zhenxing.core.errors import DomainError

    with pytest.raises(DomainError):
        alerts_import(path, actor=None, source="medical", commit=False)
