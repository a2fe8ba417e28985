"""The demo district's plan: how many households and exited households each village gets,
which villages are poor villages (63 at full scale) or water-scarce; the row layouts the
generator fills (`TownBatch`)."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

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
