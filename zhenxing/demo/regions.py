"""The demo district's division tree: Fuling's 27 township units from the fixture, and
generated villages and village groups (about 400 villages at full scale).

The villages the article names are placed in their towns: 二渡村 and 李寺村 in 江北街道,
石牛村 and 中乐村 in 珍溪镇, 新兴村 in 大顺乡. Every code here is illustrative.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent.parent / "regions" / "fixtures" / "fuling.csv"

NAMED_VILLAGES = {
    "江北街道": ["二渡村", "李寺村"],
    "珍溪镇": ["石牛村", "中乐村"],
    "大顺乡": ["新兴村"],
}
_ALL_NAMED = frozenset(n for names in NAMED_VILLAGES.values() for n in names)
# Article places: 石牛村 group 6 and 二渡村 group 4 must exist.
MIN_GROUPS = {"石牛村": 6, "二渡村": 4}

_FIRST = "青石红黄白龙凤高新双金银桂柏松竹梅兰安太永长福寿和平庆丰乐天云山水河溪堰坝湾坪桥"
_SECOND = "林岩坪坝湾沟岭台田园坡岗山塘桥家井口寨坎嘴垭冲门院屋场庙观亭堡峰梁"


def fixture_rows() -> list[tuple[str, str]]:
    with FIXTURE.open(encoding="utf-8") as fh:
        return [(row["code"], row["name"]) for row in csv.DictReader(fh)]


def demo_region_rows(*, seed: int, scale: float) -> list[tuple[str, str]]:
    """(code, name) for the county, its towns, villages and groups; same seed, same rows."""
    rng = random.Random(seed)  # noqa: S311 — demo data, not security
    rows = fixture_rows()
    towns = [(code, name) for code, name in rows if len(code) == 9]
    for town_code, town_name in towns:
        is_street = town_name.endswith("街道")
        communities = rng.randint(3, 7) if is_street else rng.randint(1, 2)
        villages = rng.randint(4, 10) if is_street else rng.randint(11, 19)
        if scale < 1:
            communities = max(1, round(communities * scale))
            villages = max(1, round(villages * scale))
        named = NAMED_VILLAGES.get(town_name, [])
        villages = max(villages, len(named))
        used: set[str] = set()
        units: list[tuple[str, str]] = []
        for i in range(communities):
            units.append(
                (f"{town_code}{1 + i:03d}", f"{town_name.rstrip('街道镇乡')}{_cn(i + 1)}社区")
            )
        for i in range(villages):
            name = named[i] if i < len(named) else _village_name(rng, used)
            used.add(name)
            units.append((f"{town_code}{200 + i + 1:03d}", name))
        for code, name in units:
            rows.append((code, name))
            groups = rng.randint(4, 9)
            groups = max(groups, MIN_GROUPS.get(name, 0))
            for g in range(1, groups + 1):
                rows.append((f"{code}{g:03d}", f"{_cn(g)}组"))
    return rows


def _village_name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(_FIRST) + rng.choice(_SECOND) + "村"
        if name not in used and name not in _ALL_NAMED:
            return name


_DIGITS = "零一二三四五六七八九"


def _cn(n: int) -> str:
    """Chinese numeral for 1–99 (group and community names)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
