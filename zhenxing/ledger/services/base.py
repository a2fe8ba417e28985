"""Shared by the ledger's writes: the command-line operator's name and chunked key lists."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

CLI_OPERATOR = "命令行 CLI"
_CHUNK = 2000  # keys per IN (…) list: far below SQLite's and PostgreSQL's parameter limits


def chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ---------------------------------------------------------------- accounts
