"""Out-of-range and non-finite numbers are refused with a message naming the field (and, in an
alert file, the row and column), never with `InvalidOperation` or a server error (E3, E5, E8)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhenxing.core.crypto import decrypt
from zhenxing.core.errors import DomainError
from zhenxing.households.models import ID_CONTEXT
from zhenxing.monitoring import services
from zhenxing.monitoring.errors import MonitoringErrorCode
from zhenxing.monitoring.imports import COLUMNS, alert_row_check, alerts_import
from zhenxing.monitoring.models import IncomeObservation
from zhenxing.monitoring.services.evidence import _yuan
from zhenxing.monitoring.tests.factories import MonitoringWorld

BAD_AMOUNTS = [
    "1E+30",
    "9" * 30,
    "9" * 30 + ".99",
    "1e999999999",
    "NaN",
    "-NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "-1",
    "-0.01",
    "100000000.01",  # above the 1亿 ceiling
    "0.001",
    "1E-30",
    "12,3,4.5.6",
    "一千",
    "",
    "   ",
]
TODAY = date(2025, 6, 30)


@pytest.mark.parametrize("text", BAD_AMOUNTS)
def test_yuan_refuses_every_bad_amount_with_the_field(text: str) -> None:
    with pytest.raises(DomainError) as refused:
        _yuan(text, "per_capita", "人均纯收入", "Per-capita income")
    assert refused.value.code == MonitoringErrorCode.AMOUNT_BAD
    assert refused.value.field == "per_capita"
    assert "人均纯收入" in refused.value.message_zh
    assert "100,000,000" in refused.value.message_zh


GOOD = [("0", 0), ("9600", 960_000), ("1,234.5", 123_450), ("100000000", 10_000_000_000),
        ("1E+3", 100_000)]  # fmt: skip


@pytest.mark.parametrize(("text", "fen"), GOOD)
def test_yuan_reads_good_amounts(text: str, fen: int) -> None:
    assert _yuan(text, "per_capita", "人均纯收入", "Per-capita income") == fen


@pytest.mark.parametrize("text", ["1E+30", "9" * 30, "NaN", "Infinity", "-5"])
def test_income_observe_refuses_a_huge_amount_and_writes_nothing(
    world: MonitoringWorld, text: str
) -> None:
    with pytest.raises(DomainError) as refused:
        services.income_observe(
            actor=world.users["officer"], household=world.a1, month=date(2025, 1, 1),
            per_capita_yuan=text,
        )  # fmt: skip
    assert refused.value.field == "per_capita"
    assert not IncomeObservation.objects.filter(household=world.a1).exists()


def _texts(amount: str) -> dict[str, str]:
    return {"id_number": "", "name": "张三", "event_date": "2025-03-01", "amount": amount}


@pytest.mark.parametrize("text", [t for t in BAD_AMOUNTS if t.strip()])
def test_an_alert_row_with_a_bad_amount_names_the_row_and_the_column(text: str) -> None:
    issues, row = alert_row_check(7, _texts(text), TODAY)
    assert row is None
    amount = [i for i in issues if i.column == "amount"]
    assert len(amount) == 1
    assert (amount[0].row, amount[0].header_zh, amount[0].code) == (
        7, "金额", MonitoringErrorCode.ALERT_AMOUNT_BAD.code,
    )  # fmt: skip
    assert "金额" in amount[0].message_zh


def test_a_file_with_huge_amounts_is_reported_not_crashed(
    world: MonitoringWorld, tmp_path: Path
) -> None:
    member = world.a1.members.get(relation="head")
    number = decrypt(member.id_cipher, context=ID_CONTEXT)
    path = tmp_path / "alerts.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(
            [["身份证号", "姓名", "事件日期", "金额"],
             [number, member.name, "2025-03-01", "1E+30"],
             [number, member.name, "2025-03-02", "9" * 30],
             [number, member.name, "99999999999999999999999999999-1-1", "1"]]
        )  # fmt: skip
    report = alerts_import(path, actor=world.users["district"], source="medical", commit=False)
    assert report.invalid == 3
    assert [(i.row, i.column) for i in report.issues] == [
        (2, "amount"), (3, "amount"), (4, "event_date"),
    ]  # fmt: skip


cell = st.one_of(
    st.text(max_size=40),
    st.sampled_from([*BAD_AMOUNTS, "2025-03-01", "20250301", "2025/3/1", "9" * 40 + "-1-1",
                     "110105194912310021", "٣", "１２"]),
    st.from_regex(r"[-+]?[0-9]{0,40}(\.[0-9]{0,40})?([eE][-+]?[0-9]{1,12})?", fullmatch=True),
    st.from_regex(r"[0-9]{1,40}[-/.][0-9]{1,40}[-/.][0-9]{1,40}(T.*)?", fullmatch=True),
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.fixed_dictionaries({c.key: cell for c in COLUMNS}), st.integers(2, 500_001))
def test_the_alert_row_parser_never_raises_on_any_cell(texts: dict[str, str], number: int) -> None:
    issues, row = alert_row_check(number, texts, TODAY)
    assert (row is None) == bool(issues)
    for issue in issues:
        assert issue.row == number
        assert issue.column in {c.key for c in COLUMNS}
        assert issue.message_zh
