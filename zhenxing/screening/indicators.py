"""The indicators a rule may read: each is a column of `Result`, with its type and label.

Money indicators are stored in fen; rules and reasons speak in yuan.
"""

from __future__ import annotations

from dataclasses import dataclass

from zhenxing.screening.dsl import Type


@dataclass(frozen=True)
class IndicatorDef:
    type: Type
    zh: str
    en: str


INDICATORS: dict[str, IndicatorDef] = {
    "category": IndicatorDef(Type.TEXT, "农户类别", "household category (exited/general)"),
    "member_count": IndicatorDef(Type.NUMBER, "家庭人口", "household members"),
    "income_wage": IndicatorDef(Type.MONEY, "工资性收入", "wage income"),
    "income_business": IndicatorDef(Type.MONEY, "生产经营性收入", "business income"),
    "income_property": IndicatorDef(Type.MONEY, "财产性收入", "property income"),
    "income_transfer": IndicatorDef(Type.MONEY, "转移性收入", "transfer income"),
    "production_cost": IndicatorDef(Type.MONEY, "生产经营支出", "production costs"),
    "industry_income": IndicatorDef(Type.MONEY, "产业链结算收入", "settled benefit-chain income"),
    "net_income": IndicatorDef(Type.MONEY, "家庭纯收入", "household net income"),
    "per_capita_net_income": IndicatorDef(Type.MONEY, "人均纯收入", "per-capita net income"),
    "rigid_medical": IndicatorDef(Type.MONEY, "合规自付医疗支出", "out-of-pocket medical"),
    "rigid_education": IndicatorDef(Type.MONEY, "教育支出", "education spending"),
    "food_secure": IndicatorDef(Type.BOOL, "不愁吃", "food secure"),
    "clothing_secure": IndicatorDef(Type.BOOL, "不愁穿", "clothing secure"),
    "house_grade": IndicatorDef(Type.TEXT, "住房安全等级", "house safety grade"),
    "water_litres": IndicatorDef(
        Type.NUMBER, "人均日供水量(升)", "water litres per person per day"
    ),
    "water_scarce_area": IndicatorDef(Type.BOOL, "缺水地区", "water-scarce area"),
    "water_quality": IndicatorDef(Type.TEXT, "水质评价", "water quality basis"),
    "water_piped": IndicatorDef(Type.BOOL, "自来水入户", "piped water"),
    "water_trip_minutes": IndicatorDef(Type.NUMBER, "取水往返分钟", "water trip minutes"),
    "water_horizontal_m": IndicatorDef(Type.NUMBER, "取水水平距离(米)", "water horizontal metres"),
    "water_vertical_m": IndicatorDef(Type.NUMBER, "取水垂直距离(米)", "water vertical metres"),
    "water_outage_days": IndicatorDef(Type.NUMBER, "年断水天数", "water outage days per year"),
    "school_age_children": IndicatorDef(Type.NUMBER, "6–15 周岁儿童数", "children aged 6-15"),
    "children_out_of_school": IndicatorDef(
        Type.NUMBER, "失学辍学儿童数", "children 6-15 out of school without exemption"
    ),
    "uninsured_members": IndicatorDef(
        Type.NUMBER, "未参加基本医保人数", "members without basic insurance"
    ),
    "no_critical_illness_cover": IndicatorDef(
        Type.NUMBER, "未参加大病保险人数", "members without critical-illness insurance"
    ),
    "chronic_ill_members": IndicatorDef(Type.NUMBER, "慢性病人数", "members with chronic illness"),
    "serious_ill_members": IndicatorDef(Type.NUMBER, "大病人数", "members with serious illness"),
    "disabled_members": IndicatorDef(Type.NUMBER, "残疾人数", "disabled members"),
    "severely_disabled_members": IndicatorDef(
        Type.NUMBER, "一二级重度残疾人数", "members with grade 1-2 disability"
    ),
    "labour_members": IndicatorDef(Type.NUMBER, "劳动力人数", "members able to work"),
    "weak_labour_members": IndicatorDef(Type.NUMBER, "弱劳动力人数", "members with weak labour"),
    "employed_members": IndicatorDef(
        Type.NUMBER, "稳定务工人数(≥6个月)", "members working 6 months or more"
    ),
    "dibao_members": IndicatorDef(Type.NUMBER, "低保人数", "members on minimum allowance"),
    "tekun_members": IndicatorDef(
        Type.NUMBER, "特困供养人数", "members on extreme-poverty support"
    ),
}

INDICATOR_TYPES: dict[str, Type] = {name: d.type for name, d in INDICATORS.items()}
