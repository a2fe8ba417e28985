"""The invariants M1 and M2 recomputed from the postings: `LedgerCheck`, `ledger_verify`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from zhenxing.core.money import fen_to_yuan

# ---------------------------------------------------------------- verification


@dataclass
class LedgerCheck:
    balance_sum: Decimal
    posting_sum: Decimal
    mismatched_accounts: list[str]  # cached balance ≠ sum of its postings (M2)
    unbalanced_entries: list[str]  # postings do not sum to zero (M1)

    @property
    def ok(self) -> bool:
        return (
            self.balance_sum == 0
            and self.posting_sum == 0
            and not self.mismatched_accounts
            and not self.unbalanced_entries
        )


def ledger_verify(limit: int = 50) -> LedgerCheck:
    """Recompute M1 and M2 from the postings (integer sums; BIGINT casts keep PostgreSQL's
    SUM from turning into numeric)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT CAST(COALESCE(SUM(balance), 0) AS BIGINT) FROM ledger_account")
        balance_sum = int(cursor.fetchone()[0])
        cursor.execute("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM ledger_posting")
        posting_sum = int(cursor.fetchone()[0])
        cursor.execute(
            "SELECT a.code FROM ledger_account a LEFT JOIN ("
            " SELECT account_id, CAST(SUM(amount) AS BIGINT) AS s FROM ledger_posting"
            " GROUP BY account_id) p ON p.account_id = a.id"
            " WHERE a.balance <> COALESCE(p.s, 0) ORDER BY a.code LIMIT %s",
            [limit],
        )
        mismatched = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT e.natural_key FROM ledger_entry e JOIN ledger_posting p ON p.entry_id = e.id"
            " GROUP BY e.id, e.natural_key HAVING SUM(p.amount) <> 0 ORDER BY e.id LIMIT %s",
            [limit],
        )
        unbalanced = [row[0] for row in cursor.fetchall()]
    return LedgerCheck(
        balance_sum=fen_to_yuan(balance_sum),
        posting_sum=fen_to_yuan(posting_sum),
        mismatched_accounts=mismatched,
        unbalanced_entries=unbalanced,
    )
