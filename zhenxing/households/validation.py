"""One definition of every registry field as users type it: the roster columns, their parsers
and the rules between fields. The roster import and the edit forms both validate through here,
so a value refused on the page is refused in a file for the same reason, in the same words.

Holds:
- `RosterErrorCode`: every reason a value or a row is refused (zh + en).
- `Column`, `COLUMNS`, `HOUSEHOLD_KEYS`, `MEMBER_KEYS`, `FACT_KEYS`, `INCOME_KEYS`.
- `parse_cell(column, raw)`: one cell → typed value, or `DomainError` naming the field.
- `parse_row(cells, row_no, today)` → `ParsedRow` with every error of the row (not just the
  first), and `member_rules(...)`: rules across the fields of one member.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models

from zhenxing.core.errors import DomainError, ErrorCode
from zhenxing.core.idnumbers import IdErrorCode, convert_15_to_18, normalise_id, validate_id
from zhenxing.core.phones import normalise_bank_account, normalise_phone
from zhenxing.households import choices
from zhenxing.households.domain import compulsory_school_age


class RosterErrorCode(ErrorCode):
    REQUIRED = ("roster.required", "必填项为空", "This value is required")
    TOO_LONG = ("roster.too_long", "超过 {max} 个字符", "Longer than {max} characters")
    BAD_CHOICE = (
        "roster.bad_choice",
        "“{value}”不是可选值，应为：{options_zh}",
        "'{value}' is not an allowed value; use one of: {options_en}",
    )
    BAD_BOOL = ("roster.bad_bool", "应填“是”或“否”", "Must be 是 (yes) or 否 (no)")
    BAD_INT = ("roster.bad_int", "应为整数", "Must be a whole number")
    OUT_OF_RANGE = (
        "roster.out_of_range",
        "应在 {low} 到 {high} 之间",
        "Must be between {low} and {high}",
    )
    BAD_MONEY = (
        "roster.bad_money",
        "金额应为不小于 0 的数，最多两位小数",
        "An amount is a number ≥ 0 with at most two decimals",
    )
    BAD_DATE = (
        "roster.bad_date",
        "日期格式应为 YYYY-MM-DD",
        "A date is written YYYY-MM-DD",
    )
    BAD_NAME = (
        "roster.bad_name",
        "姓名含有数字或不可见字符",
        "A name must not contain digits or invisible characters",
    )
    BAD_HOUSEHOLD_NO = (
        "roster.bad_household_no",
        "户编号只能包含字母、数字和“-”，最多 24 位",
        "A household number has at most 24 letters, digits or '-'",
    )
    EXIT_YEAR_REQUIRED = (
        "roster.exit_year_required",
        "脱贫户须填写 2014–2020 年之间的脱贫年度",
        "An exited household needs an exit year between 2014 and 2020",
    )
    EXIT_YEAR_FORBIDDEN = (
        "roster.exit_year_forbidden",
        "一般农户不填写脱贫年度",
        "A general household has no exit year",
    )
    SCHOOL_STATUS_REQUIRED = (
        "roster.school_status_required",
        "6–15 周岁儿童须填写在校情况",
        "A child aged 6-15 needs a school status",
    )
    DISABILITY_GRADE_REQUIRED = (
        "roster.disability_grade_required",
        "残疾人须填写 1–4 级残疾等级",
        "A disabled person needs a disability grade 1-4",
    )
    DISABILITY_GRADE_FORBIDDEN = (
        "roster.disability_grade_forbidden",
        "健康状况不是“残疾”时不填残疾等级",
        "A disability grade is only given for a disabled person",
    )
    HOUSEHOLD_MISMATCH = (
        "roster.household_mismatch",
        "同一户的“{column}”与第 {first_row} 行不一致",
        "'{column}' differs from row {first_row} of the same household",
    )
    NO_HEAD = ("roster.no_head", "该户没有户主", "The household has no head")
    TWO_HEADS = (
        "roster.two_heads",
        "该户有多个户主（另见第 {first_row} 行）",
        "The household has more than one head (see also row {first_row})",
    )
    HEAD_FACTS_REQUIRED = (
        "roster.head_facts_required",
        "户主行须填写“{column}”",
        "The head's row needs '{column}'",
    )
    DUPLICATE_ID_IN_FILE = (
        "roster.duplicate_id_in_file",
        "身份证号与第 {first_row} 行重复",
        "The ID number repeats row {first_row}",
    )
    DUPLICATE_ID_IN_REGISTRY = (
        "roster.duplicate_id_in_registry",
        "该身份证号已在系统中登记",
        "This ID number is already registered",
    )
    HOUSEHOLD_EXISTS = (
        "roster.household_exists",
        "户编号已在系统中登记",
        "This household number is already registered",
    )
    GROUP_UNKNOWN = (
        "roster.group_unknown",
        "村民小组代码不存在或已撤销",
        "The village group code does not exist or is no longer valid",
    )
    GROUP_OUT_OF_SCOPE = (
        "roster.group_out_of_scope",
        "该村民小组不在您的管辖范围内",
        "This village group is outside your area",
    )
    INCOME_YEAR_REQUIRED = (
        "roster.income_year_required",
        "填写了收入或支出时须填写收入年度",
        "An income year is needed when incomes or spending are given",
    )


# ---------------------------------------------------------------- cell parsers

Parser = Callable[[str], Any]


def _text(max_len: int) -> Parser:
    def parse(raw: str) -> str:
        value = unicodedata.normalize("NFKC", raw).strip()
        if len(value) > max_len:
            raise DomainError(RosterErrorCode.TOO_LONG, max=max_len)
        return value

    return parse


def _name(raw: str) -> str:
    value = unicodedata.normalize("NFKC", raw).strip()
    if len(value) > 60:
        raise DomainError(RosterErrorCode.TOO_LONG, max=60)
    if any(c.isdigit() or unicodedata.category(c).startswith("C") for c in value):
        raise DomainError(RosterErrorCode.BAD_NAME)
    return value


_HOUSEHOLD_NO = re.compile(r"[A-Za-z0-9-]{1,24}")


def _household_no(raw: str) -> str:
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


def _choice(enum_cls: type[models.Choices]) -> Parser:
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


def _yes_no(raw: str) -> bool:
    value = unicodedata.normalize("NFKC", raw).strip().casefold()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise DomainError(RosterErrorCode.BAD_BOOL)


def _int_range(low: int, high: int) -> Parser:
    def parse(raw: str) -> int:
        value = unicodedata.normalize("NFKC", raw).strip()
        if value.endswith(".0"):  # a number cell read as text
            value = value[:-2]
        if not re.fullmatch(r"-?[0-9]+", value):
            raise DomainError(RosterErrorCode.BAD_INT)
        number = int(value)
        if not low <= number <= high:
            raise DomainError(RosterErrorCode.OUT_OF_RANGE, low=low, high=high)
        return number

    return parse


MAX_AMOUNT = Decimal("100000000")  # 1亿: anything larger is a typing error in a household roster


def parse_money(raw: str) -> Decimal:
    value = unicodedata.normalize("NFKC", raw).strip().replace(",", "")
    try:
        amount = Decimal(value)
    except InvalidOperation as exc:
        raise DomainError(RosterErrorCode.BAD_MONEY) from exc
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise DomainError(RosterErrorCode.BAD_MONEY)
    if amount > MAX_AMOUNT:
        raise DomainError(RosterErrorCode.OUT_OF_RANGE, low=0, high=MAX_AMOUNT)
    return amount


def _date(raw: str) -> date:
    value = unicodedata.normalize("NFKC", raw).strip()[:10].replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise DomainError(RosterErrorCode.BAD_DATE) from exc


def _id_number(raw: str) -> str:
    number = normalise_id(raw)
    if len(number) == 15 and number.isdigit():
        return convert_15_to_18(number)
    return number  # checked with today's date in parse_row


def _phone(raw: str) -> str:
    return normalise_phone(raw)


def _bank(raw: str) -> str:
    return normalise_bank_account(raw)


# ---------------------------------------------------------------- the columns


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    parse: Parser
    required: bool = False
    personal: bool = False  # masked in every report (security.md D2)


C = choices
COLUMNS: list[Column] = [
    Column("household_no", "户编号", "Household number", _household_no, required=True),
    Column("group_code", "村民小组代码", "Village group code", _text(15), required=True),
    Column("category", "农户类别", "Category", _choice(C.Category), required=True),
    Column("exit_year", "脱贫年度", "Exit year", _int_range(2014, 2020)),
    Column("address", "住址", "Address", _text(200)),
    Column("phone", "联系电话", "Phone", _phone, personal=True),
    Column("bank_account", "银行账号", "Bank account", _bank, personal=True),
    Column("name", "姓名", "Name", _name, required=True),
    Column("id_number", "身份证号", "ID number", _id_number, required=True, personal=True),
    Column("relation", "与户主关系", "Relation to head", _choice(C.Relation), required=True),
    Column("education", "文化程度", "Education", _choice(C.Education)),
    Column("school_status", "在校情况", "School status", _choice(C.SchoolStatus)),
    Column("health", "健康状况", "Health", _choice(C.Health), required=True),
    Column("disability_grade", "残疾等级", "Disability grade", _int_range(1, 4)),
    Column("labour", "劳动技能", "Labour capacity", _choice(C.Labour), required=True),
    Column("work_months", "务工月数", "Months worked", _int_range(0, 12)),
    Column("work_place", "务工地点", "Work place", _choice(C.WorkPlace)),
    Column("medical_insurance", "基本医疗保险", "Basic medical insurance", _yes_no, required=True),
    Column("critical_illness_insurance", "大病保险", "Critical-illness insurance", _yes_no),
    Column("family_doctor", "家庭医生签约", "Family doctor", _yes_no),
    Column("dibao", "低保", "Minimum living allowance", _yes_no),
    Column("tekun", "特困供养", "Extreme-poverty support", _yes_no),
    Column("food_secure", "不愁吃", "Food secure", _yes_no),
    Column("clothing_secure", "不愁穿", "Clothing secure", _yes_no),
    Column("house_grade", "住房安全等级", "House grade", _choice(C.HouseGrade)),
    Column("house_assessed_on", "住房鉴定日期", "House assessed on", _date),
    Column("water_litres", "人均日供水量(升)", "Water litres/person/day", _int_range(0, 1000)),
    Column("water_scarce_area", "缺水地区", "Water-scarce area", _yes_no),
    Column("water_quality", "水质评价", "Water quality basis", _choice(C.WaterQualityBasis)),
    Column("water_piped", "自来水入户", "Piped water", _yes_no),
    Column("water_trip_minutes", "取水往返分钟", "Water trip minutes", _int_range(0, 600)),
    Column(
        "water_horizontal_m", "取水水平距离(米)", "Water horizontal metres", _int_range(0, 50000)
    ),
    Column("water_vertical_m", "取水垂直距离(米)", "Water vertical metres", _int_range(0, 5000)),
    Column("water_outage_days", "年断水天数", "Outage days per year", _int_range(0, 366)),
    Column("income_year", "收入年度", "Income year", _int_range(2014, 2100)),
    Column("income_wage", "工资性收入", "Wage income", parse_money),
    Column("income_business", "生产经营性收入", "Business income", parse_money),
    Column("cost_business", "生产经营支出", "Production costs", parse_money),
    Column("income_property", "财产性收入", "Property income", parse_money),
    Column("income_transfer", "转移性收入", "Transfer income", parse_money),
    Column("spending_medical", "合规自付医疗支出", "Out-of-pocket medical", parse_money),
    Column("spending_education", "教育支出", "Education spending", parse_money),
]
BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
HOUSEHOLD_KEYS = ("household_no", "group_code", "category", "exit_year", "address", "phone",
                  "bank_account")  # fmt: skip
MEMBER_KEYS = tuple(COLUMNS[i].key for i in range(7, 22))
FACT_KEYS = tuple(COLUMNS[i].key for i in range(22, 34))
INCOME_KEYS = tuple(COLUMNS[i].key for i in range(34, len(COLUMNS)))
# Facts the head's row must carry (the others have safe defaults).
REQUIRED_FACTS = ("house_grade", "water_litres")

MEMBER_DEFAULTS: dict[str, Any] = {
    "education": "",
    "school_status": "",
    "disability_grade": None,
    "work_months": 0,
    "work_place": "",
    "critical_illness_insurance": True,
    "family_doctor": False,
    "dibao": False,
    "tekun": False,
}
FACT_DEFAULTS: dict[str, Any] = {
    "food_secure": True,
    "clothing_secure": True,
    "house_assessed_on": None,
    "water_scarce_area": False,
    "water_quality": C.WaterQualityBasis.ON_SITE.value,
    "water_piped": True,
    "water_trip_minutes": 0,
    "water_horizontal_m": 0,
    "water_vertical_m": 0,
    "water_outage_days": 0,
}


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[DomainError] = field(default_factory=list)
    raw: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_cell(column: Column, raw: str) -> Any:
    """Typed value of one cell; blank → None (or `DomainError` when required)."""
    text = raw.strip() if isinstance(raw, str) else str(raw)
    if not text:
        if column.required:
            raise DomainError(RosterErrorCode.REQUIRED, field=column.key)
        return None
    try:
        return column.parse(text)
    except DomainError as exc:
        exc.field = column.key
        raise


def member_rules(values: Mapping[str, Any], today: date) -> list[DomainError]:
    """Rules across the fields of one member row (all reported, not only the first)."""
    errors: list[DomainError] = []
    category, exit_year = values.get("category"), values.get("exit_year")
    if category == C.Category.EXITED and exit_year is None:
        errors.append(DomainError(RosterErrorCode.EXIT_YEAR_REQUIRED, field="exit_year"))
    if category == C.Category.GENERAL and exit_year is not None:
        errors.append(DomainError(RosterErrorCode.EXIT_YEAR_FORBIDDEN, field="exit_year"))
    birth = values.get("birth_date")
    if (
        birth is not None
        and compulsory_school_age(birth, today)
        and not values.get("school_status")
    ):
        errors.append(DomainError(RosterErrorCode.SCHOOL_STATUS_REQUIRED, field="school_status"))
    health, grade = values.get("health"), values.get("disability_grade")
    if health == C.Health.DISABLED and grade is None:
        errors.append(
            DomainError(RosterErrorCode.DISABILITY_GRADE_REQUIRED, field="disability_grade")
        )
    if health and health != C.Health.DISABLED and grade is not None:
        errors.append(
            DomainError(RosterErrorCode.DISABILITY_GRADE_FORBIDDEN, field="disability_grade")
        )
    return errors


def parse_row(cells: Mapping[str, str], row_no: int, today: date) -> ParsedRow:
    """Parse every column of one roster row and apply the member rules; collect all errors."""
    parsed = ParsedRow(row=row_no, raw={k: str(v) for k, v in cells.items()})
    for column in COLUMNS:
        try:
            parsed.values[column.key] = parse_cell(column, cells.get(column.key, "") or "")
        except DomainError as exc:
            exc.row = row_no
            parsed.errors.append(exc)
            parsed.values[column.key] = None
    number = parsed.values.get("id_number")
    if number:
        try:
            identity = validate_id(number, today=today, field="id_number")
            parsed.values["id_number"] = identity.number
            parsed.values["sex"] = identity.sex
            parsed.values["birth_date"] = identity.birth_date
        except DomainError as exc:
            exc.row = row_no
            parsed.errors.append(exc)
            parsed.values["id_number"] = None
    for error in member_rules(parsed.values, today):
        error.row = row_no
        parsed.errors.append(error)
    return parsed


__all__ = ["BY_KEY", "COLUMNS", "IdErrorCode", "ParsedRow", "RosterErrorCode", "parse_row"]
