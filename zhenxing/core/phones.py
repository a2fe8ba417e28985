"""Phone numbers and bank account numbers: one canonical text each, or a `DomainError`.

Holds:
- `PhoneErrorCode`, `normalise_phone`: mainland mobiles (`13812345678`) and landlines with their
  area code (`023-72221234`).
- `BankAccountErrorCode`, `normalise_bank_account`: 12–19 digits, no spaces.

The canonical text is what gets encrypted and blind-indexed (`zhenxing.core.crypto`), so two
spellings of one number must give the same text here or duplicate detection misses them.
"""

from __future__ import annotations

import re
import unicodedata

from zhenxing.core.errors import DomainError, ErrorCode


class PhoneErrorCode(ErrorCode):
    PHONE_EMPTY = ("PHONE_EMPTY", "电话号码为空", "The phone number is empty")
    PHONE_NUMERIC_CELL = (
        "PHONE_NUMERIC_CELL",
        "电话号码被 Excel 当成了数字（{shown}），已变成科学计数法或带小数；"
        "请把该列设为“文本”格式后重新录入",
        "Excel turned the phone number into a number ({shown}), in scientific notation or with "
        "decimals; format the column as Text and enter the number again",
    )
    PHONE_CHARS = (
        "PHONE_CHARS",
        "电话号码只能包含数字、空格、短横线、括号和开头的+号",
        "A phone number may contain only digits, spaces, dashes, brackets and a leading +",
    )
    PHONE_COUNTRY = (
        "PHONE_COUNTRY",
        "只能登记中国大陆的电话号码（国家代码 +86）",
        "Only mainland Chinese numbers (country code +86) can be registered",
    )
    PHONE_MOBILE = (
        "PHONE_MOBILE",
        "手机号码应为以13–19开头的11位数字",
        "A mobile number is 11 digits starting with 13–19",
    )
    PHONE_AREA_MISSING = (
        "PHONE_AREA_MISSING",
        "固定电话缺少区号，请写成如 023-72221234 的形式",
        "The landline number has no area code; write it like 023-72221234",
    )
    PHONE_LANDLINE = (
        "PHONE_LANDLINE",
        "固定电话应为区号（3或4位，以0开头）加7或8位号码，如 023-72221234",
        "A landline is an area code (3 or 4 digits starting with 0) and 7 or 8 digits, "
        "like 023-72221234",
    )


class BankAccountErrorCode(ErrorCode):
    BANK_EMPTY = ("BANK_EMPTY", "银行账号为空", "The bank account number is empty")
    BANK_NUMERIC_CELL = (
        "BANK_NUMERIC_CELL",
        "银行账号被 Excel 当成了数字（{shown}），末尾数字可能已丢失；"
        "请把该列设为“文本”格式后重新录入",
        "Excel turned the bank account number into a number ({shown}) and may have lost its "
        "last digits; format the column as Text and enter the number again",
    )
    BANK_CHARS = (
        "BANK_CHARS",
        "银行账号只能包含数字（可用空格或短横线分组）",
        "A bank account number may contain only digits (spaces or dashes may group them)",
    )
    BANK_LENGTH = (
        "BANK_LENGTH",
        "银行账号应为12–19位数字，实际为{length}位",
        "A bank account number has 12–19 digits, this one has {length}",
    )


# Separators people type or paste between digit groups. NFKC already folds the full-width
# hyphen; en/em dashes and the Unicode hyphens come from word processors and are not folded.
_SEPARATORS = frozenset(" -‐‑‒–—―")
_NUMERIC_CELL = re.compile(r"[0-9]+\.[0-9]*(?:E\+?[0-9]+)?", re.IGNORECASE)
_DIGITS = re.compile(r"[0-9]+")  # not \d: it matches non-ASCII digits that int() accepts
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# 010 and 020–029 are the three-digit area codes (026 is reserved for Taiwan and unused);
# every other area code has four digits. Local numbers never start with 0 or 1.
_AREA3 = re.compile(r"0(?:10|2[0-57-9])")
# Four-digit codes start 03–09; 01x other than 010 and all 02x are three-digit or unassigned.
_AREA4 = re.compile(r"0[3-9][0-9]{2}")
_LOCAL = re.compile(r"[2-9][0-9]{6,7}")


def _fold(raw: str) -> str:
    """NFKC (full-width digits, brackets, plus sign), then drop invisible format characters."""
    text = unicodedata.normalize("NFKC", raw)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf").strip()


def _drop_separators(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and ch not in _SEPARATORS)


def normalise_phone(raw: str, *, field: str | None = None) -> str:
    """`13812345678` for a mobile, `023-72221234` for a landline; else `DomainError`.

    A landline keeps its dash because it is how people read it back and it shows which part is
    the area code. Accepted prefixes: `+86`, `0086`, `86` (then a landline loses its leading 0,
    as in international dialling, and gets it back here). Extensions are refused rather than
    guessed at.
    """
    text = _fold(raw)
    if not text:
        raise DomainError(PhoneErrorCode.PHONE_EMPTY, field=field)
    compact = _drop_separators(text)
    if _NUMERIC_CELL.fullmatch(compact):
        raise DomainError(PhoneErrorCode.PHONE_NUMERIC_CELL, field=field, shown=_shown(compact, 3))

    international = compact.startswith("+")
    # Brackets only ever wrap the area code, "(023)72221234"; dropping them is enough.
    digits = compact.removeprefix("+").replace("(", "").replace(")", "")
    if not _DIGITS.fullmatch(digits):
        raise DomainError(PhoneErrorCode.PHONE_CHARS, field=field)

    if digits.startswith("0086"):
        digits, international = digits[4:], True
    elif international:
        if not digits.startswith("86"):
            # A foreign number: this register holds mainland residents' numbers only.
            raise DomainError(PhoneErrorCode.PHONE_COUNTRY, field=field)
        digits = digits[2:]
    elif digits.startswith("86") and len(digits) > 11:
        # Bare 86 without + is how the prefix survives a spreadsheet. Only on a number too long
        # to be anything else: an 11-digit one starting with 86 is not a prefixed number.
        digits, international = digits[2:], True

    if international and digits.startswith("10"):
        # Beijing's 010 dialled from abroad is +86 10 ..., which is no mobile number.
        return _landline("0" + digits, field=field)
    if digits.startswith("1"):
        if _MOBILE.fullmatch(digits):
            return digits
        raise DomainError(PhoneErrorCode.PHONE_MOBILE, field=field)
    if international and not digits.startswith("0"):
        # "+86 23 7222 1234" drops the trunk 0; "+86 (0)23 7222 1234" keeps it.
        digits = "0" + digits
    if not digits.startswith("0"):
        if _LOCAL.fullmatch(digits):
            raise DomainError(PhoneErrorCode.PHONE_AREA_MISSING, field=field)
        raise DomainError(PhoneErrorCode.PHONE_LANDLINE, field=field)
    return _landline(digits, field=field)


def _landline(digits: str, *, field: str | None) -> str:
    area_len = 3 if _AREA3.match(digits) else 4
    area, local = digits[:area_len], digits[area_len:]
    if area_len == 4 and not _AREA4.fullmatch(area):
        raise DomainError(PhoneErrorCode.PHONE_LANDLINE, field=field)
    if not _LOCAL.fullmatch(local):
        raise DomainError(PhoneErrorCode.PHONE_LANDLINE, field=field)
    return f"{area}-{local}"


def normalise_bank_account(raw: str, *, field: str | None = None) -> str:
    """12–19 ASCII digits with the grouping spaces and dashes removed; else `DomainError`.

    No Luhn check, on purpose: bank *card* numbers carry a Luhn digit, but many accounts paid
    into here are rural credit cooperative (农信社/农商行) passbook accounts whose numbers do not,
    and refusing a farmer's real account is worse than letting a typo through to the bank's own
    name-and-account check on the first payment.
    """
    text = _fold(raw)
    if not text:
        raise DomainError(BankAccountErrorCode.BANK_EMPTY, field=field)
    digits = _drop_separators(text)
    if _NUMERIC_CELL.fullmatch(digits):
        raise DomainError(
            BankAccountErrorCode.BANK_NUMERIC_CELL, field=field, shown=_shown(digits, 6)
        )
    if not _DIGITS.fullmatch(digits):
        raise DomainError(BankAccountErrorCode.BANK_CHARS, field=field)
    if not 12 <= len(digits) <= 19:
        raise DomainError(BankAccountErrorCode.BANK_LENGTH, field=field, length=len(digits))
    return digits


def _shown(cell: str, keep: int) -> str:
    """How a mangled cell is quoted back: enough to find it, never the whole number."""
    if "E" in cell.upper():
        return cell  # scientific notation has already lost the digits that identify anyone
    return cell[:keep] + "…"
