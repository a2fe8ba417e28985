"""Pure ledger arithmetic: balanced lines (M1), allocation that sums exactly (M6)."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhenxing.core.errors import DomainError
from zhenxing.ledger.domain import (
    Line,
    allocate_largest_remainder,
    allocate_with_floors,
    check_lines,
    debit_total,
    payload_hash,
    reversal_lines,
    side_ok,
)


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([("a", "10.00"), ("b", "-10.00")], None),
        ([("a", "10.00"), ("b", "-4.00"), ("c", "-6.00")], None),
        ([("a", "10.00"), ("b", "-9.99")], "ledger.unbalanced"),
        ([("a", "10.00")], "ledger.too_few_lines"),
        ([("a", "10.00"), ("b", "10.00")], "ledger.too_few_lines"),
        ([("a", "0.00"), ("b", "0.00")], "ledger.zero_line"),
        ([("a", "0.005"), ("b", "-0.005")], "ledger.not_fen"),
    ],
)
def test_check_lines_table(lines: list[tuple[str, str]], code: str | None) -> None:
    parsed = [Line(a, D(x)) for a, x in lines]
    if code is None:
        check_lines(parsed)
        return
    with pytest.raises(DomainError) as caught:
        check_lines(parsed)
    assert caught.value.code.code == code
    assert caught.value.message_zh
    assert caught.value.message_en


fen = st.integers(min_value=1, max_value=10**11)


@given(st.lists(fen, min_size=1, max_size=8), st.integers(min_value=-3, max_value=3))
def test_entries_balance_exactly_or_are_refused(debits: list[int], nudge: int) -> None:
    # given debits and one credit line that offsets them, possibly off by a few fen
    lines = [Line(f"d{i}", D(f) / 100) for i, f in enumerate(debits)]
    lines.append(Line("c", -D(sum(debits) + nudge) / 100))

    # then only the exactly offsetting entry passes
    if nudge == 0:
        check_lines(lines)
        assert debit_total(lines) == D(sum(debits)) / 100
    else:
        with pytest.raises(DomainError):
            check_lines(lines)


def test_payload_hash_ignores_line_order_but_not_amounts_or_kind() -> None:
    a = [Line("x", D("5.00")), Line("y", D("-5.00"))]
    assert payload_hash("k", a) == payload_hash("k", list(reversed(a)))
    assert payload_hash("k", a) != payload_hash("k", reversal_lines(a))
    assert payload_hash("k", a) != payload_hash("other", a)
    assert payload_hash("k", a) != payload_hash("k", a, reverses="orig")


@pytest.mark.parametrize(
    ("rule", "balance", "ok"),
    [
        ("credit", D("-0.01"), True),
        ("credit", D("0.00"), True),
        ("credit", D("0.01"), False),
        ("debit", D("0.01"), True),
        ("debit", D("-0.01"), False),
        ("any", D("-5"), True),
    ],
)
def test_side_rules(rule: str, balance: D, ok: bool) -> None:
    assert side_ok(rule, balance) is ok


# ---------------------------------------------------------------- allocation (M6)

money = st.integers(min_value=0, max_value=10**9).map(lambda f: D(f) / 100)
weights = st.lists(st.integers(min_value=1, max_value=10**8), min_size=1, max_size=30)


@given(money, weights)
def test_largest_remainder_sums_exactly_and_each_part_is_within_a_fen(
    total: D, ws: list[int]
) -> None:
    parts = allocate_largest_remainder(total, ws)

    assert sum(parts) == total
    exact = [Fraction(int(total * 100)) * w / sum(ws) for w in ws]
    assert all(abs(Fraction(int(p * 100)) - e) < 1 for p, e in zip(parts, exact, strict=True))
    assert allocate_largest_remainder(total, ws) == parts  # a re-run changes nothing


def test_largest_remainder_vectors() -> None:
    assert allocate_largest_remainder(D("100.00"), [1, 1, 1]) == [
        D("33.34"),
        D("33.33"),
        D("33.33"),
    ]
    assert allocate_largest_remainder(D("0.02"), [1, 1, 1]) == [D("0.01"), D("0.01"), D("0.00")]
    assert allocate_largest_remainder(D("0"), [0, 0]) == [D("0.00"), D("0.00")]
    with pytest.raises(ValueError, match="negative"):
        allocate_largest_remainder(D("1"), [-1, 2])


@given(
    money,
    st.lists(
        st.tuples(st.integers(min_value=100, max_value=10**7), st.booleans()),
        min_size=1,
        max_size=20,
    ),
)
@settings(max_examples=200)
def test_floors_are_met_parts_sum_exactly_and_the_rest_is_pro_rata(
    total: D, holdings: list[tuple[int, bool]]
) -> None:
    # given shareholdings in fen, some marginal with a floor of 5 % (rounded up to the fen)
    ws = [w for w, _ in holdings]
    floors = [
        (D(w) * D("0.05") / 100).quantize(D("0.01"), rounding="ROUND_UP") if marginal else D(0)
        for w, marginal in holdings
    ]
    if sum(floors) > total:
        with pytest.raises(ValueError, match="floors"):
            allocate_with_floors(total, ws, floors)
        return

    result = allocate_with_floors(total, ws, floors)

    assert sum(result.parts) == total
    assert all(p >= f for p, f in zip(result.parts, floors, strict=True))
    for part, share, floored, floor in zip(
        result.parts, result.shares, result.floored, floors, strict=True
    ):
        if floored:
            assert part == floor
        else:
            assert abs(Fraction(int(part * 100)) - share) < 1
    assert allocate_with_floors(total, ws, floors) == result


def test_marginal_household_gets_at_least_five_percent_of_its_shares() -> None:
    # 10,000 yuan of shares → at least 500 yuan (domain.md §1.3); the pool alone would give 100
    result = allocate_with_floors(D("1000.00"), [D("10000"), D("90000")], [D("500.00"), D("0.00")])

    assert result.parts == [D("500.00"), D("500.00")]
    assert result.floored == [True, False]
