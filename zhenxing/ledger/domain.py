"""Pure ledger arithmetic: no database, no settings.

Holds:
- `Line`: one posting line (account code, signed `Decimal` yuan: debit +, credit −).
- `check_lines`: an entry's lines are whole fen, non-zero, at least two and balanced (M1).
- `debit_total`, `payload_hash`, `reversal_lines`, `side_ok`.
- `allocate_largest_remainder`: split a total by weights so the parts sum exactly to the total
  and each part is within one fen of its exact share (M6; dividends, any pro-rata split).
- `allocate_with_floors`: the same, where some parts must reach a minimum (the dividend floor of
  marginal households); parts that would fall short get exactly their minimum and the rest is
  split pro rata among the others.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from zhenxing.core.errors import DomainError
from zhenxing.core.money import FEN, fen_to_yuan
from zhenxing.ledger.errors import LedgerErrorCode


@dataclass(frozen=True)
class Line:
    account: str  # account code
    amount: Decimal  # yuan, debit positive, credit negative


def to_fen(amount: Decimal) -> int:
    """Exact conversion; an amount that is not whole fen is an error, never rounded here."""
    if amount != amount.quantize(FEN):
        raise DomainError(LedgerErrorCode.NOT_FEN, amount=str(amount))
    return int(amount * 100)


def check_lines(lines: Sequence[Line]) -> None:
    """Refuse an entry that could not be committed (M1): fewer than two lines, a zero or
    fractional-fen line, or debits that differ from credits."""
    if len(lines) < 2:
        raise DomainError(LedgerErrorCode.TOO_FEW_LINES)
    debit = credit = 0
    for line in lines:
        fen = to_fen(line.amount)
        if fen == 0:
            raise DomainError(LedgerErrorCode.ZERO_LINE, account=line.account)
        if fen > 0:
            debit += fen
        else:
            credit -= fen
    if debit == 0 or credit == 0:
        raise DomainError(LedgerErrorCode.TOO_FEW_LINES)
    if debit != credit:
        raise DomainError(
            LedgerErrorCode.UNBALANCED,
            debit=str(fen_to_yuan(debit)),
            credit=str(fen_to_yuan(credit)),
        )


def debit_total(lines: Sequence[Line]) -> Decimal:
    return sum((line.amount for line in lines if line.amount > 0), Decimal("0.00"))


def payload_hash(kind: str, lines: Sequence[Line], reverses: str = "") -> str:
    """What an idempotency key stands for: kind, reversed entry and the lines (in any order)."""
    canonical = sorted((line.account, to_fen(line.amount)) for line in lines)
    text = json.dumps([kind, reverses, canonical], separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def reversal_lines(lines: Sequence[Line]) -> list[Line]:
    return [Line(line.account, -line.amount) for line in lines]


def side_ok(rule: str, balance: Decimal) -> bool:
    """Whether a (debit-positive) balance is on the side its account's rule allows (M7)."""
    if rule == "debit":
        return balance >= 0
    if rule == "credit":
        return balance <= 0
    return True


# ---------------------------------------------------------------- allocation


def _fen_weights(weights: Sequence[Decimal | int]) -> list[Fraction]:
    out = [Fraction(w) if isinstance(w, int) else Fraction(str(w)) for w in weights]
    if any(w < 0 for w in out):
        raise ValueError("weights must not be negative")
    return out


def _largest_remainder_fen(total_fen: int, weights: Sequence[Fraction]) -> list[int]:
    weight_sum = sum(weights, Fraction(0))
    if total_fen == 0:
        return [0] * len(weights)
    if weight_sum == 0:
        raise ValueError("cannot split a non-zero total by weights that are all zero")
    exact = [total_fen * w / weight_sum for w in weights]
    parts = [e.numerator // e.denominator for e in exact]  # floor (total and weights ≥ 0)
    leftover = total_fen - sum(parts)
    # The largest remainders get one more fen; ties go to the earlier part (deterministic).
    order = sorted(range(len(parts)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:leftover]:
        parts[i] += 1
    return parts


def allocate_largest_remainder(total: Decimal, weights: Sequence[Decimal | int]) -> list[Decimal]:
    """Split `total` (whole fen, ≥ 0) in proportion to `weights`: parts sum exactly to the total
    and each is within one fen of its exact share (largest-remainder method)."""
    total_fen = to_fen(total)
    if total_fen < 0:
        raise ValueError("the total must not be negative")
    parts = _largest_remainder_fen(total_fen, _fen_weights(weights))
    return [fen_to_yuan(p) for p in parts]


@dataclass(frozen=True)
class FlooredAllocation:
    parts: list[Decimal]
    floored: list[bool]  # the part was raised to its minimum
    shares: list[Fraction]  # each free part's exact share in fen (for checks and display)


def allocate_with_floors(
    total: Decimal, weights: Sequence[Decimal | int], floors: Sequence[Decimal]
) -> FlooredAllocation:
    """Split `total` by `weights` where part i must be at least `floors[i]` (whole fen).

    Parts whose pro-rata share would be below their floor receive exactly the floor; what is
    left is split pro rata (largest remainder) among the other parts, repeating until no other
    part falls below its floor. Raises `ValueError` if the floors together exceed the total.
    """
    total_fen = to_fen(total)
    floor_fen = [to_fen(f) for f in floors]
    w = _fen_weights(weights)
    if len(w) != len(floor_fen):
        raise ValueError("one floor per weight")
    if sum(floor_fen) > total_fen:
        raise ValueError("the floors exceed the total")
    fixed: set[int] = set()
    while True:
        free = [i for i in range(len(w)) if i not in fixed]
        remaining = total_fen - sum(floor_fen[i] for i in fixed)
        weight_sum = sum((w[i] for i in free), Fraction(0))
        if not free or weight_sum == 0:
            break
        short = [i for i in free if remaining * w[i] / weight_sum < floor_fen[i]]
        if not short:
            break
        fixed.update(short)
    free = [i for i in range(len(w)) if i not in fixed]
    remaining = total_fen - sum(floor_fen[i] for i in fixed)
    parts = [0] * len(w)
    shares = [Fraction(floor_fen[i]) if i in fixed else Fraction(0) for i in range(len(w))]
    for i in fixed:
        parts[i] = floor_fen[i]
    if free:
        free_parts = _largest_remainder_fen(remaining, [w[i] for i in free])
        weight_sum = sum((w[i] for i in free), Fraction(0))
        for i, part in zip(free, free_parts, strict=True):
            parts[i] = part
            shares[i] = remaining * w[i] / weight_sum if weight_sum else Fraction(0)
    elif remaining:
        raise ValueError("nothing to carry the remainder")
    return FlooredAllocation(
        parts=[fen_to_yuan(p) for p in parts],
        floored=[i in fixed for i in range(len(w))],
        shares=shares,
    )
