"""The import's workbooks: the full error report and the blank roster template, as xlsx
(constant memory; every value written as text, formula-like text neutralised, security.md E4).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from zhenxing.households.columns import COLUMNS, NUMBER_KEYS, REQUIRED_FACTS, column_note
from zhenxing.households.exports import neutralise, roster_workbook, write_header
from zhenxing.households.imports.report import ImportReport

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
