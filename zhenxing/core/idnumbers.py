"""Citizen ID numbers (公民身份号码, GB 11643-1999): normalising, validating, converting.

Holds:
- `IdErrorCode`: why a number was refused, in Chinese and English.
- `IdNumber`: a validated 18-character number and what it encodes (area, birth date, sex).
- `normalise_id`: the canonical text of what a person typed or an Excel cell held.
- `validate_id`: normalise and check every rule, or raise `DomainError`.
- `check_char`: the ISO 7064 MOD 11-2 check character of a 17-digit body.
- `convert_15_to_18`: a legacy 15-digit number (GB 11643-1989) in today's 18-character form.
- `is_known_area_code`, `area_code_last_year`, `PROVINCE_CODES`: the GB/T 2260 address codes
  we accept (from `zhenxing.core.areacodes`) and until when.

Everything here is pure: no database, no settings, except that `validate_id` asks
`zhenxing.core.timeutil` for today's Beijing date when the caller does not pass `today`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

from zhenxing.core.areacodes import area_codes
from zhenxing.core.errors import DomainError, ErrorCode


class IdErrorCode(ErrorCode):
    ID_EMPTY = ("ID_EMPTY", "身份证号码为空", "The ID number is empty")
    ID_NUMERIC_CELL = (
        "ID_NUMERIC_CELL",
        "身份证号码被 Excel 当成了数字（{shown}），已变成科学计数法或丢失末尾数字；"
        "请把该列设为“文本”格式后重新录入号码",
        "Excel turned the ID number into a number ({shown}), in scientific notation or with its "
        "last digits lost; format the column as Text and enter the number again",
    )
    ID_LEGACY_15 = (
        "ID_LEGACY_15",
        "这是15位的旧身份证号码，请录入18位号码（可先转换为18位）",
        "This is a legacy 15-digit ID number; enter the 18-character number (convert it first)",
    )
    ID_LENGTH = (
        "ID_LENGTH",
        "身份证号码应为18位，实际为{length}位",
        "An ID number has 18 characters, this one has {length}",
    )
    ID_LEGACY_LENGTH = (
        "ID_LEGACY_LENGTH",
        "15位旧身份证号码应为15位数字，实际为{length}位",
        "A legacy ID number has 15 digits, this one has {length}",
    )
    ID_CHARS = (
        "ID_CHARS",
        "身份证号码前17位只能是数字，最后一位只能是数字或X",
        "An ID number is 17 digits followed by a digit or X",
    )
    ID_AREA = (
        "ID_AREA",
        "身份证号码的地址码 {area_code} 不是已知的县级行政区划代码",
        "The address code {area_code} is not a known county-level division code",
    )
    ID_AREA_ENDED = (
        "ID_AREA_ENDED",
        "身份证号码的地址码 {area_code} 已于{last_year}年撤销，"
        "早于号码中的出生年份{birth_year}年，不可能出现在此号码中",
        "The address code {area_code} was abolished in {last_year}, before the birth year "
        "{birth_year} in the number, so no such number was ever issued",
    )
    ID_DATE = (
        "ID_DATE",
        "身份证号码中的出生日期 {birth} 不是1900年以后的有效日期",
        "The birth date {birth} in the ID number is not a real date from 1900 on",
    )
    ID_FUTURE_DATE = (
        "ID_FUTURE_DATE",
        "身份证号码中的出生日期 {birth} 晚于今天",
        "The birth date {birth} in the ID number is after today",
    )
    ID_CHECK_DIGIT = (
        "ID_CHECK_DIGIT",
        "身份证号码校验位不符，请逐位核对是否录错",
        "The ID number's check character does not match; check it digit by digit for a typo",
    )


# GB/T 2260 province-level codes. 81/82/83 are Hong Kong, Macao and Taiwan: real provinces in
# the standard, but the county table has no codes under them, so they never pass as citizen IDs.
PROVINCE_CODES: dict[str, str] = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "33": "浙江省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "81": "香港特别行政区",
    "82": "澳门特别行政区",
    "83": "台湾省",
}

# ISO 7064 MOD 11-2: weight of position i (1-based) is 2^(18-i) mod 11.
_WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"  # indexed by S mod 11

_EARLIEST_BIRTH = date(1900, 1, 1)

# Spelled [0-9], not \d: \d also matches Arabic-Indic and other digits that NFKC keeps as they
# are, and int() would happily read them.
_BODY17 = re.compile(r"[0-9]{17}")
_ID18 = re.compile(r"[0-9]{17}[0-9X]")
_DIGITS = re.compile(r"[0-9]+")
# What a numeric Excel cell looks like once read as text: 5.00102E+17, 5.00102e17,
# 500102196503121000.0, 500102196503121000.
_SCIENTIFIC = re.compile(r"[0-9]+(?:\.[0-9]*)?E\+?[0-9]+", re.IGNORECASE)
_DECIMAL = re.compile(r"[0-9]{6,}\.0*")


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A number that passed every check in `validate_id`."""

    number: str
    area_code: str
    birth_date: date
    sex: Literal["M", "F"]

    @property
    def province_code(self) -> str:
        return self.area_code[:2]


def normalise_id(raw: str) -> str:
    """The canonical text of an ID number: ASCII digits, upper-case X, no spaces.

    NFKC folds full-width digits, letters and the ideographic space that Chinese input methods
    produce. Zero-width and other format characters are dropped because text copied from chat
    apps and web pages carries them invisibly. Nothing else is changed, so a wrong character
    still reaches `validate_id` and is reported there.
    """
    text = unicodedata.normalize("NFKC", raw)
    kept = "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf")
    # NFKC once more: dropping a space can bring a letter next to a combining mark it then
    # composes with, and the result must be a fixed point for the blind index to be stable.
    return unicodedata.normalize("NFKC", kept.replace("x", "X"))


def is_known_area_code(area_code: str) -> bool:
    """True for a county-level GB/T 2260 code, current or historical (see data/README.md)."""
    return area_code[:2] in PROVINCE_CODES and area_code in area_codes()


def area_code_last_year(area_code: str) -> int | None:
    """The last year a known code was in use; `None` while it still is."""
    return area_codes()[area_code]


def check_char(body17: str) -> str:
    """The MOD 11-2 check character ('0'–'9' or 'X') for 17 ASCII digits."""
    if len(body17) != 17:
        raise DomainError(IdErrorCode.ID_LENGTH, length=len(body17))
    if not _BODY17.fullmatch(body17):
        raise DomainError(IdErrorCode.ID_CHARS)
    total = sum(int(digit) * weight for digit, weight in zip(body17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def _looks_like_numeric_cell(text: str) -> bool:
    return bool(_SCIENTIFIC.fullmatch(text) or _DECIMAL.fullmatch(text))


def _birth_date(yyyymmdd: str) -> date | None:
    try:
        return date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None


def validate_id(raw: str, *, today: date | None = None, field: str | None = None) -> IdNumber:
    """Normalise `raw` and check it, or raise `DomainError` with an `IdErrorCode`.

    Checks run from the most to the least obvious mistake, so a report names the first thing
    a person should fix. `today` is the Beijing business date; an import passes one value for
    all its rows so a run across midnight judges them alike. Messages never repeat the whole
    number: they end up in import reports and logs.
    """
    number = normalise_id(raw)
    if not number:
        raise DomainError(IdErrorCode.ID_EMPTY, field=field)
    if _looks_like_numeric_cell(number):
        raise DomainError(IdErrorCode.ID_NUMERIC_CELL, field=field, shown=_excel_shown(number))
    if len(number) == 15 and _DIGITS.fullmatch(number):
        raise DomainError(IdErrorCode.ID_LEGACY_15, field=field)
    if len(number) != 18:
        raise DomainError(IdErrorCode.ID_LENGTH, field=field, length=len(number))
    if not _ID18.fullmatch(number):
        raise DomainError(IdErrorCode.ID_CHARS, field=field)

    area_code, birth, sequence = number[:6], number[6:14], number[14:17]
    if not is_known_area_code(area_code):
        raise DomainError(IdErrorCode.ID_AREA, field=field, area_code=area_code)
    birth_date = _birth_date(birth)
    if birth_date is None or birth_date < _EARLIEST_BIRTH:
        raise DomainError(IdErrorCode.ID_DATE, field=field, birth=birth)
    if birth_date > (today if today is not None else _business_today()):
        raise DomainError(IdErrorCode.ID_FUTURE_DATE, field=field, birth=birth)

    if check_char(number[:17]) != number[17]:
        # Excel keeps 15 significant digits, so a number pasted as a numeric cell and then
        # turned back into text ends in 000. A genuine typo rarely does, and "fix the column
        # format" is the advice that actually helps then.
        if number.endswith("000"):
            raise DomainError(IdErrorCode.ID_NUMERIC_CELL, field=field, shown=_excel_shown(number))
        raise DomainError(IdErrorCode.ID_CHECK_DIGIT, field=field)

    # The code must have been in use at some time on or after the birth: numbers are re-issued
    # with the new code when a county changes, so a later code is normal, an earlier one is not.
    # Checked after the check character: with a typo the code read is not the one issued.
    # Only years are known, so a birth in the code's last year is given the benefit of the doubt.
    last_year = area_code_last_year(area_code)
    if last_year is not None and birth_date.year > last_year:
        raise DomainError(
            IdErrorCode.ID_AREA_ENDED,
            field=field,
            area_code=area_code,
            last_year=last_year,
            birth_year=birth_date.year,
        )

    sex: Literal["M", "F"] = "M" if int(sequence) % 2 == 1 else "F"
    return IdNumber(number=number, area_code=area_code, birth_date=birth_date, sex=sex)


def convert_15_to_18(raw15: str, *, today: date | None = None, field: str | None = None) -> str:
    """The 18-character form of a legacy 15-digit number, validated.

    The 15-digit form is 6 address + YYMMDD + 3 sequence; the 18-character form inserts the
    century '19' (the standard conversion: anyone still holding a 15-digit number was born in
    the 1900s) and appends the check character. The result goes through `validate_id`, so a
    bad area or date in the old number is reported the same way as in a new one.
    """
    number = normalise_id(raw15)
    if not number:
        raise DomainError(IdErrorCode.ID_EMPTY, field=field)
    if _looks_like_numeric_cell(number):
        raise DomainError(IdErrorCode.ID_NUMERIC_CELL, field=field, shown=_excel_shown(number))
    if len(number) != 15:
        raise DomainError(IdErrorCode.ID_LEGACY_LENGTH, field=field, length=len(number))
    if not _DIGITS.fullmatch(number):
        raise DomainError(IdErrorCode.ID_CHARS, field=field)
    body = number[:6] + "19" + number[6:]
    return validate_id(body + check_char(body), today=today, field=field).number


def _excel_shown(number: str) -> str:
    """What to quote back: short Excel forms as they are, long digit runs cut to the area code.

    The message must let a clerk find the cell without copying a whole ID number into a report.
    """
    if _SCIENTIFIC.fullmatch(number) or len(number) <= 12:
        return number
    return number[:6] + "…"


def _business_today() -> date:
    # Imported here so that the pure checks above load without Django settings.
    from zhenxing.core.timeutil import business_today

    return business_today()
