"""The roster's columns: one definition of every registry field as users type it, shared by
the roster import, the roster export, the template and the edit forms.

Holds `Column` and `COLUMNS` (key, Chinese and English header, parser, required, personal),
`BY_KEY`, the key groups (`HOUSEHOLD_KEYS`, `MEMBER_KEYS`, `FACT_KEYS`, `INCOME_KEYS`,
`REQUIRED_FACTS`), the defaults of optional values, how each column is written to a
spreadsheet (`TEXT_KEYS`, `NUMBER_KEYS`, `MONEY_KEYS`, `BOOL_KEYS`, `CHOICE_CLASSES`,
`choice_label`) and the template's notes (`COLUMN_NOTES`, `column_note`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zhenxing.households import choices
from zhenxing.households import parsers as P
from zhenxing.households.parsers import Parser


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    parse: Parser
    required: bool = False
    personal: bool = False  # masked in every report (security.md D2)
    free_text: bool = False  # any text is accepted, so a formula-like start is refused (E4)


C = choices
COLUMNS: list[Column] = [
    Column(
        "household_no", "户编号", "Household number", P.household_no, required=True, free_text=True
    ),
    Column(
        "group_code",
        "村民小组代码",
        "Village group code",
        P.text(15),
        required=True,
        free_text=True,
    ),
    Column("category", "农户类别", "Category", P.choice(C.Category), required=True),
    Column("exit_year", "脱贫年度", "Exit year", P.int_range(2014, 2020)),
    Column("address", "住址", "Address", P.text(200), free_text=True),
    Column("phone", "联系电话", "Phone", P.phone, personal=True),
    Column("bank_account", "银行账号", "Bank account", P.bank_account, personal=True),
    Column("name", "姓名", "Name", P.person_name, required=True, free_text=True),
    Column("id_number", "身份证号", "ID number", P.id_number, required=True, personal=True),
    Column("relation", "与户主关系", "Relation to head", P.choice(C.Relation), required=True),
    Column("education", "文化程度", "Education", P.choice(C.Education)),
    Column("school_status", "在校情况", "School status", P.choice(C.SchoolStatus)),
    Column("health", "健康状况", "Health", P.choice(C.Health), required=True),
    Column("disability_grade", "残疾等级", "Disability grade", P.int_range(1, 4)),
    Column("labour", "劳动技能", "Labour capacity", P.choice(C.Labour), required=True),
    Column("work_months", "务工月数", "Months worked", P.int_range(0, 12)),
    Column("work_place", "务工地点", "Work place", P.choice(C.WorkPlace)),
    Column("medical_insurance", "基本医疗保险", "Basic medical insurance", P.yes_no, required=True),
    Column("critical_illness_insurance", "大病保险", "Critical-illness insurance", P.yes_no),
    Column("family_doctor", "家庭医生签约", "Family doctor", P.yes_no),
    Column("dibao", "低保", "Minimum living allowance", P.yes_no),
    Column("tekun", "特困供养", "Extreme-poverty support", P.yes_no),
    Column("food_secure", "不愁吃", "Food secure", P.yes_no),
    Column("clothing_secure", "不愁穿", "Clothing secure", P.yes_no),
    Column("house_grade", "住房安全等级", "House grade", P.choice(C.HouseGrade)),
    Column("house_assessed_on", "住房鉴定日期", "House assessed on", P.iso_date),
    Column("water_litres", "人均日供水量(升)", "Water litres/person/day", P.int_range(0, 1000)),
    Column("water_scarce_area", "缺水地区", "Water-scarce area", P.yes_no),
    Column("water_quality", "水质评价", "Water quality basis", P.choice(C.WaterQualityBasis)),
    Column("water_piped", "自来水入户", "Piped water", P.yes_no),
    Column("water_trip_minutes", "取水往返分钟", "Water trip minutes", P.int_range(0, 600)),
    Column(
        "water_horizontal_m", "取水水平距离(米)", "Water horizontal metres", P.int_range(0, 50000)
    ),
    Column("water_vertical_m", "取水垂直距离(米)", "Water vertical metres", P.int_range(0, 5000)),
    Column("water_outage_days", "年断水天数", "Outage days per year", P.int_range(0, 366)),
    Column("income_year", "收入年度", "Income year", P.int_range(2014, 2100)),
    Column("income_wage", "工资性收入", "Wage income", P.parse_money),
    Column("income_business", "生产经营性收入", "Business income", P.parse_money),
    Column("cost_business", "生产经营支出", "Production costs", P.parse_money),
    Column("income_property", "财产性收入", "Property income", P.parse_money),
    Column("income_transfer", "转移性收入", "Transfer income", P.parse_money),
    Column("spending_medical", "合规自付医疗支出", "Out-of-pocket medical", P.parse_money),
    Column("spending_education", "教育支出", "Education spending", P.parse_money),
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


# ---------------------------------------------------------------- in a spreadsheet

TEXT_KEYS = frozenset({"household_no", "group_code", "id_number", "phone", "bank_account"})
NUMBER_KEYS = frozenset(
    {
        "exit_year",
        "disability_grade",
        "work_months",
        "water_litres",
        "water_trip_minutes",
        "water_horizontal_m",
        "water_vertical_m",
        "water_outage_days",
        "income_year",
    }
)
MONEY_KEYS = frozenset(INCOME_KEYS) - {"income_year"}
BOOL_KEYS = frozenset(
    {
        "medical_insurance",
        "critical_illness_insurance",
        "family_doctor",
        "dibao",
        "tekun",
        "food_secure",
        "clothing_secure",
        "water_scarce_area",
        "water_piped",
    }
)
CHOICE_CLASSES: dict[str, Any] = {
    "category": choices.Category,
    "relation": choices.Relation,
    "education": choices.Education,
    "school_status": choices.SchoolStatus,
    "health": choices.Health,
    "labour": choices.Labour,
    "work_place": choices.WorkPlace,
    "house_grade": choices.HouseGrade,
    "water_quality": choices.WaterQualityBasis,
}


def choice_label(key: str, code: Any) -> str:
    """The Chinese label the import accepts back ("脱贫户"), for a stored code."""
    if code in (None, ""):
        return ""
    enum_cls = CHOICE_CLASSES[key]
    for member in enum_cls:
        if member.value == code:
            return str(member.label).split(" ")[0]
    return str(code)


# Allowed values and notes of each column, for the template's notes sheet.
COLUMN_NOTES: dict[str, tuple[str, str]] = {
    "household_no": (
        "字母、数字或“-”，最多 24 位；同户各行相同",
        "Letters, digits or '-', up to 24; the same on every row of a household",
    ),
    "group_code": ("15 位村民小组代码（现行区划）", "15-digit code of a current village group"),
    "exit_year": (
        "脱贫户填 2014–2020；一般农户不填",
        "2014-2020 for exited households; blank for general households",
    ),
    "address": ("最多 200 字", "Up to 200 characters"),
    "phone": (
        "手机 11 位，或带区号的固定电话如 023-72221234",
        "Mobile (11 digits) or a landline with area code, e.g. 023-72221234",
    ),
    "bank_account": ("12–19 位数字；请设为文本格式", "12-19 digits; keep the column as Text"),
    "name": ("不含数字", "No digits"),
    "id_number": (
        "18 位身份证号；请设为文本格式，否则 Excel 会改成科学计数法",
        "18-character ID number; keep the column as Text or Excel turns it into "
        "scientific notation",
    ),
    "disability_grade": ("1–4；仅健康状况为残疾时填写", "1-4; only for a disabled person"),
    "work_months": ("0–12", "0-12"),
    "school_status": ("6–15 周岁儿童必填", "Required for children aged 6-15"),
    "house_assessed_on": ("YYYY-MM-DD", "YYYY-MM-DD"),
    "water_litres": ("0–1000，户主行必填", "0-1000; required on the head's row"),
    "house_grade": ("户主行必填", "Required on the head's row"),
    "water_trip_minutes": ("0–600", "0-600"),
    "water_horizontal_m": ("0–50000", "0-50000"),
    "water_vertical_m": ("0–5000", "0-5000"),
    "water_outage_days": ("0–366", "0-366"),
    "income_year": (
        "2014–2100；填写收入或支出时必填",
        "2014-2100; required when incomes or spending are given",
    ),
}
_MONEY_NOTE = (
    "元，≥ 0，最多两位小数；只填在户主行",
    "Yuan, ≥ 0, at most two decimals; on the head's row only",
)
_FACT_NOTE = ("只填在户主行", "On the head's row only")
_YES_NO = ("是 / 否", "是 (yes) / 否 (no)")


def column_note(column: Column) -> tuple[str, str, str, str]:
    """(allowed values zh, allowed values en, note zh, note en) of a template column."""
    allowed_zh = allowed_en = ""
    if column.key in CHOICE_CLASSES:
        members = [m for m in CHOICE_CLASSES[column.key] if m.value]
        allowed_zh = "、".join(str(m.label).split(" ")[0] for m in members)
        allowed_en = ", ".join(" ".join(str(m.label).split(" ")[1:]) for m in members)
    elif column.key in BOOL_KEYS:
        allowed_zh, allowed_en = _YES_NO
    note_zh, note_en = COLUMN_NOTES.get(column.key, ("", ""))
    if column.key in INCOME_KEYS and column.key != "income_year":
        note_zh, note_en = _MONEY_NOTE
    elif column.key in FACT_KEYS and not note_zh:
        note_zh, note_en = _FACT_NOTE
    return allowed_zh, allowed_en, note_zh, note_en


__all__ = [
    "BOOL_KEYS",
    "BY_KEY",
    "CHOICE_CLASSES",
    "COLUMNS",
    "COLUMN_NOTES",
    "FACT_DEFAULTS",
    "FACT_KEYS",
    "HOUSEHOLD_KEYS",
    "INCOME_KEYS",
    "MEMBER_DEFAULTS",
    "MEMBER_KEYS",
    "MONEY_KEYS",
    "NUMBER_KEYS",
    "REQUIRED_FACTS",
    "TEXT_KEYS",
    "Column",
    "choice_label",
    "column_note",
]
