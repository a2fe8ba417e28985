"""Bad roster input is refused with a row and a column, never a crash (security.md E4, E5, E8).

- E8: out-of-range amounts (`1E+30`, thirty nines, NaN, Infinity, negatives) are refused by
  `validation.parse_money` with a reason, never `InvalidOperation`.
- E4: a free-text cell (a name, an address …) that starts like a formula (`=`, `+`, `-`, `@`,
  tab, CR) is a row error in the import report and is never committed.
- E5: the row checker never raises an unhandled exception, whatever the cell texts.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhenxing.accounts.tests.factories import RegionTree
from zhenxing.core.errors import DomainError
from zhenxing.households.columns import BY_KEY, COLUMNS
from zhenxing.households.errors import RosterErrorCode
from zhenxing.households.imports import ImportReport, cell_text, roster_check, roster_import
from zhenxing.households.imports.checks import _Checker
from zhenxing.households.models import Member
from zhenxing.households.tests.test_imports import (
    TODAY,
    build_regions,
    counts,
    head_row,
    household,
    write_xlsx,
)
from zhenxing.households.validation import parse_cell, parse_money, parse_row

FORMULAS = [
    '=HYPERLINK("http://evil.example","点我")',
    "+cmd|' /C calc'!A",
    "@SUM(A:A)",
    "-cmd|'/C calc'!A",
    "\t=1+1",
    "\r=1+1",
    "\tplain",
    " =1+1",
    "＝1+1",  # full-width: NFKC folds it to "="
]


@pytest.fixture
def regions(db: None) -> RegionTree:
    return build_regions()


@pytest.fixture(autouse=True)
def _private_var(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


# ---------------------------------------------------------------- E8: amounts


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1E+30", RosterErrorCode.OUT_OF_RANGE),
        ("9" * 30, RosterErrorCode.OUT_OF_RANGE),
        ("9" * 30 + ".99", RosterErrorCode.OUT_OF_RANGE),
        ("1e999999999", RosterErrorCode.OUT_OF_RANGE),
        ("9" * 5000, RosterErrorCode.OUT_OF_RANGE),
        ("100000000.01", RosterErrorCode.OUT_OF_RANGE),
        ("NaN", RosterErrorCode.BAD_MONEY),
        ("sNaN", RosterErrorCode.BAD_MONEY),
        ("-NaN", RosterErrorCode.BAD_MONEY),
        ("Infinity", RosterErrorCode.BAD_MONEY),
        ("-Infinity", RosterErrorCode.BAD_MONEY),
        ("inf", RosterErrorCode.BAD_MONEY),
        ("-5", RosterErrorCode.BAD_MONEY),
        ("-0.01", RosterErrorCode.BAD_MONEY),
        ("1.005", RosterErrorCode.BAD_MONEY),
        ("1E-30", RosterErrorCode.BAD_MONEY),
        ("十元", RosterErrorCode.BAD_MONEY),
        ("1,2,3x", RosterErrorCode.BAD_MONEY),
    ],
)
def test_parse_money_refuses_with_a_reason(raw: str, code: RosterErrorCode) -> None:
    with pytest.raises(DomainError) as caught:
        parse_money(raw)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("0", Decimal("0")),
        ("12,000", Decimal("12000")),
        ("3000.50", Decimal("3000.50")),
        ("1.500", Decimal("1.5")),
        ("1E+3", Decimal("1000")),
        ("100000000", Decimal("100000000")),
        ("１２３", Decimal("123")),
    ],
)
def test_parse_money_accepts_amounts(raw: str, amount: Decimal) -> None:
    assert parse_money(raw) == amount


@pytest.mark.parametrize("raw", ["1E+30", "9" * 30, "NaN", "Infinity", "-5"])
def test_an_out_of_range_amount_is_a_row_error_in_the_report(
    regions: RegionTree, tmp_path: Path, raw: str
) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [*household("M-1", 1), head_row("M-2", income_wage=raw)])

    report = roster_check(path, actor=None, today=TODAY).report

    [issue] = report.issues
    assert (issue.row, issue.column, issue.header_zh) == (3, "income_wage", "工资性收入")
    assert issue.code in {RosterErrorCode.OUT_OF_RANGE.code, RosterErrorCode.BAD_MONEY.code}
    assert not report.fatal
    assert report.households_valid == 1


# ---------------------------------------------------------------- E4: formula-like text


@pytest.mark.parametrize("text", FORMULAS)
@pytest.mark.parametrize(("key", "zh"), [("name", "姓名"), ("address", "住址")])
def test_a_formula_like_text_cell_is_refused(key: str, zh: str, text: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_cell(BY_KEY[key], text)
    assert caught.value.code == RosterErrorCode.FORMULA_LIKE
    assert caught.value.field == key
    assert zh in caught.value.message_zh


@pytest.mark.parametrize("text", ["邓明福", "欧阳-明", "王@", "a=b", "柳溪村 1-8 号"])
def test_text_that_only_contains_those_characters_is_accepted(text: str) -> None:
    key = "address" if any(c in text for c in "=- ") else "name"
    assert parse_cell(BY_KEY[key], text) == text


def test_formula_like_names_are_row_errors_and_never_committed(
    regions: RegionTree, tmp_path: Path
) -> None:
    # given one clean household and one per formula-like name (rows 3 …)
    planted = FORMULAS[:4]
    rows = [*household("F-0", 1)]
    rows += [head_row(f"F-{n}", name=name) for n, name in enumerate(planted, start=1)]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    before = counts()

    # when the file is checked
    report = roster_check(path, actor=None, today=TODAY).report

    # then each formula-like name is a row error naming its row and column, in Chinese
    formula = [i for i in report.issues if i.code == RosterErrorCode.FORMULA_LIKE.code]
    assert [(i.row, i.column, i.header_zh) for i in formula] == [
        (row, "name", "姓名") for row in range(3, 3 + len(planted))
    ]
    assert all("姓名" in i.message_zh and "公式" in i.message_zh for i in formula)

    # and a commit of "valid households only" takes the clean household and none of them
    result = roster_import(path, actor=None, commit=True, skip_invalid=True, today=TODAY)
    assert (result.households, result.members) == (1, 1)
    assert counts()[:2] == (before[0] + 1, before[1] + 1)
    assert not Member.objects.filter(name__in=planted).exists()


# ---------------------------------------------------------------- E5: no crash on any cell

_CELL_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789.,-+eE ", max_size=400),
    st.sampled_from(["NaN", "Infinity", "1E+30", "9" * 30, "=1+1", "'=1", "\t", "\r\n"]),
)
_ROW = st.dictionaries(st.sampled_from([c.key for c in COLUMNS]), _CELL_TEXT, max_size=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.booleans(), cells=_ROW)
def test_the_row_checker_never_raises_on_any_cell_text(base: bool, cells: dict[str, str]) -> None:
    # a valid row with some cells replaced, or only the drawn cells
    row = {k: str(v) for k, v in head_row().items()} if base else {}
    row.update(cells)
    parsed = parse_row(row, 2, TODAY)
    assert all(isinstance(e, DomainError) and e.row == 2 for e in parsed.errors)
    checker = _Checker(actor=None, today=TODAY, report=ImportReport())
    checker.parse(2, row)
    assert all(i.row == 2 for i in checker.report.issues)


_CELL_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.datetimes(),
    st.dates(),
    st.times(),
    st.timedeltas(),
)


@settings(max_examples=300, deadline=None)
@given(key=st.sampled_from(["", *(c.key for c in COLUMNS)]), value=_CELL_VALUE)
def test_every_cell_value_reads_as_text_and_parses_or_is_refused(key: str, value: Any) -> None:
    text = cell_text(key, value)
    assert isinstance(text, str)
    if key:
        field = None
        try:
            parse_cell(BY_KEY[key], text)
            field = key
        except DomainError as exc:
            field = exc.field
        assert field == key


@pytest.mark.parametrize("raw", ["9" * 5000, "-" + "9" * 5000, "0" * 30 + "5"])
def test_a_whole_number_of_thousands_of_digits_is_out_of_range_not_a_crash(raw: str) -> None:
    if raw.startswith("0"):
        assert parse_cell(BY_KEY["work_months"], raw) == 5
        return
    with pytest.raises(DomainError) as caught:
        parse_cell(BY_KEY["work_months"], raw)
    assert caught.value.code == RosterErrorCode.OUT_OF_RANGE
