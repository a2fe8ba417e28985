"""The division roster file: two columns, code and name (an NBS table saved as xlsx or csv)."""

from __future__ import annotations

from pathlib import Path

from zhenxing.core.spreadsheets import cell_text, read_rows

HEADER_WORDS = {"code", "代码", "区划代码", "统计用区划代码"}


def roster_rows(path: Path) -> list[tuple[int, str, str]]:
    """(row number as the user sees it, code, name); a header row is skipped."""
    rows: list[tuple[int, str, str]] = []
    for number, row in enumerate(read_rows(path), start=1):
        cells = [cell_text(c) for c in row] + ["", ""]
        code, name = cells[0], cells[1]
        if not code and not name:
            continue
        if number == 1 and code.strip().lower() in HEADER_WORDS:
            continue
        rows.append((number, code, name))
    return rows
