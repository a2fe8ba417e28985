"""County-level address codes (GB/T 2260) and the last year each was in use.

Holds:
- `area_codes`: every county-level code an ID number may carry → the last year it was in use
  (`None` while it still is).
- `parse_stdnum_locations`: python-stdnum's `cn/loc.dat` in that form.
- `read_history_supplement`: the bundled codes python-stdnum does not list, in that form.

The main source is the `python-stdnum` package, which keeps `stdnum/cn/loc.dat` up to date
from the yearly tables (each code with the years it was assigned). Upgrading the package is how
new codes arrive (`uv lock --upgrade-package python-stdnum`). `data/area_codes_history.tsv`
adds the historical codes that table lacks (see data/README.md).

Only the last year matters here: an ID number is re-issued with the current code when a county
is renamed or merged, so a code created after someone's birth is normal on their card, while a
code abolished before their birth year cannot be on it. python-stdnum's own check (the code must
exist in the birth year) is stricter than that and is not used.

Pure: reads package data files, no database, no settings.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from importlib import resources

_PROVINCE_LINE = re.compile(r'([0-9]{2}) province="[^"]*"')
_COUNTY_LINE = re.compile(r'  ([0-9]{4}) county="([^"]*)"')
# One name in a county value: optionally "[start-end]" before it, either year may be empty.
_PERIOD = re.compile(r"\[([0-9]{4})?-([0-9]{4})?\](.+)")


def parse_stdnum_locations(text: str) -> dict[str, int | None]:
    """County codes of `cn/loc.dat` → last year in use (`None`: still in use).

    A value such as `[-1991]东郊区,[1992-]东丽区` lists the names a code has had; the code is
    in use as long as any of them is. Province (`××0000`) and prefecture (`××××00`) codes are
    left out. Any line in an unexpected shape raises `ValueError`, so a change of format in a new
    release fails the tests instead of silently dropping codes.
    """
    codes: dict[str, int | None] = {}
    province: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if match := _PROVINCE_LINE.fullmatch(line):
            province = match.group(1)
            continue
        match = _COUNTY_LINE.fullmatch(line)
        if match is None or province is None:
            raise ValueError(f"cn/loc.dat line {number}: unexpected {line!r}")
        code = province + match.group(1)
        if code.endswith("00"):
            continue
        codes[code] = _last_year(match.group(2), number)
    return codes


def _last_year(value: str, line_number: int) -> int | None:
    ends: list[int] = []
    for part in value.split(","):
        if not part.startswith("["):
            return None
        period = _PERIOD.fullmatch(part)
        if period is None:
            raise ValueError(f"cn/loc.dat line {line_number}: unexpected period {part!r}")
        if period.group(2) is None:
            return None
        ends.append(int(period.group(2)))
    return max(ends)


def read_history_supplement(text: str) -> dict[str, int | None]:
    """`code<TAB>last year (empty: still in use)<TAB>name` lines → {code: last year}."""
    codes: dict[str, int | None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        code, last, _name = line.split("\t")
        if not re.fullmatch(r"[0-9]{6}", code) or code.endswith("00"):
            raise ValueError(f"area_codes_history.tsv line {number}: bad code {code!r}")
        codes[code] = int(last) if last else None
    return codes


def stdnum_locations_text() -> str:
    return resources.files("stdnum").joinpath("cn/loc.dat").read_text("utf-8")


def history_supplement_text() -> str:
    return (
        resources.files("zhenxing.core").joinpath("data/area_codes_history.tsv").read_text("utf-8")
    )


@functools.cache
def area_codes() -> Mapping[str, int | None]:
    """Every known county-level code → the last year it was in use (`None`: in use today)."""
    codes = read_history_supplement(history_supplement_text())
    codes.update(parse_stdnum_locations(stdnum_locations_text()))
    return codes
