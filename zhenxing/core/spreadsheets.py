"""Reading tabular files (csv, xlsx, xls, ods) as rows of raw cell values.

Every consumer decides what a cell means; `cell_text` gives the text form. A number cell is
never silently trusted as an identifier: callers that need text (ID numbers) check the type.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("文件编码无法识别（应为 UTF-8 或 GB18030）/ unknown text encoding")


def read_rows(path: Path) -> Iterator[list[Any]]:
    """Rows of the first sheet (or the csv file), cells as the reader gives them."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from csv.reader(io.StringIO(_decode(path.read_bytes())))
        return
    if suffix in EXCEL_SUFFIXES:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        yield from sheet.iter_rows()
        return
    raise ValueError(f"不支持的文件类型 {suffix} / unsupported file type {suffix}")


def cell_text(value: Any) -> str:
    """Text of a cell; a whole float (Excel's numbers) loses its '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()
