"""The demo's people: surnames and given names by era, the distributions of household size,
illness, disability, schooling and work, and the named households of the Fuling article."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from zhenxing.demo.households.plan import (
    AS_OF,
)

# ---------------------------------------------------------------- names

# Common surnames of the Fuling area with rough relative weights.
_SURNAME_TEXT = (
    "陈8 李7 刘6 王6 张6 杨5 黄4 周4 何3.5 吴3 谭3 罗3 徐2.5 邓2.5 冉2 胡2 唐2.5 蒋2 曾2 彭2 "
    "向2 秦1.5 夏1.5 余2 熊1.5 田1.5 廖1.5 袁1.5 郑1.5 杜1.5 龚1.2 文1.2 冯1.2 肖1.5 谢1.5 "
    "朱1.5 石1.2 傅1 程1 兰0.8 卢1 雷1 汪0.8 赵2 孙1 任1 蒲0.8 游0.8 付1 易1 万0.8 税0.5 邹1 "
    "舒0.5 况0.6 钟1 贺0.8 江0.8 戴0.6 范0.8 姚0.8 魏0.8 高1 梁0.8 宋0.8 吕0.6 郭1 马1 蔡0.8 "
    "丁0.6 代0.8 明0.5 陶0.7 韩0.6 母0.4"
)
_SURNAMES = _SURNAME_TEXT.split(" ")
SURNAMES = tuple(s[0] for s in _SURNAMES)
_SURNAME_CUM = tuple(sum(float(s[1:]) for s in _SURNAMES[: i + 1]) for i in range(len(_SURNAMES)))

# Given-name characters by birth era and sex: (first characters, second characters).
_GIVEN: dict[tuple[int, str], tuple[str, str]] = {
    (0, "M"): ("明德成仕必光世正国绍昌永玉廷远大泽启", "福君权海华贵清全安才荣富林山章发友伦云祥"),
    (0, "F"): ("素秀桂淑玉翠德明春泽碧琼兴光菊正", "芬兰英珍华芳容清蓉琼群莲菊碧秀凤"),
    (1, "M"): ("建小志文海红家洪永云伟国军学利明朝", "军平华强兵勇林波刚明东伟斌庆川彬江"),
    (1, "F"): ("小晓春红丽利秀世燕艳玉会雪俊", "琴梅燕丽红英平霞群娟萍华蓉莉"),
    (2, "M"): ("俊浩鹏小宇杰家建文佳志博", "杰宇鹏涛龙超林豪伟峰洋阳鑫磊"),
    (2, "F"): ("雨欣佳思晓婷梦雪诗丹小静", "婷琳雪洁玲丹燕倩欣悦颖瑶"),
    (3, "M"): ("梓子浩宇俊一家思博皓睿锦明", "轩豪然涵睿宇阳航辰鑫杰"),
    (3, "F"): ("雨欣梓诗子可思紫佳语一若", "涵怡萱彤琪欣瑶菲雪悦琳汐"),
}


# A shared first character for the children of one family (字辈), sometimes.
_GENERATION_CHARS = "子梓思一佳语"


def _era(birth_year: int) -> int:
    return 0 if birth_year <= 1965 else 1 if birth_year <= 1985 else 2 if birth_year <= 2005 else 3


# ---------------------------------------------------------------- distributions

_OTHER_AREAS = ("500115", "500230", "500156", "500233", "500243", "500101", "500103", "500105")
_MOBILE_PREFIXES = tuple(
    f"1{n}"
    for n in (33, 35, 36, 38, 39, 50, 51, 52, 57, 58, 59, 66, 73, 77, 80, 81, 87, 88, 89, 99)
)
_BANK_PREFIXES = ("622908", "621717", "622848", "623668", "621799")

# size 1..7: general mean ≈ 3.1, exited mean ≈ 3.5 (17,000 households ≈ 60,000 people)
_SIZE_CUM = {
    False: (0.12, 0.39, 0.64, 0.83, 0.94, 0.985, 1.0),
    True: (0.09, 0.29, 0.51, 0.73, 0.88, 0.96, 1.0),
}
# by age bracket <16, 16–44, 45–59, 60–74, 75+
_DISABLED = (0.012, 0.036, 0.062, 0.09, 0.12)
_SERIOUS = (0.002, 0.004, 0.012, 0.02, 0.025)
_CHRONIC = (0.005, 0.03, 0.10, 0.22, 0.30)
_GRADE_CUM = (0.1, 0.3, 0.6, 1.0)
_EDU: dict[int, tuple[tuple[float, ...], tuple[str, ...]]] = {
    # birth era (as `_era`) → cumulative shares, levels; finer cut at 1955 for the oldest
    -1: ((0.35, 0.85, 1.0), ("none", "primary", "junior")),
    0: ((0.1, 0.55, 0.95, 1.0), ("none", "primary", "junior", "senior")),
    1: ((0.25, 0.8, 0.92, 0.97, 1.0), ("primary", "junior", "senior", "vocational", "college")),
    2: (
        (0.35, 0.55, 0.72, 0.88, 1.0),
        ("junior", "senior", "vocational", "college", "university"),
    ),
}
_PLACES = ("in_county", "in_province", "out_province")
_MONTHLY_WAGE = {
    "in_county": (2200, 3300),
    "in_province": (2600, 3800),
    "out_province": (3100, 4700),
}

_JAN_FIRST = {year: date(year, 1, 1).toordinal() for year in range(1900, AS_OF.year + 1)}


def _pick(cum: Sequence[float], u: float) -> int:
    return bisect.bisect_right(cum, u) if u < cum[-1] else len(cum) - 1


def _bracket(age: int) -> int:
    return 0 if age < 16 else 1 if age < 45 else 2 if age < 60 else 3 if age < 75 else 4


@dataclass(frozen=True)
class NamedMember:
    name: str
    relation: str
    sex: str
    age: int
    health: str | None = None  # None: drawn like anyone else's
    disability_grade: int | None = None


@dataclass(frozen=True)
class NamedHousehold:
    """A household the article names, placed in its village group."""

    town: str
    village: str
    group: int
    exit_year: int | None
    members: tuple[NamedMember, ...]


NAMED_HOUSEHOLDS = (
    # 石牛村 6组: the supervision visit asked about medical care, schooling and housing.
    NamedHousehold(
        town="珍溪镇",
        village="石牛村",
        group=6,
        exit_year=2016,
        members=(
            NamedMember("邓明福", "head", "M", 63, "chronic"),
            NamedMember("谭素芬", "spouse", "F", 61, "disabled", 3),
            NamedMember("邓小军", "child", "M", 37, "healthy"),
            NamedMember("邓雨涵", "grandchild", "F", 10, "healthy"),
        ),
    ),
    NamedHousehold(
        town="珍溪镇",
        village="中乐村",
        group=2,
        exit_year=2017,
        members=(
            NamedMember("兰成君", "head", "M", 59),
            NamedMember("周桂英", "spouse", "F", 57),
            NamedMember("兰建华", "child", "M", 33),
        ),
    ),
    NamedHousehold(
        town="珍溪镇",
        village="中乐村",
        group=3,
        exit_year=2015,
        members=(
            NamedMember("徐仕权", "head", "M", 71, "serious"),
            NamedMember("冉素珍", "spouse", "F", 69),
        ),
    ),
    NamedHousehold(
        town="珍溪镇",
        village="中乐村",
        group=4,
        exit_year=2018,
        members=(
            NamedMember("周必海", "head", "M", 54),
            NamedMember("何秀兰", "spouse", "F", 52, "chronic"),
            NamedMember("周浩", "child", "M", 24),
            NamedMember("周欣怡", "child", "F", 14),
        ),
    ),
    # 李寺村: the big grower; the benefit chain adds his season settlement to his income.
    NamedHousehold(
        town="江北街道",
        village="李寺村",
        group=1,
        exit_year=None,
        members=(
            NamedMember("卢家庆", "head", "M", 52, "healthy"),
            NamedMember("陈小琴", "spouse", "F", 50, "healthy"),
            NamedMember("卢俊杰", "child", "M", 27, "healthy"),
            NamedMember("王婷", "child_in_law", "F", 26, "healthy"),
            NamedMember("卢梓轩", "grandchild", "M", 3, "healthy"),
        ),
    ),
)
