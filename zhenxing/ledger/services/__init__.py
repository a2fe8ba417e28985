"""Writes to the ledger. Callers (the industry services) decide who may move money; these make
sure whatever moves is balanced, idempotent, immutable, within the accounts' sides and audited.

Holds:
- `AccountSpec`, `accounts_ensure`: create accounts of the chart if missing (bulk, idempotent).
- `EntrySpec`, `entry_post`: post one balanced entry under its natural key (M1, M4, M7, B6).
- `entry_submit`, `pending_entry_approve`, `pending_entry_reject`: four eyes above a threshold.
- `entry_reverse`, `entry_reverse_submit`: the one way to correct an entry (M3), with four eyes
  above the threshold.
- `entries_post_bulk`: many entries in a few statements (season settlement): same rules, set-based.
- `ledger_verify`: the invariants M1 and M2 recomputed from the postings.

Locks are taken on account rows in ascending id order (style.md: a fixed lock order), before the
idempotency check, so two posters of the same key serialise and the second sees the first.
"""

from zhenxing.ledger.services.accounts import AccountSpec, accounts_ensure
from zhenxing.ledger.services.base import CLI_OPERATOR
from zhenxing.ledger.services.bulk import BulkPostResult, entries_post_bulk
from zhenxing.ledger.services.entries import (
    EntrySpec,
    entry_lines,
    entry_post,
    entry_reverse,
    entry_reverse_submit,
    entry_submit,
    pending_entry_approve,
    pending_entry_reject,
)
from zhenxing.ledger.services.verification import LedgerCheck, ledger_verify

__all__ = [
    "CLI_OPERATOR",
    "AccountSpec",
    "BulkPostResult",
    "EntrySpec",
    "LedgerCheck",
    "accounts_ensure",
    "entries_post_bulk",
    "entry_lines",
    "entry_post",
    "entry_reverse",
    "entry_reverse_submit",
    "entry_submit",
    "ledger_verify",
    "pending_entry_approve",
    "pending_entry_reject",
]
