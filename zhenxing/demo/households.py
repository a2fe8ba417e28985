"""The demo district's households: a Fuling-like registry of ~300,000 households and ~930,000
people (the rural population implied by 60,600 exited people at 6.5 % incidence, domain.md §1.1
and §5), of which ~17,000 are exited households (脱贫户).

Holds:
- `plan_district(region_rows, seed, scale)`: how many households and exited households each
  village gets, which villages are poor villages (63 at full scale) or water-scarce.
- `generate_households(region_rows, seed, scale, first_id)`: the pure generator. It yields one
  `TownBatch` per township unit (so memory stays bounded) with plaintext rows: same seed and
  scale, same rows. Each village draws its people from its own `random.Random` (seeded by the
  seed and the village code) and each town takes ID sequence codes from its own share of the
  range, so towns can be generated apart (in parallel) and IDs are unique by construction.
- `demo_households_load(...)`: writes the towns with raw `executemany` (COPY on PostgreSQL) in
  one transaction, personal values encrypted through `households.services.sealed`, then adds
  every row's first history version with one `INSERT … SELECT` per table (architecture.md §5:
  no per-row saves). Towns are generated and sealed in forked worker processes while this
  process inserts; on SQLite the secondary indexes are rebuilt once after the load.
- `demo_pairings_ensure(...)`: a few current pairings for the demo cadre in 石牛村.

The shapes (sizes, ages, illness, disability, schooling, housing, water, income) are chosen so
that a screening against the 8,000-yuan monitoring range (domain.md §3.3) finds mostly stable
households, some to consolidate and a small marginal share concentrated among exited households.
Every value here is synthetic.
"""

from __future__ import annotations

import bisect
import itertools
import math
import multiprocessing
import os
import random
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, get_history_model_for_model

from zhenxing.accounts.models import User, username_key
from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record
from zhenxing.households.choices import Category
from zhenxing.households.models import (
    BANK_CONTEXT,
    ID_CONTEXT,
    PHONE_CONTEXT,
    CadrePairing,
    Household,
    HouseholdFacts,
    IncomeLine,
    Member,
    SpendingLine,
)
from zhenxing.households.services import member_name_fields, sealed

COUNTY_CODE = "500102"
TARGET_HOUSEHOLDS = 300_000
TARGET_EXITED = 17_000
# The 大顺乡 pilot screened 797 exited households (domain.md §1.4).
DASHUN = "大顺乡"
DASHUN_EXITED = 797
POOR_VILLAGES = 63  # "63 poor villages" with resident work teams (domain.md §1.6)
INCOME_YEAR = 2025  # the latest full year
AS_OF = date(2026, 12, 31)  # ages are counted on this day; nobody is born after INCOME_YEAR
# Chongqing's 2023 monitoring range (domain.md §3.3). Only to shape the synthetic incomes and
# for the figures printed after a build: the screening reads its thresholds from its rule sets.
MONITORING_LINE_FEN = 800_000
CHANGE_REASON = "demo"
PAIRING_SINCE = date(2021, 3, 1)
CADRE_USERNAME = "cadre.shiniu"
CADRE_VILLAGE = ("珍溪镇", "石牛村")
CADRE_PAIRINGS = 5

# Township units whose villages are poorer (more exited households) or short of water.
_CORE_STREETS = frozenset({"敦仁街道", "崇义街道", "荔枝街道"})
_SCARCE_WATER_TOWNS = frozenset({"武陵山乡", "大木乡", "同乐乡", "增福乡"})

# (row tuple layouts; the loader maps them onto model fields by name)
HouseholdRow = tuple[int, str, str, str, "int | None", str, str, str, str, int]
MEMBER_FIELDS = (
    "household_id", "name", "id_number", "sex", "birth_date", "relation", "education",
    "school_status", "health", "disability_grade", "labour", "work_months", "work_place",
    "medical_insurance", "critical_illness_insurance", "family_doctor", "dibao", "tekun",
)  # fmt: skip
MemberRow = tuple[
    int, str, str, str, date, str, str, str, str, "int | None", str, int, str,
    bool, bool, bool, bool, bool,
]  # fmt: skip
FACT_FIELDS = (
    "household_id", "food_secure", "clothing_secure", "house_grade", "house_assessed_on",
    "water_litres", "water_scarce_area", "water_quality", "water_piped", "water_trip_minutes",
    "water_horizontal_m", "water_vertical_m", "water_outage_days",
)  # fmt: skip
FactsRow = tuple[int, bool, bool, str, "date | None", int, bool, str, bool, int, int, int, int]
IncomeRow = tuple[int, int, str, int, int, str]  # household, year, kind, amount fen, cost fen, src
SpendingRow = tuple[int, int, str, int, str]  # household, year, kind, amount fen, source


@dataclass
class TownBatch:
    """Everything generated for one township unit, in plaintext (nothing encrypted yet)."""

    town_code: str
    town_name: str
    households: list[HouseholdRow] = field(default_factory=list)
    members: list[MemberRow] = field(default_factory=list)
    facts: list[FactsRow] = field(default_factory=list)
    incomes: list[IncomeRow] = field(default_factory=list)
    spendings: list[SpendingRow] = field(default_factory=list)
    # per household: (exited?, per-capita net income in fen), for the build's statistics
    per_capita: list[tuple[bool, int]] = field(default_factory=list)


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True)
class VillagePlan:
    code: str
    name: str
    groups: tuple[tuple[str, str], ...]  # (15-digit code, name)
    households: tuple[int, ...]  # per group
    exited: int
    poor: bool
    scarce_water: bool

    @property
    def total(self) -> int:
        return sum(self.households)


@dataclass(frozen=True)
class TownPlan:
    index: int
    code: str
    name: str
    villages: tuple[VillagePlan, ...]

    @property
    def total(self) -> int:
        return sum(v.total for v in self.villages)


def _largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` in proportion to `weights`, exactly (Hamilton's method)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    quotas = [total * w / weight_sum for w in weights]
    shares = [math.floor(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (shares[i] - quotas[i], i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def plan_district(
    region_rows: Sequence[tuple[str, str]], *, seed: int, scale: float
) -> list[TownPlan]:
    """Households per village group and exited households per village, deterministically.

    Household numbers follow the number of groups (about 110 households a group at full scale),
    fewer in communities and in the three urban-core streets; exited households follow the
    town's kind (more in 乡, fewer in 街道), the poor villages and 大顺乡's 797.
    """
    rng = random.Random(f"{seed}:plan")  # noqa: S311 — synthetic data, not security
    names = dict(region_rows)
    towns = sorted(code for code, _ in region_rows if len(code) == 9)
    villages_of: dict[str, list[str]] = {t: [] for t in towns}
    groups_of: dict[str, list[str]] = {}
    for code, _name in region_rows:
        if len(code) == 12:
            villages_of[code[:9]].append(code)
            groups_of[code] = []
        elif len(code) == 15:
            groups_of[code[:12]].append(code)
    all_villages = [v for t in towns for v in sorted(villages_of[t])]

    def town_kind(village: str) -> str:  # 街道 street, 镇 town or 乡 township
        town_name = names[village[:9]]
        return "街道" if town_name.endswith("街道") else town_name[-1]

    # households
    size_weights: list[float] = []
    for v in all_villages:
        community = v[9] in "01"
        w = len(groups_of[v]) * rng.lognormvariate(0, 0.2)
        if community:
            w *= 0.4
        if names[v[:9]] in _CORE_STREETS:
            w *= 0.5
        size_weights.append(w)
    per_village = _largest_remainder(round(TARGET_HOUSEHOLDS * scale), size_weights)

    # poor villages: villages (not communities), more likely in 乡 and 镇
    candidates = [v for v in all_villages if v[9] not in "01"]
    kind_weight = {"街道": 0.3, "镇": 1.0, "乡": 2.0}
    keyed = sorted(
        candidates,
        key=lambda v: rng.random() ** (1 / kind_weight[town_kind(v)]),
        reverse=True,
    )
    poor = set(keyed[: max(1, round(POOR_VILLAGES * scale))])

    # exited households: 大顺乡 gets its 797 (scaled), the rest by incidence weights
    incidence = {"街道": 0.35, "镇": 1.0, "乡": 1.6}
    exit_weights: list[float] = []
    for v, n in zip(all_villages, per_village, strict=True):
        w = n * incidence[town_kind(v)] * rng.lognormvariate(0, 0.3)
        if v[9] in "01":
            w *= 0.3
        if names[v[:9]] in _CORE_STREETS:
            w *= 0.4
        if v in poor:
            w *= 2.2
        exit_weights.append(w)
    total_exited = round(TARGET_EXITED * scale)
    dashun_exited = round(DASHUN_EXITED * scale)
    in_dashun = [names[v[:9]] == DASHUN for v in all_villages]
    exited = [0] * len(all_villages)
    for inside, quota in ((True, dashun_exited), (False, total_exited - dashun_exited)):
        idx = [i for i, flag in enumerate(in_dashun) if flag == inside]
        for i, share in zip(
            idx, _largest_remainder(quota, [exit_weights[i] for i in idx]), strict=True
        ):
            exited[i] = share
    plans: list[TownPlan] = []
    by_village = {v: (n, e) for v, n, e in zip(all_villages, per_village, exited, strict=True)}
    for t_index, town in enumerate(towns):
        vplans: list[VillagePlan] = []
        for v in sorted(villages_of[town]):
            n, e = by_village[v]
            groups = sorted(groups_of[v])
            g_weights = [rng.uniform(0.6, 1.4) for _ in groups]
            # every group has at least one household (named households sit at sequence 1)
            per_group = [
                1 + extra
                for extra in _largest_remainder(max(n, len(groups)) - len(groups), g_weights)
            ]
            vplans.append(
                VillagePlan(
                    code=v,
                    name=names[v],
                    groups=tuple((g, names[g]) for g in groups),
                    households=tuple(per_group),
                    exited=min(e, sum(per_group) * 6 // 10),
                    poor=v in poor,
                    scarce_water=names[town] in _SCARCE_WATER_TOWNS and rng.random() < 0.6,
                )
            )
        plans.append(TownPlan(t_index, town, names[town], tuple(vplans)))
    return plans


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


# ---------------------------------------------------------------- the generator


class _IdAllocator:
    """Sequence codes unique within the district without looking anything up.

    The 3-digit sequence code is odd for men and even for women; its value range is shared
    out between the township units (town index + 27·k), so towns can be generated
    independently and no two people anywhere get the same number. When a town has used all its
    slots for one area, birth date and sex (never at the demo's scales), the birth date moves a
    day earlier — a deterministic shift, not a random retry.
    """

    def __init__(self, town_index: int, towns: int) -> None:
        self.town_index = town_index
        self.towns = towns
        self.used: Counter[tuple[str, int, int]] = Counter()
        # The MOD 11-2 sum split by part, so a million numbers cost a few additions each; the
        # tests check every number with `validate_id` (and so against `check_char`).
        self._area_sums: dict[str, int] = {}

    def allocate(self, area: str, birth_ordinal: int, male: bool) -> tuple[str, int]:
        parity = 1 if male else 0
        while True:
            key = (area, birth_ordinal, parity)
            k = self.used[key]
            seq = 2 * (k * self.towns + self.town_index) + parity
            if seq <= 999:
                self.used[key] = k + 1
                break
            birth_ordinal -= 1
        area_sum = self._area_sums.get(area)
        if area_sum is None:
            area_sum = self._area_sums[area] = _weighted(area, _ID_WEIGHTS[:6])
        ymd = _DATE_PARTS.get(birth_ordinal)
        if ymd is None:
            d = date.fromordinal(birth_ordinal)
            text = f"{d.year:04d}{d.month:02d}{d.day:02d}"
            ymd = _DATE_PARTS[birth_ordinal] = (text, _weighted(text, _ID_WEIGHTS[6:14]))
        total = area_sum + ymd[1] + (seq // 100) * 8 + (seq // 10 % 10) * 4 + (seq % 10) * 2
        return f"{area}{ymd[0]}{seq:03d}{_ID_CHECK[total % 11]}", birth_ordinal


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643, positions 1–17
_ID_CHECK = "10X98765432"
_DATE_PARTS: dict[int, tuple[str, int]] = {}  # birth date ordinal → (YYYYMMDD, weighted sum)


def _weighted(digits: str, weights: Sequence[int]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True))


class _TownGenerator:
    """One town's households, numbered from `first_id`; `district_first_id` is the district's
    first household id, so phone and bank numbers follow the household's place in the district
    (unique) and not the database's id offset."""

    def __init__(
        self, town: TownPlan, towns: int, seed: int, first_id: int, district_first_id: int
    ) -> None:
        self.town = town
        self.seed = seed
        self.ids = _IdAllocator(town.index, towns)
        self.next_id = first_id
        self.district_first_id = district_first_id
        self.batch = TownBatch(town.code, town.name)
        self.phone_key = random.Random(f"{seed}:phones").randrange(1, 10**8)  # noqa: S311

    # -- household level

    def run(self) -> TownBatch:
        for village in self.town.villages:
            self._village(village)
        return self.batch

    def _village(self, plan: VillagePlan) -> None:
        rng = random.Random(f"{self.seed}:{plan.code}")  # noqa: S311 — synthetic data
        named = {
            min(n.group, len(plan.groups)): n
            for n in NAMED_HOUSEHOLDS
            if n.town == self.town.name and n.village == plan.name
        }
        named_exited = sum(1 for n in named.values() if n.exit_year is not None)
        slots: list[tuple[int, int]] = []  # (group index, sequence)
        for g_index, count in enumerate(plan.households):
            slots.extend((g_index, seq) for seq in range(1, count + 1))
        named_slots = {(g - 1, 1) for g in named}
        free = [i for i, s in enumerate(slots) if s not in named_slots]
        exited = set(rng.sample(free, max(0, min(len(free), plan.exited - named_exited))))
        for i, (g_index, seq) in enumerate(slots):
            group_code, group_name = plan.groups[g_index]
            spec = named.get(g_index + 1) if seq == 1 else None
            is_exited = spec.exit_year is not None if spec else i in exited
            self._household(rng, plan, group_code, group_name, seq, is_exited, spec)

    def _household(
        self,
        rng: random.Random,
        plan: VillagePlan,
        group_code: str,
        group_name: str,
        seq: int,
        exited: bool,
        spec: NamedHousehold | None,
    ) -> None:
        r = rng.random
        hid = self.next_id
        self.next_id += 1
        b = self.batch
        if spec is not None:
            exit_year = spec.exit_year
            family = [(m.relation, m.age, m.sex) for m in spec.members]
        else:
            exit_year = (2014 + min(6, int(r() * 7))) if exited else None
            family = _family(rng, _pick(_SIZE_CUM[exited], r()) + 1)
        size = len(family)
        surname = SURNAMES[_pick(_SURNAME_CUM, r() * _SURNAME_CUM[-1])]
        generation_char = rng.choice(_GENERATION_CHARS) if r() < 0.4 else ""
        members: list[list[Any]] = []
        for m_index, (relation, age, sex) in enumerate(family):
            named_member = spec.members[m_index] if spec is not None else None
            members.append(
                self._member(
                    rng, hid, relation, age, sex, surname, generation_char, exited, named_member
                )
            )
        # household-level support: 低保/特困 for weak households, mostly exited ones
        labourers = sum(1 for m in members if m[10] in ("ordinary", "skilled"))
        head_age = family[0][1]
        if size == 1 and head_age >= 60 and labourers == 0 and r() < (0.22 if exited else 0.02):
            members[0][17] = True  # 特困供养
        elif r() < (0.5 if exited else 0.06) * (1.0 if labourers == 0 else 0.25):
            whole = r() < 0.6
            for m in members:
                if whole or m[8] != "healthy":
                    m[16] = True
        per_capita = self._incomes(rng, hid, members, exited, head_age)
        self._facts(rng, hid, plan, exited, size, head_age)
        # head: phone and bank account, derived from the household's ordinal (so unique; the
        # multipliers are prime to 10, which makes both maps one-to-one)
        ordinal = hid - self.district_first_id
        phone = ""
        if r() < (0.6 if head_age >= 80 else 0.93):
            x = (ordinal * 48_271 + self.phone_key) % 10**8
            phone = f"{_MOBILE_PREFIXES[ordinal % len(_MOBILE_PREFIXES)]}{x:08d}"
        bank = ""
        if r() < (0.9 if exited else 0.6):
            account = (ordinal * 7_919 + 13) % 10**12
            body = f"{_BANK_PREFIXES[ordinal % len(_BANK_PREFIXES)]}{account:012d}"
            bank = body + _luhn(body)
        town_short = self.town.name
        head_name = members[0][1]
        b.households.append(
            (
                hid,
                f"{group_code}{seq:04d}",
                group_code,
                Category.EXITED.value if exited else Category.GENERAL.value,
                exit_year,
                f"{town_short}{plan.name}{group_name}{seq}号",
                head_name,
                phone,
                bank,
                size,
            )
        )
        for m in members:
            b.members.append(tuple(m))
        b.per_capita.append((exited, per_capita))

    # -- member level

    def _member(
        self,
        rng: random.Random,
        hid: int,
        relation: str,
        age: int,
        sex: str,
        surname: str,
        generation_char: str,
        exited: bool,
        named: NamedMember | None,
    ) -> list[Any]:
        r = rng.random
        birth_year = AS_OF.year - age
        birth_ordinal = _JAN_FIRST[birth_year] + int(r() * 365)
        area = COUNTY_CODE
        if (relation in ("spouse", "child_in_law") and r() < 0.3) or r() < 0.03:
            area = _OTHER_AREAS[int(r() * len(_OTHER_AREAS))]
        id_number, birth_ordinal = self.ids.allocate(area, birth_ordinal, sex == "M")
        birth = date.fromordinal(birth_ordinal)
        # name
        if named is not None:
            name = named.name
        else:
            family_name = surname
            if relation in ("spouse", "child_in_law") or (relation == "parent" and sex == "F"):
                family_name = SURNAMES[_pick(_SURNAME_CUM, r() * _SURNAME_CUM[-1])]
            era = _era(birth_year)
            firsts, seconds = _GIVEN[(era, sex)]
            if r() < (0.08 if era == 3 else 0.14):
                given = seconds[int(r() * len(seconds))]
            else:
                first = (
                    generation_char
                    if generation_char and relation in ("child", "grandchild") and era == 3
                    else firsts[int(r() * len(firsts))]
                )
                given = first + seconds[int(r() * len(seconds))]
            name = family_name + given
        # health
        bracket = _bracket(age)
        u = r()
        boost = 2.0 if exited else 1.0
        p_dis = _DISABLED[bracket] * boost
        p_ser = p_dis + _SERIOUS[bracket] * boost
        p_chr = p_ser + _CHRONIC[bracket] * (1.6 if exited else 1.0)
        grade: int | None = None
        if named is not None and named.health is not None:
            health = named.health
            grade = named.disability_grade
        else:
            health = (
                "disabled"
                if u < p_dis
                else "serious"
                if u < p_ser
                else "chronic"
                if u < p_chr
                else "healthy"
            )
        if health == "disabled" and grade is None:
            grade = _pick(_GRADE_CUM, r()) + 1
        # schooling (children born by 2020 are in the 2026/27 school year) and education
        school = ""
        if birth_year <= 2020 and age <= 17:
            if age <= 15:
                if health == "disabled" and grade is not None and grade <= 2:
                    school = "home_tuition" if r() < 0.7 else "exempt"
                elif health == "serious" and r() < 0.3:
                    school = "exempt"
                elif r() < (0.0006 if exited else 0.0002):
                    school = "out_of_school"
                else:
                    school = "in_school"
            elif r() < 0.88:
                school = "in_school"
        education = _education(rng, age, birth_year, school)
        # labour
        severe = health == "serious" or (health == "disabled" and grade is not None and grade <= 2)
        if age < 16 or age >= 75 or school == "in_school" or severe:
            labour = "none"
        elif age >= 65 or health in ("chronic", "disabled") or (age >= 60 and r() < 0.7):
            labour = "weak"
        else:
            labour = "skilled" if r() < (0.12 if exited else 0.2) else "ordinary"
        months = 0
        place = ""
        if labour in ("ordinary", "skilled") and age < 60:
            if r() < (0.5 if exited else 0.62):
                place = _PLACES[_pick((0.35, 0.7, 1.0), r())]
                months = 12 if r() < 0.45 else 6 + int(r() * 6)
            elif r() < 0.85:  # local work: construction, factories, the cooperatives
                place, months = "in_county", 4 + int(r() * 8)
        elif labour == "weak" and age < 70 and r() < 0.3:
            place, months = "in_county", 2 + int(r() * 5)
        insured = r() < (0.999 if exited else 0.985)
        critical = insured and r() < 0.995
        doctor = r() < (0.97 if exited else (0.6 if health != "healthy" or age >= 65 else 0.25))
        return [
            hid, name, id_number, sex, birth, relation, education, school, health, grade, labour,
            months, place, insured, critical, doctor, False, False,
        ]  # fmt: skip

    # -- income and spending

    def _incomes(
        self, rng: random.Random, hid: int, members: list[list[Any]], exited: bool, head_age: int
    ) -> int:
        """Income lines of `INCOME_YEAR` by the four kinds (yuan → fen); returns per-capita net."""
        r = rng.random
        wage = business = cost = prop = transfer = 0
        medical = education = 0
        home_workers = 0
        migrant = False
        for m in members:
            age = AS_OF.year - m[4].year
            labour, months, place, health = m[10], m[11], m[12], m[8]
            if months:
                low, high = _MONTHLY_WAGE[place]
                monthly = low + r() * (high - low)
                if labour == "skilled":
                    monthly *= 1.3
                if exited:
                    monthly *= 0.85
                wage += int(months * monthly)
                migrant = migrant or place != "in_county" or months >= 10
            if labour != "none" and months < 10 and 16 <= age < 75:
                home_workers += 1
            if age >= 60:
                transfer += 1900 + int(r() * 1300)  # resident basic pension
            if m[17]:
                transfer += 10_200 + int(r() * 1300)  # 特困供养
            elif m[16]:
                transfer += int((520 + r() * 160) * 12 * (0.5 + r() * 0.5))  # 低保 top-up
            if health == "disabled" and m[9] is not None and (m[9] <= 2 or m[16]):
                transfer += 1200 if m[9] > 2 else 2400  # disability allowances
            if health == "chronic":
                medical += 300 + int(r() * 2200)
            elif health == "serious":
                medical += int((3000 + r() * 17000) * (0.5 if exited else 1.0))
            elif health == "disabled" and r() < 0.3:
                medical += 200 + int(r() * 1300)
            if m[7] == "in_school" and age >= 15:
                education += 1500 + int(r() * 3500)
        # farming: 青菜头 and other crops on 1–4.5 mu per worker at home (2 at most)
        mu = 0.0
        if home_workers:
            mu = (1.0 + r() * 3.5) * min(home_workers, 2)
            business += int(mu * (2000 + r() * 2000))
            cost += int(mu * (700 + r() * 600))
            if r() < 0.25:
                livestock = 3000 + int(r() * 12000)
                business += livestock
                cost += int(livestock * (0.55 + r() * 0.2))
        elif r() < 0.5:
            mu = r()
            garden = 500 + int(r() * 1500)
            business += garden
            cost += garden // 5
        transfer += int(mu * 100)  # 耕地地力保护补贴
        if r() < (0.35 if exited else 0.2):
            prop += 300 + int(r() * (1500 if exited else 2500))  # land rent, 三变 dividends
        if exited and r() < 0.25 and any(m[10] == "weak" for m in members):
            wage += 5000 + int(r() * 2200)  # public-welfare job (公益岗)
        if exited and r() < 0.6:
            transfer += 500 + int(r() * 2000)  # industry subsidies to exited households
        elders = sum(1 for m in members if AS_OF.year - m[4].year >= 60)
        if head_age >= 60:
            # support from children living elsewhere (赡养费, remittances)
            support = (3000 + r() * 8000) * (0.8 if exited else 1.0) * (0.3 if migrant else 1.0)
            transfer += int(support) * max(1, elders)
        size = len(members)
        # Families, relatives and temporary relief (临时救助) carry most households that the
        # above leaves under the monitoring line; exited households less often, so the low tail
        # is concentrated among them.
        net = wage + business - cost + prop + transfer
        if net * 100 < MONITORING_LINE_FEN * size and r() < (0.45 if exited else 0.8):
            transfer += int((8200 + r() * (2800 if exited else 3800)) * size) - net
        lines = (("wage", wage, 0, "务工收入"), ("business", business, cost, "种养殖（青菜头等）"),
                 ("property", prop, 0, "土地流转租金、入股分红"),
                 ("transfer", transfer, 0, "养老金、低保、补贴、赡养费"))  # fmt: skip
        net = 0
        for kind, amount, kind_cost, source in lines:
            if amount or kind_cost:
                self.batch.incomes.append(
                    (hid, INCOME_YEAR, kind, amount * 100, kind_cost * 100, source)
                )
                net += (amount - kind_cost) * 100
        if medical:
            self.batch.spendings.append((hid, INCOME_YEAR, "medical", medical * 100, "合规自付"))
        if education:
            self.batch.spendings.append((hid, INCOME_YEAR, "education", education * 100, ""))
        return net // size

    # -- 两不愁三保障 and water

    def _facts(
        self,
        rng: random.Random,
        hid: int,
        plan: VillagePlan,
        exited: bool,
        size: int,
        head_age: int,
    ) -> None:
        r = rng.random
        u = r()
        # exited houses were all made safe during the campaign; a few hundred C/D elsewhere
        weak_house = 0.0001 if exited else (0.004 if size == 1 and head_age >= 70 else 0.0008)
        grade = (
            "D"
            if u < weak_house * 0.25
            else "C"
            if u < weak_house
            else ("A" if r() < (0.62 if exited else 0.55) else "B")
        )
        assessed: date | None = None
        if exited or grade in ("C", "D") or r() < 0.85:
            assessed = date.fromordinal(_ASSESSED_FROM + int(r() * _ASSESSED_DAYS))
        scarce = plan.scarce_water
        piped = r() < (0.85 if scarce else 0.94)
        low = 20 if scarce else 35
        litres = (15 + int(r() * (low - 15))) if r() < 0.004 else low + 5 + int(r() * 100)
        u = r()
        quality = (
            "failed" if u < 0.0015 else "unassessed" if u < 0.0045 else
            "lab_test" if u < (0.4 if not piped else 0.7) else "on_site"
        )  # fmt: skip
        trip = horizontal = vertical = 0
        if not piped:
            far = r() < 0.04
            trip = (21 + int(r() * 25)) if far else 3 + int(r() * 17)
            horizontal = (820 + int(r() * 800)) if far else 50 + int(r() * 700)
            vertical = (85 + int(r() * 60)) if far else int(r() * 70)
        u = r()
        outage = (
            0 if u < 0.7 else 1 + int(r() * 15) if u < 0.98 else
            16 + int(r() * 21) if u < 0.996 else 37 + int(r() * 40)
        )  # fmt: skip
        food = r() > 0.0002
        self.batch.facts.append(
            (hid, food, food, grade, assessed, litres, scarce, quality, piped, trip, horizontal,
             vertical, outage)
        )  # fmt: skip


_ASSESSED_FROM = date(2019, 1, 1).toordinal()
_ASSESSED_DAYS = date(2025, 12, 31).toordinal() - _ASSESSED_FROM


def _luhn(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def _education(rng: random.Random, age: int, birth_year: int, school: str) -> str:
    if age < 6:
        return "preschool"
    if age <= 11:
        return "primary"
    if age <= 14:
        return "junior"
    if age <= 17:
        return ("senior" if rng.random() < 0.65 else "vocational") if school else "junior"
    era = -1 if birth_year < 1955 else min(2, _era(birth_year))
    cum, levels = _EDU[era]
    return levels[_pick(cum, rng.random())]


_OLDER_PLAN = (
    "adult_child",
    "child_in_law",
    "grandchild",
    "grandchild",
    "adult_child",
    "grandchild",
)
_YOUNGER_PLAN = ("child", "child", "parent", "child", "parent", "child")


def _family(rng: random.Random, size: int) -> list[tuple[str, int, str]]:
    """(relation, age, sex) of each member, head first, with plausible ages."""
    r = rng.random
    if size == 1:
        head_age = int(rng.triangular(55, 92, 72)) if r() < 0.7 else 30 + int(r() * 30)
        head_sex = "F" if r() < 0.35 else "M"
    elif size == 2:
        head_age = int(rng.triangular(50, 88, 66)) if r() < 0.75 else 28 + int(r() * 27)
        head_sex = "F" if r() < 0.1 else "M"
    else:
        head_age = int(rng.triangular(27, 80, 50))
        head_sex = "F" if r() < 0.1 else "M"
    other = "F" if head_sex == "M" else "M"
    family = [("head", head_age, head_sex)]
    if size >= 2 and r() < (0.8 if size == 2 else 0.88):
        family.append(("spouse", max(20, head_age + int(r() * 9) - (6 if other == "F" else 2)),
                       other))  # fmt: skip
    # Heads from 56 on live with a grown child, the child's spouse and grandchildren; younger
    # heads with their children and their own parents.
    plan = _OLDER_PLAN if head_age >= 56 else _YOUNGER_PLAN
    child_age = 0
    first_child_sex = ""
    youngest = -1  # age of the youngest child or grandchild so far
    for relation in plan:
        if len(family) >= size:
            break
        if relation == "adult_child":
            age = max(16, head_age - 22 - int(r() * 12))
            sex = "M" if r() < 0.7 else "F"
            if not child_age:
                child_age, first_child_sex = age, sex
            family.append(("child", age, sex))
        elif relation == "child":
            age = (head_age - 22 - int(r() * 10)) if youngest < 0 else youngest - 2 - int(r() * 5)
            youngest = max(1, age)
            family.append(("child", youngest, "M" if r() < 0.52 else "F"))
        elif relation == "child_in_law":
            sex = "F" if first_child_sex != "F" else "M"
            family.append(("child_in_law", max(18, child_age + int(r() * 7) - 3), sex))
        elif relation == "grandchild":
            age = (child_age - 21 - int(r() * 10)) if youngest < 0 else youngest - 2 - int(r() * 4)
            youngest = max(1, age)
            family.append(("grandchild", youngest, "M" if r() < 0.52 else "F"))
        else:  # a parent of the head
            p_age = head_age + 22 + int(r() * 10)
            if p_age > 96:
                youngest = max(1, head_age - 24 - int(r() * 8))
                family.append(("child", youngest, "M" if r() < 0.52 else "F"))
            else:
                has_father = any(rel == "parent" and s == "M" for rel, _a, s in family)
                family.append(("parent", p_age, "F" if has_father or r() < 0.6 else "M"))
    return family


def generate_households(
    region_rows: Sequence[tuple[str, str]], *, seed: int, scale: float, first_id: int = 1
) -> Iterator[TownBatch]:
    """The district's households, one township unit at a time, numbered from `first_id`."""
    plans = plan_district(region_rows, seed=seed, scale=scale)
    next_id = first_id
    for town in plans:
        batch = _TownGenerator(town, len(plans), seed, next_id, first_id).run()
        next_id += town.total
        yield batch


# ---------------------------------------------------------------- loading


@dataclass
class LoadReport:
    skipped: bool = False
    households: int = 0
    members: int = 0
    exited_households: int = 0
    exited_members: int = 0
    health: Counter[str] = field(default_factory=Counter)
    labour: Counter[str] = field(default_factory=Counter)
    school_age: Counter[str] = field(default_factory=Counter)
    below_line: int = 0
    below_line_exited: int = 0
    near_line: int = 0  # 8,000 ≤ per capita < 10,000 yuan
    per_capita_median: int = 0  # yuan
    house_cd: int = 0
    pairings: int = 0
    workers: int = 0
    phases: dict[str, float] = field(default_factory=dict)  # wall seconds
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds of the process

    def merge(self, other: LoadReport) -> None:
        """Add another town's figures (phases of worker processes are summed)."""
        for name in ("households", "members", "exited_households", "exited_members",
                     "below_line", "below_line_exited", "near_line", "house_cd"):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.health.update(other.health)
        self.labour.update(other.labour)
        self.school_age.update(other.school_age)
        for phase, seconds in other.phases.items():
            self.phases[phase] = self.phases.get(phase, 0.0) + seconds
        for phase, seconds in other.cpu.items():
            self.cpu[phase] = self.cpu.get(phase, 0.0) + seconds


_Stamp = tuple[float, float]  # (wall clock, CPU time of this process)


def _now() -> _Stamp:
    return time.perf_counter(), time.process_time()


def _tick(report: LoadReport, phase: str, started: _Stamp) -> _Stamp:
    """Add the wall and CPU seconds since `started` to `phase`; return the new stamp."""
    now = _now()
    report.phases[phase] = report.phases.get(phase, 0.0) + now[0] - started[0]
    report.cpu[phase] = report.cpu.get(phase, 0.0) + now[1] - started[1]
    return now


_HOUSEHOLD_COLUMNS = (
    "id", "household_no", "group_code", "county_code", "town_code", "village_code", "category",
    "exit_year", "monitoring_type", "address", "head_name", "phone_cipher", "phone_index",
    "bank_cipher", "bank_index", "member_count", "created_at", "updated_at",
)  # fmt: skip
_MEMBER_COLUMNS = (
    "household", "county_code", "town_code", "village_code", "name", "name_pinyin",
    "name_initials", "id_cipher", "id_index", "sex", "birth_date", "relation", "status",
    "education", "school_status", "health", "disability_grade", "labour", "work_months",
    "work_place", "medical_insurance", "critical_illness_insurance", "family_doctor", "dibao",
    "tekun",
)  # fmt: skip
_FACT_COLUMNS = ("household", *FACT_FIELDS[1:])
_INCOME_COLUMNS = ("household", "year", "kind", "amount", "cost", "source", "source_ref")
_SPENDING_COLUMNS = ("household", "year", "kind", "amount", "source")


def _columns(model: type[models.Model], names: Sequence[str]) -> list[str]:
    """DB column names of `names`, after checking they are all the model's fields.

    A field added to the model later must be given a value here, or the raw insert would
    silently leave it to a default the database does not know.
    """
    concrete = {f.name for f in model._meta.concrete_fields if not f.primary_key}
    wanted = {n for n in names if n != "id"}
    if concrete != wanted:
        raise RuntimeError(
            f"demo loader out of date for {model._meta.label}: "
            f"missing {sorted(concrete - wanted)}, unknown {sorted(wanted - concrete)}"
        )
    columns = {f.name: f.column for f in model._meta.concrete_fields}
    return [columns[n] for n in names]


class _Writer:
    """Append-only bulk writer: COPY on PostgreSQL, `executemany` elsewhere (SQLite)."""

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor
        self.copy = connection.vendor == "postgresql"
        self.qn = connection.ops.quote_name

    def write(self, model: type[models.Model], names: Sequence[str], rows: list[Any]) -> None:
        if not rows:
            return
        table = self.qn(model._meta.db_table)
        cols = ", ".join(self.qn(c) for c in _columns(model, names))
        if self.copy:
            with self.cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(names))
            sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"  # noqa: S608 — names from _meta
            self.cursor.executemany(sql, rows)


def _history_columns(model: type[models.Model]) -> list[str]:
    history = get_history_model_for_model(model)
    own = {"history_id", "history_date", "history_change_reason", "history_type",
           "history_user"}  # fmt: skip
    tracked = [f.column for f in history._meta.concrete_fields if f.name not in own]
    source = {f.column for f in model._meta.concrete_fields}
    extra = [c for c in tracked if c not in source]
    if extra:
        raise RuntimeError(f"history of {model._meta.label} has untracked columns {extra}")
    return tracked


def _insert_history(
    cursor: Any, model: type[models.Model], where: str, params: Sequence[Any], when: Any
) -> None:
    """First history version ("+") of every row matching `where`, in one statement."""
    history = get_history_model_for_model(model)
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in _history_columns(model))
    cursor.execute(
        f"INSERT INTO {qn(history._meta.db_table)} ({cols}, history_date, "  # noqa: S608
        "history_change_reason, history_type, history_user_id) "
        f"SELECT {cols}, %s, %s, '+', NULL FROM {qn(model._meta.db_table)} WHERE {where}",
        [when, CHANGE_REASON, *params],
    )


@contextmanager
def _sqlite_bulk_mode(report: LoadReport) -> Iterator[None]:
    """Faster settings for one bulk load into SQLite, restored afterwards.

    - `synchronous=OFF`: no fsync per commit. The load is one transaction that writes a
      synthetic, rebuildable district; the fsyncs buy nothing but time.
    - `journal_mode=TRUNCATE` instead of WAL: in WAL mode every new page of a ~1.5 GB load is
      written twice (to the WAL, then checkpointed into the database) and the WAL file keeps its
      size; with a rollback journal, pages appended to fresh tables need no journal entry, so
      the data is written once and a failure still rolls back. Switching needs the database to
      ourselves; when another connection holds it, SQLite keeps WAL and we just go slower.
    - a 512 MiB page cache, for the index rebuild's sorts and the history `INSERT … SELECT`.
    Nothing is changed inside an open transaction (tests run in one), where SQLite forbids it.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        synchronous = cursor.fetchone()[0]
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size")
        cache = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA journal_mode=TRUNCATE")
        cursor.execute("PRAGMA cache_size=-524288")
    try:
        yield
    finally:
        restoring = _now()
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA journal_mode={journal}")
            cursor.execute(f"PRAGMA synchronous={int(synchronous)}")
            cursor.execute(f"PRAGMA cache_size={int(cache)}")
        _tick(report, "restore journal", restoring)


_LOADED_MODELS: tuple[type[models.Model], ...] = (
    Household, Member, HouseholdFacts, IncomeLine, SpendingLine,
)  # fmt: skip


def _sqlite_indexes_drop(cursor: Any) -> list[str]:
    """Drop the secondary indexes of the tables the load fills; return the SQL to rebuild them.

    Rows arrive in random key order for most indexes (names, blind indexes), so maintaining
    them row by row costs about twice the insert itself; building each index once at the end
    sorts instead. It happens inside the load's transaction: if anything fails, the rollback
    restores the indexes, and a unique index that cannot be rebuilt (a duplicate) fails the
    whole load. Indexes SQLite made for inline UNIQUE constraints cannot be dropped and stay.
    """
    tables = [m._meta.db_table for m in _LOADED_MODELS]
    tables += [get_history_model_for_model(m)._meta.db_table for m in _LOADED_MODELS]
    marks = ", ".join(["%s"] * len(tables))
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
        f"AND tbl_name IN ({marks}) ORDER BY name",
        tables,
    )
    found = cursor.fetchall()
    for name, _sql in found:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [sql for _name, sql in found]


def demo_households_exist() -> bool:
    return Household.objects.filter(county_code=COUNTY_CODE).exists()


@dataclass
class PreparedTown:
    """One town's rows in table column order, personal values sealed, ready to insert."""

    town_name: str
    households: list[tuple[Any, ...]]
    members: list[tuple[Any, ...]]
    facts: list[tuple[Any, ...]]
    incomes: list[tuple[Any, ...]]
    spendings: list[tuple[Any, ...]]
    report: LoadReport
    per_capita: list[int]


# (town, number of towns, seed, town's first household id, district's first household id,
#  SQLite?, the timestamp to store)
_TownTask = tuple[TownPlan, int, int, int, int, bool, Any]


def _prepare_town(task: _TownTask) -> PreparedTown:
    """Generate one town and seal its personal values; runs in a worker process or inline."""
    town, towns, seed, first_id, district_first_id, sqlite, when = task
    report = LoadReport()
    started = _now()
    batch = _TownGenerator(town, towns, seed, first_id, district_first_id).run()
    generated = _tick(report, "generate", started)
    households, members, facts = _sealed_rows(batch, when, sqlite)
    _tick(report, "encrypt+pinyin", generated)
    per_capita = _count(report, batch)
    return PreparedTown(
        town_name=batch.town_name,
        households=households,
        members=members,
        facts=facts,
        incomes=[(*row, "") for row in batch.incomes],
        spendings=list(batch.spendings),
        report=report,
        per_capita=per_capita,
    )


def _prepared_towns(tasks: list[_TownTask], workers: int) -> Iterator[PreparedTown]:
    """Towns in order. With workers, at most `workers + 1` towns wait in memory at a time."""
    if workers < 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(_prepare_town, tasks)
        return
    # fork: the workers inherit settings (keys) and warm caches; they never touch the
    # database connection, which stays with this process.
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pending: deque[Any] = deque()
        queue = iter(tasks)
        for task in itertools.islice(queue, workers + 1):
            pending.append(pool.apply_async(_prepare_town, (task,)))
        while pending:
            prepared = pending.popleft().get()
            following = next(queue, None)
            if following is not None:
                pending.append(pool.apply_async(_prepare_town, (following,)))
            yield prepared


def default_workers(scale: float) -> int:
    """Worker processes for a build: none for small districts (a fork costs more than it
    saves), otherwise one per core up to two."""
    if scale < 0.1:
        return 0
    return max(1, min(2, (os.cpu_count() or 1)))


def demo_households_load(
    *,
    region_rows: Sequence[tuple[str, str]],
    seed: int,
    scale: float,
    workers: int = 0,
    progress: Callable[[str], None] | None = None,
) -> LoadReport:
    """Build the district's households into the database, unless it already has them.

    `workers` > 0 generates and encrypts towns in that many forked processes while this one
    inserts (the machine's second core); 0 does everything here.
    """
    report = LoadReport(workers=workers)
    if demo_households_exist():
        report.skipped = True
        return report
    sqlite = connection.vendor == "sqlite"
    with _sqlite_bulk_mode(report):
        with transaction.atomic():
            _load(report, region_rows, seed, scale, workers, progress, defer_indexes=sqlite)
            record(
                AuditEventType.IMPORT,
                username="命令行 CLI",
                object_type="households.household",
                detail={
                    "households": report.households,
                    "members": report.members,
                    "source": CHANGE_REASON,
                },
            )
            committing = _now()
        _tick(report, "commit", committing)
    return report


def _load(
    report: LoadReport,
    region_rows: Sequence[tuple[str, str]],
    seed: int,
    scale: float,
    workers: int,
    progress: Callable[[str], None] | None,
    *,
    defer_indexes: bool,
) -> None:
    when = connection.ops.adapt_datetimefield_value(timezone.now())
    sqlite = connection.vendor == "sqlite"
    plans = plan_district(region_rows, seed=seed, scale=scale)
    per_capita: list[int] = []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {Household._meta.db_table}")  # noqa: S608
        first_id = (cursor.fetchone()[0] or 0) + 1
        tasks: list[_TownTask] = []
        next_id = first_id
        for town in plans:
            tasks.append((town, len(plans), seed, next_id, first_id, sqlite, when))
            next_id += town.total
        writer = _Writer(cursor)
        t = _now()
        indexes = _sqlite_indexes_drop(cursor) if defer_indexes else []
        for prepared in _prepared_towns(tasks, workers):
            # inline, the town was generated just now and its time is already in its report
            t = _tick(report, "wait for workers", t) if workers else _now()
            writer.write(Household, _HOUSEHOLD_COLUMNS, prepared.households)
            writer.write(Member, _MEMBER_COLUMNS, prepared.members)
            writer.write(HouseholdFacts, _FACT_COLUMNS, prepared.facts)
            writer.write(IncomeLine, _INCOME_COLUMNS, prepared.incomes)
            writer.write(SpendingLine, _SPENDING_COLUMNS, prepared.spendings)
            report.merge(prepared.report)
            per_capita.extend(prepared.per_capita)
            if progress is not None:
                progress(f"  {prepared.town_name}: {len(prepared.households):,} 户")
            t = _tick(report, "insert", t)
        span = [first_id, next_id - 1]
        _insert_history(cursor, Household, "id BETWEEN %s AND %s", span, when)
        for model in (Member, HouseholdFacts, IncomeLine, SpendingLine):
            _insert_history(cursor, model, "household_id BETWEEN %s AND %s", span, when)
        t = _tick(report, "history", t)
        if indexes:
            for sql in indexes:
                cursor.execute(sql)
            t = _tick(report, "rebuild indexes", t)
        if not sqlite:
            # Households were inserted with explicit ids: move the identity sequence past them.
            for sql in connection.ops.sequence_reset_sql(no_style(), [Household]):
                cursor.execute(sql)
    per_capita.sort()
    if per_capita:
        report.per_capita_median = per_capita[len(per_capita) // 2] // 100


def _sealed_rows(
    batch: TownBatch, when: Any, sqlite: bool
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Household, member and facts rows in column order, personal values encrypted and
    blind-indexed through the registry's own `sealed`."""
    county, town = COUNTY_CODE, batch.town_code
    households = []
    for hid, no, group, category, exit_year, address, head, phone, bank, size in batch.households:
        phone_cipher, phone_index = sealed(phone, PHONE_CONTEXT)
        bank_cipher, bank_index = sealed(bank, BANK_CONTEXT)
        households.append(
            (hid, no, group, county, town, group[:12], category, exit_year, "", address, head,
             phone_cipher, phone_index, bank_cipher, bank_index, size, when, when)
        )  # fmt: skip
    village_of = {row[0]: row[2][:12] for row in batch.households}
    spelled: dict[str, tuple[str, str]] = {}
    members = []
    for (hid, name, id_number, sex, birth, relation, education, school, health, grade, labour,
         months, place, insured, critical, doctor, dibao, tekun) in batch.members:  # fmt: skip
        id_cipher, id_index = sealed(id_number, ID_CONTEXT)
        pinyin = spelled.get(name)
        if pinyin is None:
            fields = member_name_fields(name)
            pinyin = spelled[name] = (fields["name_pinyin"], fields["name_initials"])
        members.append(
            (hid, county, town, village_of[hid], name, pinyin[0], pinyin[1], id_cipher, id_index,
             sex, birth.isoformat() if sqlite else birth, relation, "active", education, school,
             health, grade, labour, months, place, insured, critical, doctor, dibao, tekun)
        )  # fmt: skip
    facts: list[tuple[Any, ...]] = (
        [(*row[:4], row[4].isoformat() if row[4] else None, *row[5:]) for row in batch.facts]
        if sqlite
        else list(batch.facts)
    )
    return households, members, facts


def _count(report: LoadReport, batch: TownBatch) -> list[int]:
    """Add the batch's figures to `report`; return its per-capita net incomes (fen)."""
    report.households += len(batch.households)
    report.members += len(batch.members)
    exited_ids = {row[0] for row in batch.households if row[3] == Category.EXITED}
    report.exited_households += len(exited_ids)
    for m in batch.members:
        report.health[m[8]] += 1
        report.labour[m[10]] += 1
        if m[7]:
            report.school_age[m[7]] += 1
        if m[0] in exited_ids:
            report.exited_members += 1
    for exited, pc in batch.per_capita:
        if pc < MONITORING_LINE_FEN:
            report.below_line += 1
            report.below_line_exited += exited
        elif pc < MONITORING_LINE_FEN * 5 // 4:
            report.near_line += 1
    report.house_cd += sum(1 for f in batch.facts if f[3] in ("C", "D"))
    return [pc for _exited, pc in batch.per_capita]


def demo_pairings_ensure(*, region_rows: Sequence[tuple[str, str]]) -> int:
    """Give the demo cadre a few current pairings in 石牛村 (exited households first)."""
    cadre = User.objects.filter(username_key=username_key(CADRE_USERNAME), is_demo=True).first()
    if cadre is None:
        return 0
    existing = CadrePairing.objects.filter(cadre=cadre, until__isnull=True).count()
    if existing:
        return existing
    town_name, village_name = CADRE_VILLAGE
    names = dict(region_rows)
    village = next(
        (c for c, n in region_rows if len(c) == 12 and n == village_name
         and names.get(c[:9]) == town_name),
        None,
    )  # fmt: skip
    if village is None:
        return 0
    # 邓明福's household (the article's visit) first, then exited households by number
    candidates = Household.objects.filter(village_code=village, pairings__isnull=True)
    households = list(
        candidates.filter(head_name=NAMED_HOUSEHOLDS[0].members[0].name).values_list(
            "pk", flat=True
        )[:1]
    )
    households += (
        candidates.exclude(pk__in=households)
        .filter(category=Category.EXITED)
        .order_by("household_no")
        .values_list("pk", flat=True)[: CADRE_PAIRINGS - len(households)]
    )
    rows = [CadrePairing(cadre=cadre, household_id=pk, since=PAIRING_SINCE) for pk in households]
    bulk_create_with_history(rows, CadrePairing, default_change_reason=CHANGE_REASON)
    return len(rows)
