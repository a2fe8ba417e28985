from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhenxing.core.masking import MASK, mask_bank_account, mask_id, mask_phone


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("500102196503121239", "500102********1239"),
        ("11010519491231002X", "110105********002X"),
        ("500102650312123", "***************"),  # legacy 15 digits: the tail holds the birth day
        ("50010219650312123", "*****************"),  # one short
        ("5001021965031212399", "500102*********2399"),  # odd, longer: still only 6 + 4
        ("1239", "****"),
        ("", ""),
    ],
)
def test_mask_id(value: str, masked: str) -> None:
    assert mask_id(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("023-72221234", "023*****1234"),
        ("0871-6512345", "087*****2345"),
        ("1381234567", "**********"),  # one short
        ("72221234", "********"),
        ("", ""),
    ],
)
def test_mask_phone(value: str, masked: str) -> None:
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("6217000012345671234", "***************1234"),
        ("621700001234", "********1234"),
        ("62170000123", "***********"),  # one short
        ("1234", "****"),
        ("", ""),
    ],
)
def test_mask_bank_account(value: str, masked: str) -> None:
    assert mask_bank_account(value) == masked


@pytest.mark.parametrize(
    ("mask", "most_visible"), [(mask_id, 10), (mask_phone, 7), (mask_bank_account, 4)]
)
@given(value=st.text())
def test_masks_never_reveal_more_than_their_rule(
    mask: Callable[[str], str], most_visible: int, value: str
) -> None:
    masked = mask(value)
    assert len(masked) == len(value)
    shown = [i for i, ch in enumerate(masked) if ch != MASK]
    assert len(shown) <= most_visible
    assert all(masked[i] == value[i] for i in shown)


@given(value=st.text(max_size=17))
def test_short_id_values_are_fully_masked(value: str) -> None:
    assert mask_id(value) == MASK * len(value)


@given(st.from_regex(r"[0-9]{17}[0-9X]", fullmatch=True))
def test_masked_id_keeps_area_and_last_four_only(number: str) -> None:
    assert mask_id(number) == number[:6] + MASK * 8 + number[-4:]
