from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from zhenxing.core.errors import DomainError, ErrorCode
from zhenxing.core.phones import (
    BankAccountErrorCode,
    PhoneErrorCode,
    normalise_bank_account,
    normalise_phone,
)


def phone_code(raw: str) -> ErrorCode:
    with pytest.raises(DomainError) as info:
        normalise_phone(raw)
    return info.value.code


def bank_code(raw: str) -> ErrorCode:
    with pytest.raises(DomainError) as info:
        normalise_bank_account(raw)
    return info.value.code


# --- phones -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "138–1234—5678",  # dashes from a word processor
        " 13812345678 ",
        "１３８１２３４５６７８",
        "１３８\u3000１２３４\u3000５６７８",
        "\u200b13812345678",
        "+8613812345678",
        "+86 138 1234 5678",
        "+86-138-1234-5678",
        "＋８６ １３８１２３４５６７８",
        "8613812345678",
        "0086 138 1234 5678",
    ],
)
def test_mobile_spellings_normalise_to_11_digits(raw: str) -> None:
    assert normalise_phone(raw) == "13812345678"


@pytest.mark.parametrize(
    "raw",
    ["13012345678", "14512345678", "15912345678", "16612345678", "17712345678", "19912345678"],
)
def test_mobile_second_digit_3_to_9_accepted(raw: str) -> None:
    assert normalise_phone(raw) == raw


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("023-72221234", "023-72221234"),
        ("02372221234", "023-72221234"),
        ("023 7222 1234", "023-72221234"),
        ("(023)72221234", "023-72221234"),
        ("（０２３）７２２２１２３４", "023-72221234"),
        ("023－72221234", "023-72221234"),  # full-width hyphen
        ("+86 23 7222 1234", "023-72221234"),
        ("+86 (0)23 7222 1234", "023-72221234"),
        ("86-23-72221234", "023-72221234"),
        ("010-62345678", "010-62345678"),
        ("020-8123456", "020-8123456"),  # 7-digit local number
        ("0871-6512345", "0871-6512345"),  # four-digit area code
        ("08716512345", "0871-6512345"),
        ("0871-65123456", "0871-65123456"),
    ],
)
def test_landline_spellings_normalise_to_area_dash_local(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", PhoneErrorCode.PHONE_EMPTY),
        (" \u3000\u200b", PhoneErrorCode.PHONE_EMPTY),
        ("1.38123E+10", PhoneErrorCode.PHONE_NUMERIC_CELL),
        ("13812345678.0", PhoneErrorCode.PHONE_NUMERIC_CELL),
        ("138abc45678", PhoneErrorCode.PHONE_CHARS),
        ("138.1234.5678", PhoneErrorCode.PHONE_CHARS),
        ("138/1234/5678", PhoneErrorCode.PHONE_CHARS),
        ("13812345678+", PhoneErrorCode.PHONE_CHARS),
        ("+", PhoneErrorCode.PHONE_CHARS),
        ("１３８١٢٣٤٥٦٧٨", PhoneErrorCode.PHONE_CHARS),  # Arabic-Indic digits
        ("023-72221234 转 801", PhoneErrorCode.PHONE_CHARS),  # extension
        ("+1 415 555 0100", PhoneErrorCode.PHONE_COUNTRY),
        ("+852 2345 6789", PhoneErrorCode.PHONE_COUNTRY),
        ("12812345678", PhoneErrorCode.PHONE_MOBILE),  # second digit 2
        ("11812345678", PhoneErrorCode.PHONE_MOBILE),
        ("1381234567", PhoneErrorCode.PHONE_MOBILE),  # 10 digits
        ("138123456789", PhoneErrorCode.PHONE_MOBILE),  # 12 digits
        ("+86 128 1234 5678", PhoneErrorCode.PHONE_MOBILE),
        ("72221234", PhoneErrorCode.PHONE_AREA_MISSING),
        ("7222123", PhoneErrorCode.PHONE_AREA_MISSING),
        ("722212", PhoneErrorCode.PHONE_LANDLINE),  # too short to be anything
        ("023-1234567", PhoneErrorCode.PHONE_LANDLINE),  # local numbers never start with 1
        ("023-02221234", PhoneErrorCode.PHONE_LANDLINE),  # ...or with 0
        ("023-722212345", PhoneErrorCode.PHONE_LANDLINE),  # 9-digit local number
        ("023-722212", PhoneErrorCode.PHONE_LANDLINE),  # 6-digit local number
        ("0123-7222123", PhoneErrorCode.PHONE_LANDLINE),  # no 01xx area codes
        ("026-72221234", PhoneErrorCode.PHONE_LANDLINE),  # 026 is unassigned
        ("0023-72221234", PhoneErrorCode.PHONE_LANDLINE),
    ],
)
def test_phone_refusals(raw: str, code: PhoneErrorCode) -> None:
    assert phone_code(raw) is code


def test_numeric_cell_message_does_not_quote_the_number() -> None:
    with pytest.raises(DomainError) as info:
        normalise_phone("13812345678.0", field="phone")
    assert "13812345678" not in info.value.message
    assert "Excel" in info.value.message_en
    assert info.value.field == "phone"


# --- bank accounts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("6217 0000 1234 5671 234", "6217000012345671234"),  # 19 digits, the longest
        ("6217-0000-1234", "621700001234"),  # 12 digits, the shortest
        ("６２１７ ０００１ ２３４５ ６７８９", "6217000123456789"),
        ("\u200b62170001234567", "62170001234567"),
        # Fails the Luhn check on purpose: rural credit cooperative passbook numbers need not
        # pass it, so it is not required (see normalise_bank_account).
        ("6217000012345671", "6217000012345671"),
    ],
)
def test_bank_account_normalises_to_digits(raw: str, expected: str) -> None:
    assert normalise_bank_account(raw) == expected


def test_bank_account_luhn_is_not_required() -> None:
    def luhn_ok(number: str) -> bool:
        total = 0
        for i, ch in enumerate(reversed(number)):
            d = int(ch) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        return total % 10 == 0

    assert not luhn_ok("6217000012345671")
    assert normalise_bank_account("6217000012345671") == "6217000012345671"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", BankAccountErrorCode.BANK_EMPTY),
        ("   ", BankAccountErrorCode.BANK_EMPTY),
        ("6.21700E+18", BankAccountErrorCode.BANK_NUMERIC_CELL),
        ("6217000012345671000.0", BankAccountErrorCode.BANK_NUMERIC_CELL),
        ("6217a00012345678", BankAccountErrorCode.BANK_CHARS),
        ("6217_0000_1234_5678", BankAccountErrorCode.BANK_CHARS),
        ("٦٢١٧٠٠٠٠١٢٣٤٥٦٧٨", BankAccountErrorCode.BANK_CHARS),
        ("62170000123", BankAccountErrorCode.BANK_LENGTH),  # 11
        ("62170000123456712345", BankAccountErrorCode.BANK_LENGTH),  # 20
    ],
)
def test_bank_account_refusals(raw: str, code: BankAccountErrorCode) -> None:
    assert bank_code(raw) is code


def test_every_message_has_both_languages() -> None:
    for code in [*PhoneErrorCode, *BankAccountErrorCode]:
        assert code.code == code.name
        assert code.zh
        assert code.en


# --- properties (security.md E5) ---------------------------------------------------------------

_PHONE_ALPHABET = "0123456789+-() ０１２３４５６７８９（）＋－\u3000.E٣\u200b—"


@given(st.one_of(st.text(), st.text(alphabet=_PHONE_ALPHABET, max_size=24)))
@example("+")
@example("+86")
@example("0086")
@example("()")
@example("\ud800")
def test_random_text_raises_nothing_but_domain_error(raw: str) -> None:
    for normalise in (normalise_phone, normalise_bank_account):
        try:
            result = normalise(raw)
        except DomainError:
            pass
        else:
            assert normalise(result) == result  # canonical text is a fixed point


separators = st.sampled_from(["", " ", "-", "\u3000", "—"])


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), separators, st.booleans(), st.booleans())
def test_generated_mobiles_normalise_to_themselves(
    mobile: str, sep: str, prefix: bool, full_width: bool
) -> None:
    text = sep.join([mobile[:3], mobile[3:7], mobile[7:]])
    if prefix:
        text = "+86" + sep + text
    if full_width:
        text = "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isdigit() else c for c in text)
    assert normalise_phone(text) == mobile


@given(
    st.sampled_from(["010", "023", "021", "0871", "0535", "0991"]),
    st.from_regex(r"[2-9][0-9]{6,7}", fullmatch=True),
    separators,
)
def test_generated_landlines_normalise_to_area_dash_local(area: str, local: str, sep: str) -> None:
    assert normalise_phone(area + sep + local) == f"{area}-{local}"
    assert normalise_phone(f"+86 {area[1:]} {local}") == f"{area}-{local}"


@given(st.from_regex(r"[0-9]{12,19}", fullmatch=True), separators)
def test_generated_bank_accounts_normalise_to_digits(digits: str, sep: str) -> None:
    grouped = sep.join(digits[i : i + 4] for i in range(0, len(digits), 4))
    assert normalise_bank_account(grouped) == digits
