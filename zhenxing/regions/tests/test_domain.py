"""Rule table for `parse_division_code` (domain.md §7.2): no database."""

from __future__ import annotations

import pytest

from zhenxing.core.errors import DomainError
from zhenxing.regions.domain import (
    DivisionLevel,
    RegionErrorCode,
    TownKind,
    VillageKind,
    parse_division_code,
)

C, T, V, G = DivisionLevel.COUNTY, DivisionLevel.TOWN, DivisionLevel.VILLAGE, DivisionLevel.GROUP
STREET, TOWN, TOWNSHIP = TownKind.STREET, TownKind.TOWN, TownKind.TOWNSHIP
COMMUNITY, VILLAGE = VillageKind.COMMUNITY, VillageKind.VILLAGE


@pytest.mark.parametrize(
    ("raw", "code", "level", "town_kind", "village_kind"),
    [
        # county: 6 digits, or the 12-digit statistical form padded with zeros
        ("500102", "500102", C, None, None),
        ("110101", "110101", C, None, None),
        ("500102000000", "500102", C, None, None),
        (" 500102 ", "500102", C, None, None),
        # town segment: 001–099 street, 100–199 town, 200–399 township
        ("500102001", "500102001", T, STREET, None),
        ("500102099", "500102099", T, STREET, None),
        ("500102100", "500102100", T, TOWN, None),
        ("500102199", "500102199", T, TOWN, None),
        ("500102200", "500102200", T, TOWNSHIP, None),
        ("500102399", "500102399", T, TOWNSHIP, None),
        ("500102104000", "500102104", T, TOWN, None),
        ("500102001000", "500102001", T, STREET, None),
        # village segment: 001–199 community, 200–399 village
        ("500102104001", "500102104001", V, TOWN, COMMUNITY),
        ("500102104099", "500102104099", V, TOWN, COMMUNITY),
        ("500102104100", "500102104100", V, TOWN, COMMUNITY),
        ("500102104199", "500102104199", V, TOWN, COMMUNITY),
        ("500102104200", "500102104200", V, TOWN, VILLAGE),
        ("500102104399", "500102104399", V, TOWN, VILLAGE),
        ("500102004201", "500102004201", V, STREET, VILLAGE),
        ("500102204201", "500102204201", V, TOWNSHIP, VILLAGE),
        # village group: a local 3-digit suffix 001–999
        ("500102104201001", "500102104201001", G, TOWN, VILLAGE),
        ("500102104201999", "500102104201999", G, TOWN, VILLAGE),
        ("500102104001006", "500102104001006", G, TOWN, COMMUNITY),
    ],
)
def test_valid_code_parses_to_level_and_kinds(
    raw: str,
    code: str,
    level: DivisionLevel,
    town_kind: TownKind | None,
    village_kind: VillageKind | None,
) -> None:
    parsed = parse_division_code(raw)

    assert (parsed.code, parsed.level, parsed.town_kind, parsed.village_kind) == (
        code,
        level,
        town_kind,
        village_kind,
    )


@pytest.mark.parametrize(
    ("raw", "error", "segment"),
    [
        # not digits
        ("", RegionErrorCode.NOT_DIGITS, None),
        ("50010a", RegionErrorCode.NOT_DIGITS, None),
        ("500-102", RegionErrorCode.NOT_DIGITS, None),
        ("500102 104", RegionErrorCode.NOT_DIGITS, None),
        ("５００１０２", RegionErrorCode.NOT_DIGITS, None),  # full-width digits
        ("٥٠٠١٠٢", RegionErrorCode.NOT_DIGITS, None),  # Arabic-Indic digits pass str.isdigit()
        # lengths other than 6/9/12/15
        ("5001", RegionErrorCode.BAD_LENGTH, None),
        ("5001021", RegionErrorCode.BAD_LENGTH, None),
        ("50010210", RegionErrorCode.BAD_LENGTH, None),
        ("5001021042", RegionErrorCode.BAD_LENGTH, None),
        ("50010210420", RegionErrorCode.BAD_LENGTH, None),
        ("5001021042010", RegionErrorCode.BAD_LENGTH, None),
        ("50010210420100", RegionErrorCode.BAD_LENGTH, None),
        ("5001021042010011", RegionErrorCode.BAD_LENGTH, None),
        # province: unknown prefix, or a province/city code with no county part
        ("990102", RegionErrorCode.BAD_PROVINCE, "99"),
        ("000000", RegionErrorCode.BAD_PROVINCE, "00"),
        ("990102104201", RegionErrorCode.BAD_PROVINCE, "99"),
        ("500000", RegionErrorCode.BAD_PROVINCE, "50"),
        # town segment outside 001–399
        ("500102000", RegionErrorCode.BAD_TOWN_SEGMENT, "000"),
        ("500102400", RegionErrorCode.BAD_TOWN_SEGMENT, "400"),
        ("500102999", RegionErrorCode.BAD_TOWN_SEGMENT, "999"),
        ("500102000201", RegionErrorCode.BAD_TOWN_SEGMENT, "000"),
        ("500102400201", RegionErrorCode.BAD_TOWN_SEGMENT, "400"),
        ("500102999201001", RegionErrorCode.BAD_TOWN_SEGMENT, "999"),
        # village segment outside 001–399 (000 in 12 digits is the town itself, valid above)
        ("500102104400", RegionErrorCode.BAD_VILLAGE_SEGMENT, "400"),
        ("500102104999", RegionErrorCode.BAD_VILLAGE_SEGMENT, "999"),
        ("500102104000001", RegionErrorCode.BAD_VILLAGE_SEGMENT, "000"),
        ("500102104400001", RegionErrorCode.BAD_VILLAGE_SEGMENT, "400"),
        # group 000
        ("500102104201000", RegionErrorCode.BAD_GROUP_SEGMENT, "000"),
    ],
)
def test_invalid_code_names_the_rule_and_the_code_in_both_languages(
    raw: str, error: RegionErrorCode, segment: str | None
) -> None:
    with pytest.raises(DomainError) as caught:
        parse_division_code(raw)

    err = caught.value
    assert err.code is error
    assert err.field == "code"
    assert err.message_zh
    assert err.message_en
    assert raw.strip() in err.message_zh
    assert raw.strip() in err.message_en
    if segment is not None:
        assert segment in err.message_zh
        assert segment in err.message_en


@pytest.mark.parametrize(
    ("raw", "parent", "county", "town", "village", "statistical"),
    [
        ("500102", None, "500102", "", "", "500102000000"),
        ("500102104", "500102", "500102", "500102104", "", "500102104000"),
        ("500102104000", "500102", "500102", "500102104", "", "500102104000"),
        ("500102104201", "500102104", "500102", "500102104", "500102104201", "500102104201"),
        (
            "500102104201006",
            "500102104201",
            "500102",
            "500102104",
            "500102104201",
            "500102104201006",
        ),
    ],
)
def test_parsed_code_exposes_parent_and_denormalised_codes(
    raw: str, parent: str | None, county: str, town: str, village: str, statistical: str
) -> None:
    parsed = parse_division_code(raw)

    assert parsed.parent_code == parent
    assert (parsed.county_code, parsed.town_code, parsed.village_code) == (county, town, village)
    assert parsed.statistical_code == statistical
