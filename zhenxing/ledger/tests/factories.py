"""Accounts and entries for ledger tests, made through the real services.

- `account(code, kind="liability", rule="any")`: one account (idempotent on the code).
- `entry(key, (code, amount), …)`: post one entry of yuan amounts (debit +, credit −).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from zhenxing.ledger.domain import Line
from zhenxing.ledger.models import Account, Entry
from zhenxing.ledger.services import AccountSpec, EntrySpec, accounts_ensure, entry_post


def account(code: str, kind: str = "liability", rule: str = "any", **fields: Any) -> Account:
    spec = AccountSpec(
        code=code,
        chart=fields.pop("chart", code.split(".")[0][:8]),
        title_zh=fields.pop("title_zh", f"测试账户{code}"),
        title_en=fields.pop("title_en", f"Test account {code}"),
        kind=kind,
        balance_rule=rule,
        county_code=fields.pop("county_code", "500102"),
        **fields,
    )
    ids = accounts_ensure([spec])
    return Account.objects.get(pk=ids[code])


def spec(key: str, *lines: tuple[str, str | Decimal], kind: str = "test") -> EntrySpec:
    return EntrySpec(
        natural_key=key, kind=kind, lines=tuple(Line(code, Decimal(a)) for code, a in lines)
    )


def entry(key: str, *lines: tuple[str, str | Decimal], actor: Any = None, **kw: Any) -> Entry:
    return entry_post(actor=actor, spec=spec(key, *lines), **kw)


def bank_and_deposit(held: str = "0") -> tuple[Account, Account]:
    """A bank clearing account (either side) and a deposit held (credit side only); `held`
    yuan already paid in."""
    bank = account("1001.T", kind="asset", rule="any")
    deposit = account("2201.T", kind="liability", rule="credit")
    if Decimal(held):
        entry("pay-in", ("1001.T", held), ("2201.T", f"-{held}"))
    return bank, deposit
