"""Double-entry ledger: accounts with cached balances, entries, immutable postings, and entries
that wait for a second person's approval (four eyes, security.md B6).

Amounts are `MoneyField` (integer fen in the database, `Decimal` yuan in Python). A posting's
amount is signed: debit positive, credit negative; so every entry sums to zero (M1) and so does
the whole ledger (M2). An account's `balance` is the cached sum of its postings, kept in the same
transaction as the postings and checked against them by `ledger_verify` (M2).

Postings and entries never change (M3): the models refuse updates and deletes, and database
triggers refuse UPDATE and DELETE (migration 0002). A correction is a new entry that `reverses`
the original.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhenxing.core.models import MoneyField


class AccountKind(models.TextChoices):
    ASSET = "asset", "资产 Asset"
    LIABILITY = "liability", "负债 Liability"
    EQUITY = "equity", "权益 Equity"
    INCOME = "income", "收入 Income"
    EXPENSE = "expense", "费用 Expense"


class BalanceRule(models.TextChoices):
    """Which side the balance must stay on (M7): a deposit held or a payable can never be owed
    the other way round; the database's CHECK constraint is the last line behind the service."""

    ANY = "any", "不限 Either side"
    DEBIT = "debit", "借方余额 Debit or zero"
    CREDIT = "credit", "贷方余额 Credit or zero"


class ImmutableError(Exception):
    """Postings and entries are written once (security.md M3)."""


class _AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise ImmutableError("ledger rows are append-only (账目只允许追加)")

    def delete(self) -> NoReturn:
        raise ImmutableError("ledger rows are append-only (账目只允许追加)")


class _AppendOnly(models.Model):
    objects = _AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError("ledger rows are append-only (账目只允许追加)")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ImmutableError("ledger rows are append-only (账目只允许追加)")


class Account(models.Model):
    """One account of the chart (`chart`) for one owner, counterparty and season.

    `owner_*` is whose books the account belongs to (a cooperative, an enterprise, the
    system); `party_*` is the counterparty it is kept for (e.g. the household a cooperative
    owes). Clerks see the accounts their party owns.
    """

    code = models.CharField("账户代码 Code", max_length=64, unique=True)
    chart = models.CharField("科目 Chart code", max_length=8)
    title_zh = models.CharField("名称 Name (zh)", max_length=80)
    title_en = models.CharField("名称 Name (en)", max_length=80)
    kind = models.CharField("类别 Kind", max_length=10, choices=AccountKind.choices)
    balance_rule = models.CharField(
        "余额方向 Balance rule", max_length=6, choices=BalanceRule.choices, default="any"
    )
    season_id = models.BigIntegerField("产季 Season", null=True, blank=True)
    owner_type = models.CharField("所属方 Owner type", max_length=12)
    owner_id = models.BigIntegerField("所属方编号 Owner id", null=True, blank=True)
    party_type = models.CharField("往来方 Party type", max_length=12, blank=True)
    party_id = models.BigIntegerField("往来方编号 Party id", null=True, blank=True)
    county_code = models.CharField("区县 County", max_length=6, blank=True)
    # Cached sum of the postings, debit positive (M2); written only with F() additions.
    balance = MoneyField("余额 Balance", default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        indexes = [
            models.Index(fields=["owner_type", "owner_id", "chart"], name="acct_owner"),
            models.Index(fields=["season_id", "chart"], name="acct_season_chart"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_rule="any")
                | Q(balance_rule="debit", balance__gte=0)
                | Q(balance_rule="credit", balance__lte=0),
                name="account_balance_side",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title_zh}"

    @property
    def normal_sign(self) -> int:
        """+1 for accounts that normally carry a debit balance, −1 for credit ones."""
        return 1 if self.kind in (AccountKind.ASSET, AccountKind.EXPENSE) else -1


class Entry(_AppendOnly):
    """One balanced movement of money. `natural_key` is the idempotency key (M4): posting the
    same key again with the same payload changes nothing; with another payload it is refused."""

    natural_key = models.CharField("业务键 Natural key", max_length=120, unique=True)
    kind = models.CharField("类型 Kind", max_length=24)
    payload_hash = models.CharField(max_length=64)
    memo = models.CharField("摘要 Memo", max_length=200, blank=True)
    season_id = models.BigIntegerField("产季 Season", null=True, blank=True)
    total = MoneyField("借方合计 Debit total")
    posted_at = models.DateTimeField("记账时间 Posted at")
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name="冲正对象 Reverses",
    )

    class Meta:
        ordering = ["-posted_at", "-id"]
        indexes = [models.Index(fields=["season_id", "kind"], name="entry_season_kind")]
        constraints = [models.CheckConstraint(condition=Q(total__gt=0), name="entry_total_pos")]

    def __str__(self) -> str:
        return self.natural_key


class Posting(_AppendOnly):
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings")
    amount = MoneyField("金额（借正贷负）Amount (debit +, credit −)")

    class Meta:
        ordering = ["entry_id", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="posting_nonzero"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.account_id} {self.amount}"


class PendingEntry(models.Model):
    """An entry above the approval threshold, waiting for someone other than its submitter."""

    STATUS_CHOICES = [
        ("pending", "待审批 Pending"),
        ("approved", "已批准 Approved"),
        ("rejected", "已驳回 Rejected"),
    ]

    natural_key = models.CharField("业务键 Natural key", max_length=120, unique=True)
    kind = models.CharField("类型 Kind", max_length=24)
    memo = models.CharField("摘要 Memo", max_length=200, blank=True)
    season_id = models.BigIntegerField(null=True, blank=True)
    county_code = models.CharField(max_length=6, blank=True)
    # [[account code, amount in fen], …]: fen keep the JSON exact.
    lines = models.JSONField()
    payload_hash = models.CharField(max_length=64)
    reverses_key = models.CharField("冲正对象 Reverses", max_length=120, blank=True)
    total = MoneyField("借方合计 Debit total")
    status = models.CharField(max_length=8, choices=STATUS_CHOICES, default="pending")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    entry = models.OneToOneField(
        Entry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.natural_key} ({self.status})"
