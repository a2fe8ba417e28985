"""Reading a roster file: every cell becomes text, a header row is found by its names.

A number cell in the ID column (Excel's scientific notation, or digits lost beyond 15) is turned
into Excel's own display, `5.00102E+17`, which the ID parser refuses with
`IdErrorCode.ID_NUMERIC_CELL`; a bank account of 16+ digits read as a number gets the same
treatment (`BANK_NUMERIC_CELL`). A leading apostrophe that our own export put before a
formula-like text is dropped again (the text is then refused by the checks, security.md E4).
"""

from __future__ import annotations

import csv
import gc
import io
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from zhenxing.core.errors import DomainError
from zhenxing.households.columns import COLUMNS
from zhenxing.households.imports.report import ImportErrorCode
from zhenxing.households.parsers import FORMULA_STARTS


def header_key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).strip().rstrip("*").strip()
    return "".join(folded.split()).casefold()


HEADER_LOOKUP: dict[str, str] = {}
for _c in COLUMNS:
    for _name in (_c.zh, _c.en, _c.key):
        HEADER_LOOKUP[header_key(_name)] = _c.key


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a roster is read and written.

    A 100,000-row import builds a few million small objects that live until it ends; every
    full collection would walk all of them again (a quarter of the run's CPU time, measured
    by benchmarks/bench_import.py). Nothing built here forms reference cycles that need the
    collector, and reference counting still frees everything else at once.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _excel_number(value: float) -> str:
    """How Excel's General format shows a long number: 5.00102E+17."""
    return f"{value:.5E}"


def cell_text(key: str, value: Any) -> str:
    """The text of one cell for column `key`; see the module docstring for number cells."""
    if isinstance(value, str):
        text = value
        if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_STARTS):
            text = text[1:]  # our own export's formula neutralisation
        return text
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        number = float(value)
        if key == "id_number" or (key == "bank_account" and abs(number) >= 1e15):
            return _excel_number(number)
        if number.is_integer() and abs(number) < 2**53:
            return str(int(number))
        return repr(number) if isinstance(value, float) else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta | time):
        return str(value)
    return str(value)


def row_texts(cells: list[Any], columns: list[tuple[int, str]]) -> dict[str, str]:
    """Cell texts by column key; the common case (a text cell) costs no function call."""
    width = len(cells)
    texts: dict[str, str] = {}
    for i, key in columns:
        value = cells[i] if i < width else ""
        if type(value) is str and not value.startswith("'"):
            texts[key] = value
        else:
            texts[key] = cell_text(key, value)
    return texts


@dataclass
class Sheet:
    rows: Iterator[tuple[int, list[Any]]]  # (1-based row number, cells)
    total: int  # rows in the sheet (an estimate for csv)
    close: Callable[[], None]


def open_sheet(path: Path, kind: str) -> Sheet:
    if kind == "csv":
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030")
        del data
        reader = csv.reader(io.StringIO(text))
        return Sheet(
            rows=((n, row) for n, row in enumerate(reader, start=1)),
            total=text.count("\n") + 1,
            close=lambda: None,
        )
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
    except CalamineError as exc:
        raise DomainError(ImportErrorCode.UNREADABLE) from exc
    start = sheet.start[0] if sheet.start else 0

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            yield from enumerate(sheet.iter_rows(), start=start + 1)
        except CalamineError as exc:
            raise DomainError(ImportErrorCode.UNREADABLE) from exc

    return Sheet(rows=rows(), total=sheet.height, close=workbook.close)
