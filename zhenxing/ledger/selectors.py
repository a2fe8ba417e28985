"""Reads of the ledger, always through `Books`: the part of the ledger an actor may see.

The ledger does not know who clerks are; the industry app turns an actor into `Books` (a whole
county for district staff, the accounts owned by one cooperative or enterprise for its clerks)
and reads through these.

Holds `Books`, `accounts_visible`, `entries_visible`, `pending_visible`, `entry_get`,
`pending_get`, `trial_balance`, `entry_postings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from zhenxing.core.scope import get_in_scope
from zhenxing.ledger.models import Account, Entry, PendingEntry, Posting


@dataclass(frozen=True)
class Books:
    county_code: str = ""  # every account of this county (district staff)
    owners: frozenset[tuple[str, int]] = frozenset()  # or only these owners' accounts (clerks)

    @property
    def empty(self) -> bool:
        return not self.county_code and not self.owners

    def account_q(self, prefix: str = "") -> Q:
        if self.county_code:
            return Q(**{f"{prefix}county_code": self.county_code})
        condition = Q(pk__in=[])
        for owner_type, owner_id in sorted(self.owners):
            condition |= Q(**{f"{prefix}owner_type": owner_type, f"{prefix}owner_id": owner_id})
        return condition


def accounts_visible(books: Books) -> QuerySet[Account]:
    return Account.objects.filter(books.account_q())


def entries_visible(books: Books) -> QuerySet[Entry]:
    """Entries with at least one posting on a visible account."""
    if books.empty:
        return Entry.objects.none()
    if books.county_code:
        return Entry.objects.filter(
            pk__in=Posting.objects.filter(account__county_code=books.county_code).values("entry_id")
        )
    return Entry.objects.filter(
        pk__in=Posting.objects.filter(books.account_q("account__")).values("entry_id")
    )


def pending_visible(books: Books) -> QuerySet[PendingEntry]:
    if not books.county_code:
        return PendingEntry.objects.none()  # approving is district work
    return PendingEntry.objects.filter(county_code=books.county_code)


def entry_get(books: Books, pk: Any) -> Entry:
    return get_in_scope(entries_visible(books), object_type="ledger.entry", pk=pk)


def pending_get(books: Books, pk: Any) -> PendingEntry:
    return get_in_scope(pending_visible(books), object_type="ledger.pendingentry", pk=pk)


def entry_postings(entry: Entry) -> QuerySet[Posting]:
    return entry.postings.select_related("account").order_by("pk")


@dataclass(frozen=True)
class ChartRow:
    chart: str
    title_zh: str
    title_en: str
    kind: str
    accounts: int
    balance: Decimal  # debit positive


def trial_balance(books: Books, season_id: int | None = None) -> list[ChartRow]:
    """Balances summed per chart code; over a whole county they sum to zero (M2)."""
    accounts = accounts_visible(books)
    if season_id is not None:
        accounts = accounts.filter(Q(season_id=season_id) | Q(season_id__isnull=True))
    rows = (
        accounts.values("chart", "kind")
        .annotate(n=Count("id"), total=Sum("balance"))
        .order_by("chart", "kind")
    )
    names = dict(accounts.order_by("chart").values_list("chart", "title_zh").distinct())
    names_en = dict(accounts.order_by("chart").values_list("chart", "title_en").distinct())
    return [
        ChartRow(
            chart=r["chart"],
            title_zh=names.get(r["chart"], ""),
            title_en=names_en.get(r["chart"], ""),
            kind=r["kind"],
            accounts=r["n"],
            balance=_yuan(r["total"]),
        )
        for r in rows
    ]


def _yuan(value: Decimal | None) -> Decimal:
    """A SUM over a MoneyField comes back through the field (yuan); an empty one is None."""
    return Decimal("0.00") if value is None else value
