"""Cell parsers: one typed value from the text of one cell, or a `DomainError` with a
`RosterErrorCode` (the caller, `validation.parse_cell`, names the field and the row).

Also `FORMULA_STARTS` and `formula_like(raw)`: text that a spreadsheet would run as a formula
(security.md E4). Free-text cells that start so are refused at import; exports neutralise them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models

from zhenxing.core.errors import DomainError
from zhenxing.core.idnumbers import convert_15_to_18, normalise_id
from zhenxing.core.phones import normalise_bank_account, normalise_phone
from zhenxing.households.errors import RosterErrorCode

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_BLANKS = " \u3000\u00a0"  # spaces a cell may start with before a formula character


def formula_like(raw: str) -> bool:
    """True when a spreadsheet could take `raw` (as typed, or after NFKC folding, which
    turns full-width ＝ into =) for a formula or a DDE command."""
    if raw.lstrip(_BLANKS).startswith(FORMULA_STARTS):
        return True
    return unicodedata.normalize("NFKC", raw).lstrip(_BLANKS).startswith(FORMULA_STARTS)


Parser = Callable[[str], Any]


def text(max_len: int) -> Parser:
    def parse(raw: str) -> str:
        value = unicodedata.normalize("NFKC", raw).strip()
        if len(value) > max_len:
            raise DomainError(RosterErrorCode.TOO_LONG, max=max_len)
        return value

    return parse


def person_name(raw: str) -> str:
    value = unicodedata.normalize("NFKC", raw).strip()
    if len(value) > 60:
        raise DomainError(RosterErrorCode.TOO_LONG, max=60)
    if any(c.isdigit() or unicodedata.category(c).startswith("C") for c in value):
        raise DomainError(RosterErrorCode.BAD_NAME)
    return value


_HOUSEHOLD_NO = re.compile(r"[A-Za-z0-9-]{1,24}")


def household_no(raw: str) -> str:
    value = unicodedata.normalize("NFKC", raw).strip()
    if not _HOUSEHOLD_NO.fullmatch(value):
        raise DomainError(RosterErrorCode.BAD_HOUSEHOLD_NO)
    return value


ALIASES: dict[str, str] = {
    # Words staff commonly write for the same choice (as used in the national system's forms).
    "慢性病": "chronic",
    "大病": "serious",
    "重病": "serious",
    "弱劳动力": "weak",
    "半劳动力": "weak",
    "丧失劳动力": "none",
    "无劳动力": "none",
    "技能劳动力": "skilled",
    "普通劳动力": "ordinary",
    "本人": "head",
    "之子": "child",
    "之女": "child",
    "儿子": "child",
    "女儿": "child",
    "之孙子": "grandchild",
    "之孙女": "grandchild",
    "母亲": "parent",
    "父亲": "parent",
    "妻": "spouse",
    "夫": "spouse",
    "县外省内": "in_province",
    "市内县外": "in_province",
}


def choice(enum_cls: type[models.Choices]) -> Parser:
    """Accept the stored code, the full label, its Chinese part ("脱贫户") or a known alias."""
    codes = {str(m.value) for m in enum_cls}
    lookup: dict[str, str] = {k: v for k, v in ALIASES.items() if v in codes}
    for member in enum_cls:
        code, label = str(member.value), str(member.label)
        zh = label.split(" ")[0]
        for key in {code, label, zh, zh.removesuffix("级")}:
            if key:
                lookup[key.casefold()] = code
    zh_options = "、".join(str(m.label).split(" ")[0] for m in enum_cls if m.value)
    en_options = ", ".join(str(m.value) for m in enum_cls if m.value)

    def parse(raw: str) -> str:
        value = unicodedata.normalize("NFKC", raw).strip()
        found = lookup.get(value.casefold())
        if found is None:
            raise DomainError(
                RosterErrorCode.BAD_CHOICE,
                value=value[:20],
                options_zh=zh_options,
                options_en=en_options,
            )
        return found

    return parse


_TRUE = {"是", "有", "y", "yes", "true", "1", "√"}
_FALSE = {"否", "无", "n", "no", "false", "0", "×"}


def yes_no(raw: str) -> bool:
    value = unicodedata.normalize("NFKC", raw).strip().casefold()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise DomainError(RosterErrorCode.BAD_BOOL)


def int_range(low: int, high: int) -> Parser:
    def parse(raw: str) -> int:
        value = unicodedata.normalize("NFKC", raw).strip()
        if value.endswith(".0"):  # a number cell read as text
            value = value[:-2]
        if not re.fullmatch(r"-?[0-9]+", value):
            raise DomainError(RosterErrorCode.BAD_INT)
        if len(value.lstrip("-").lstrip("0")) > 18:  # int() of thousands of digits refuses
            raise DomainError(RosterErrorCode.OUT_OF_RANGE, low=low, high=high)
        number = int(value)
        if not low <= number <= high:
            raise DomainError(RosterErrorCode.OUT_OF_RANGE, low=low, high=high)
        return number

    return parse


MAX_AMOUNT = Decimal("100000000")  # 1亿: anything larger is a typing error in a household roster
_FEN = Decimal("0.01")
_MONEY_TEXT_MAX = 40  # "100,000,000.00" and its spellings are far shorter


def parse_money(raw: str) -> Decimal:
    """Yuan, ≥ 0, at most two decimals, at most `MAX_AMOUNT`; else `DomainError`.

    Never raises `InvalidOperation`: the range is checked before anything is rounded, so
    `1E+30`, thirty nines, `NaN` and `Infinity` are refused with a reason like any other typo.
    """
    value = unicodedata.normalize("NFKC", raw).strip().replace(",", "")
    if len(value) > _MONEY_TEXT_MAX:
        raise DomainError(RosterErrorCode.OUT_OF_RANGE, low=0, high=MAX_AMOUNT)
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(RosterErrorCode.BAD_MONEY) from exc
    if not amount.is_finite() or amount < 0:
        raise DomainError(RosterErrorCode.BAD_MONEY)
    if amount > MAX_AMOUNT:
        raise DomainError(RosterErrorCode.OUT_OF_RANGE, low=0, high=MAX_AMOUNT)
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and amount != amount.quantize(_FEN):
        raise DomainError(RosterErrorCode.BAD_MONEY)
    return amount


def iso_date(raw: str) -> date:
    value = unicodedata.normalize("NFKC", raw).strip()[:10].replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise DomainError(RosterErrorCode.BAD_DATE) from exc


def id_number(raw: str) -> str:
    number = normalise_id(raw)
    if len(number) == 15 and number.isdigit():
        return convert_15_to_18(number)
    return number  # checked with today's date in parse_row


def phone(raw: str) -> str:
    return normalise_phone(raw)


def bank_account(raw: str) -> str:
    return normalise_bank_account(raw)


__all__ = [
    "FORMULA_STARTS",
    "MAX_AMOUNT",
    "Parser",
    "bank_account",
    "choice",
    "formula_like",
    "household_no",
    "id_number",
    "int_range",
    "iso_date",
    "parse_money",
    "person_name",
    "phone",
    "text",
    "yes_no",
]
