"""Statistical division codes (统计用区划代码): parsing and structural validation.

Holds:
- `DivisionLevel`, `TownKind`, `VillageKind`
- `parse_division_code(code)` → `ParsedCode`: the code split into its segments, validated
  against the national coding rules (domain.md §7.2), or a `DomainError`.

A division is identified by its significant prefix: county 6 digits, town (乡级) 9, village
(村级) 12, village group (村民小组, a local suffix) 15. A 12-digit code with trailing zeros
("500102100000") is read as the town it names.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from zhenxing.core.errors import DomainError, ErrorCode


class RegionErrorCode(ErrorCode):
    NOT_DIGITS = (
        "region.not_digits",
        "区划代码“{code}”只能由数字组成",
        "Division code '{code}' must contain digits only",
    )
    BAD_LENGTH = (
        "region.bad_length",
        "区划代码“{code}”应为 6、9、12 位（村民小组 15 位）",
        "Division code '{code}' must have 6, 9 or 12 digits (15 for a village group)",
    )
    BAD_PROVINCE = (
        "region.bad_province",
        "区划代码“{code}”的省级代码 {segment} 不存在",
        "Division code '{code}': province segment {segment} does not exist",
    )
    BAD_TOWN_SEGMENT = (
        "region.bad_town_segment",
        "区划代码“{code}”的乡级代码 {segment} 不在 001–399 之间"
        "（001–099 街道，100–199 镇，200–399 乡）",
        "Division code '{code}': town segment {segment} is outside 001–399"
        " (001–099 street, 100–199 town, 200–399 township)",
    )
    BAD_VILLAGE_SEGMENT = (
        "region.bad_village_segment",
        "区划代码“{code}”的村级代码 {segment} 不在 001–399 之间（001–199 社区，200–399 村）",
        "Division code '{code}': village segment {segment} is outside 001–399"
        " (001–199 community, 200–399 village)",
    )
    BAD_GROUP_SEGMENT = (
        "region.bad_group_segment",
        "村民小组代码“{code}”的组号 {segment} 应在 001–999 之间",
        "Village group code '{code}': group number {segment} must be 001–999",
    )
    UNKNOWN = (
        "region.unknown",
        "区划代码“{code}”不存在或已撤销",
        "Division code '{code}' does not exist or is no longer valid",
    )
    DUPLICATE = (
        "region.duplicate",
        "区划代码“{code}”已存在",
        "Division code '{code}' already exists",
    )
    WRONG_PARENT = (
        "region.wrong_parent",
        "“{code}”的上级应为{expected}级区划 {expected_code}，而不是 {parent}",
        "The parent of '{code}' must be the {expected_en} {expected_code}, not {parent}",
    )
    PARENT_MISSING = (
        "region.parent_missing",
        "“{code}”的上级区划 {parent} 不存在",
        "The parent division {parent} of '{code}' does not exist",
    )
    NAME_REQUIRED = (
        "region.name_required",
        "区划名称不能为空",
        "A division name is required",
    )
    MERGE_TARGET = (
        "region.merge_target",
        "“{code}”不能并入 {into}：目标须为另一个现行的同级区划",
        "'{code}' cannot merge into {into}: the target must be another current division"
        " of the same level",
    )
    NOT_CURRENT = (
        "region.not_current",
        "区划“{code}”已撤销，不能再变更",
        "Division '{code}' is no longer valid and cannot change",
    )
    BAD_DATES = (
        "region.bad_dates",
        "生效日期 {effective} 早于该区划的起始日期 {valid_from}",
        "Effective date {effective} is before the division's start date {valid_from}",
    )


class DivisionLevel(enum.StrEnum):
    COUNTY = "county"
    TOWN = "town"
    VILLAGE = "village"
    GROUP = "group"

    @property
    def label_zh(self) -> str:
        return {"county": "县", "town": "乡", "village": "村", "group": "组"}[self.value]


class TownKind(enum.StrEnum):
    STREET = "street"  # 街道 001–099
    TOWN = "town"  # 镇 100–199
    TOWNSHIP = "township"  # 乡 200–399


class VillageKind(enum.StrEnum):
    COMMUNITY = "community"  # 社区（居委会）001–199
    VILLAGE = "village"  # 村（村委会）200–399


# Province-level prefixes of GB/T 2260 (domain.md §7.1–7.2).
PROVINCES = frozenset(
    {
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36",
        "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62",
        "63", "64", "65", "71", "81", "82",
    }
)  # fmt: skip

LEVEL_BY_LENGTH = {
    6: DivisionLevel.COUNTY,
    9: DivisionLevel.TOWN,
    12: DivisionLevel.VILLAGE,
    15: DivisionLevel.GROUP,
}
LENGTH_BY_LEVEL = {level: length for length, level in LEVEL_BY_LENGTH.items()}
PARENT_LEVEL = {
    DivisionLevel.TOWN: DivisionLevel.COUNTY,
    DivisionLevel.VILLAGE: DivisionLevel.TOWN,
    DivisionLevel.GROUP: DivisionLevel.VILLAGE,
}


@dataclass(frozen=True)
class ParsedCode:
    code: str  # significant prefix: 6, 9, 12 or 15 digits
    level: DivisionLevel
    town_kind: TownKind | None
    village_kind: VillageKind | None

    @property
    def county_code(self) -> str:
        return self.code[:6]

    @property
    def town_code(self) -> str:
        return self.code[:9] if len(self.code) >= 9 else ""

    @property
    def village_code(self) -> str:
        return self.code[:12] if len(self.code) >= 12 else ""

    @property
    def parent_code(self) -> str | None:
        parent = PARENT_LEVEL.get(self.level)
        return self.code[: LENGTH_BY_LEVEL[parent]] if parent else None

    @property
    def statistical_code(self) -> str:
        """The 12-digit form published by NBS (a group keeps its 15 digits)."""
        return self.code.ljust(12, "0") if len(self.code) < 12 else self.code


def _significant(code: str) -> str:
    """Strip the zero padding of a 12-digit code that names a county or a town."""
    if len(code) == 12 and code.endswith("000000"):
        return code[:6]
    if len(code) == 12 and code.endswith("000"):
        return code[:9]
    return code


def parse_division_code(raw: str) -> ParsedCode:
    code = (raw or "").strip()
    if not code.isascii() or not code.isdigit():
        raise DomainError(RegionErrorCode.NOT_DIGITS, field="code", code=code)
    code = _significant(code)
    level = LEVEL_BY_LENGTH.get(len(code))
    if level is None:
        raise DomainError(RegionErrorCode.BAD_LENGTH, field="code", code=raw)
    if code[:2] not in PROVINCES or code[2:6] == "0000":
        raise DomainError(RegionErrorCode.BAD_PROVINCE, field="code", code=raw, segment=code[:2])
    town_kind = village_kind = None
    if len(code) >= 9:
        seg = int(code[6:9])
        if not 1 <= seg <= 399:
            raise DomainError(
                RegionErrorCode.BAD_TOWN_SEGMENT, field="code", code=raw, segment=code[6:9]
            )
        town_kind = (
            TownKind.STREET if seg < 100 else TownKind.TOWN if seg < 200 else (TownKind.TOWNSHIP)
        )
    if len(code) >= 12:
        seg = int(code[9:12])
        if not 1 <= seg <= 399:
            raise DomainError(
                RegionErrorCode.BAD_VILLAGE_SEGMENT, field="code", code=raw, segment=code[9:12]
            )
        village_kind = VillageKind.COMMUNITY if seg < 200 else VillageKind.VILLAGE
    if len(code) == 15 and code[12:15] == "000":
        raise DomainError(
            RegionErrorCode.BAD_GROUP_SEGMENT, field="code", code=raw, segment=code[12:15]
        )
    return ParsedCode(code=code, level=level, town_kind=town_kind, village_kind=village_kind)
