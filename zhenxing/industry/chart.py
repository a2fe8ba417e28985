"""The benefit chain's chart of accounts (README.md: "Accounts").

A settlement ledger between the parties of the chain: each account belongs to the books of one
party (`owner`) and, for payables and deposits, is kept for one counterparty (`party`). One set
per season, so a season's reconciliation stands alone.

| code | account | kind | owner → party | balance side |
|------|---------|------|---------------|--------------|
| 1001 | 银行清算 Bank clearing | asset | system | either |
| 2101 | 应付农户收购款 Farmer payable | liability | cooperative → household | credit |
| 2111 | 应付合作社款 Cooperative payable | liability | enterprise → cooperative | credit |
| 2201 | 农户履约保证金 Household deposits held | liability | cooperative → household | credit |
| 2202 | 合作社履约保证金 Coop deposits held | liability | enterprise → cooperative | credit |
| 2301 | 应付股金分红 Dividends payable | liability | cooperative → household | credit |
| 3101 | 股金分红分配 Dividend distribution | equity | cooperative | debit |
| 5101 | 收购成本（当日价） Purchases at day prices | expense | cooperative | debit |
| 5102 | 保护价补差 Floor top-up | expense | cooperative | debit |
| 5201 | 原料收购成本 Raw material purchases | expense | enterprise | debit |
| 5202 | 保底利润补差 Margin top-up | expense | enterprise | debit |
| 6101 | 罚没农户保证金 Forfeited household deposits | income | cooperative | credit |
| 6102 | 罚没合作社保证金 Forfeited cooperative deposits | income | enterprise | credit |
"""

from __future__ import annotations

from zhenxing.ledger.services import AccountSpec

# code: (zh, en, kind, balance side)
CHART: dict[str, tuple[str, str, str, str]] = {
    "1001": ("银行清算", "Bank clearing", "asset", "any"),
    "2101": ("应付农户收购款", "Farmer payable", "liability", "credit"),
    "2111": ("应付合作社款", "Cooperative payable", "liability", "credit"),
    "2201": ("农户履约保证金", "Household deposits held", "liability", "credit"),
    "2202": ("合作社履约保证金", "Cooperative deposits held", "liability", "credit"),
    "2301": ("应付股金分红", "Dividends payable", "liability", "credit"),
    "3101": ("股金分红分配", "Dividend distribution", "equity", "debit"),
    "5101": ("收购成本（当日价）", "Purchases at day prices", "expense", "debit"),
    "5102": ("保护价补差", "Floor top-up", "expense", "debit"),
    "5201": ("原料收购成本", "Raw material purchases", "expense", "debit"),
    "5202": ("保底利润补差", "Margin top-up", "expense", "debit"),
    "6101": ("罚没农户保证金", "Forfeited household deposits", "income", "credit"),
    "6102": ("罚没合作社保证金", "Forfeited cooperative deposits", "income", "credit"),
}
_OWNER_LETTER = {"system": "X", "cooperative": "C", "enterprise": "E"}
_PARTY_LETTER = {"household": "H", "cooperative": "C", "": ""}


def account(
    chart: str,
    *,
    county_code: str,
    season_id: int | None,
    owner_type: str = "system",
    owner_id: int | None = None,
    party_type: str = "",
    party_id: int | None = None,
) -> AccountSpec:
    """The account of `chart` for an owner (and counterparty) in a season; dividend accounts
    belong to no season (`season_id=None`, "Y" in the code): a cooperative's running books."""
    zh, en, kind, side = CHART[chart]
    period = f"S{season_id}" if season_id is not None else "Y"
    owner = f"{_OWNER_LETTER[owner_type]}{owner_id if owner_id is not None else county_code}"
    party = f".{_PARTY_LETTER[party_type]}{party_id}" if party_type else ""
    return AccountSpec(
        code=f"{chart}.{period}.{owner}{party}",
        chart=chart,
        title_zh=zh,
        title_en=en,
        kind=kind,
        balance_rule=side,
        season_id=season_id,
        owner_type=owner_type,
        owner_id=owner_id,
        party_type=party_type,
        party_id=party_id,
        county_code=county_code,
    )


def bank(county_code: str, season_id: int | None) -> AccountSpec:
    return account("1001", county_code=county_code, season_id=season_id)


def of_coop(chart: str, county_code: str, season_id: int | None, coop_id: int) -> AccountSpec:
    return account(
        chart,
        county_code=county_code,
        season_id=season_id,
        owner_type="cooperative",
        owner_id=coop_id,
    )


def coop_to_household(
    chart: str, county_code: str, season_id: int | None, coop_id: int, household_id: int
) -> AccountSpec:
    return account(
        chart,
        county_code=county_code,
        season_id=season_id,
        owner_type="cooperative",
        owner_id=coop_id,
        party_type="household",
        party_id=household_id,
    )


def of_enterprise(chart: str, county_code: str, season_id: int, enterprise_id: int) -> AccountSpec:
    return account(
        chart,
        county_code=county_code,
        season_id=season_id,
        owner_type="enterprise",
        owner_id=enterprise_id,
    )


def enterprise_to_coop(
    chart: str, county_code: str, season_id: int, enterprise_id: int, coop_id: int
) -> AccountSpec:
    return account(
        chart,
        county_code=county_code,
        season_id=season_id,
        owner_type="enterprise",
        owner_id=enterprise_id,
        party_type="cooperative",
        party_id=coop_id,
    )
