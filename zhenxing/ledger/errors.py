"""Error codes of the ledger, each with its Chinese and English message."""

from __future__ import annotations

from zhenxing.core.errors import ErrorCode


class LedgerErrorCode(ErrorCode):
    UNBALANCED = (
        "ledger.unbalanced",
        "分录借贷不平：借方 {debit} 元，贷方 {credit} 元",
        "The entry does not balance: debits {debit} yuan, credits {credit} yuan",
    )
    TOO_FEW_LINES = (
        "ledger.too_few_lines",
        "分录至少需要一借一贷",
        "An entry needs at least one debit and one credit",
    )
    ZERO_LINE = (
        "ledger.zero_line",
        "分录行金额不能为零（账户 {account}）",
        "A posting cannot be zero (account {account})",
    )
    NOT_FEN = (
        "ledger.not_fen",
        "金额须精确到分：{amount}",
        "Amounts must be whole fen: {amount}",
    )
    KEY_CONFLICT = (
        "ledger.key_conflict",
        "业务键 {key} 已用于内容不同的分录，拒绝重复记账",
        "The key {key} was already used for a different entry; refused",
    )
    INSUFFICIENT = (
        "ledger.insufficient",
        "账户 {account} 余额不足：余额 {balance} 元，本次 {amount} 元",
        "Account {account} would go below zero: balance {balance} yuan, movement {amount} yuan",
    )
    UNKNOWN_ACCOUNT = (
        "ledger.unknown_account",
        "没有账户 {account}",
        "No account {account}",
    )
    APPROVAL_REQUIRED = (
        "ledger.approval_required",
        "金额 {total} 元超过审批限额 {threshold} 元，须由提交人以外的人员审批",
        "{total} yuan is above the approval threshold of {threshold} yuan and needs approval"
        " by someone other than the submitter",
    )
    SELF_APPROVAL = (
        "ledger.self_approval",
        "不能审批自己提交的记账",
        "You cannot approve a posting you submitted",
    )
    ALREADY_DECIDED = (
        "ledger.already_decided",
        "该记账申请已处理（{status}）",
        "This posting request has already been decided ({status})",
    )
    ALREADY_REVERSED = (
        "ledger.already_reversed",
        "分录 {key} 已冲正，不能再次冲正",
        "Entry {key} has already been reversed",
    )
    REVERSAL_OF_REVERSAL = (
        "ledger.reversal_of_reversal",
        "冲正分录不能再冲正；请重新记一笔正确的分录",
        "A reversal cannot itself be reversed; post a new correct entry instead",
    )
    NOT_ALLOWED = (
        "ledger.not_allowed",
        "无权进行此操作：{action}",
        "Not allowed: {action}",
    )
