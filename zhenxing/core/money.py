"""Money arithmetic: Decimal yuan, integer fen, ROUND_HALF_UP (四舍五入) at named points only."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")


def round_yuan(amount: Decimal) -> Decimal:
    """Round to the fen, half up. Python's round() is half-to-even and must not be used."""
    if not isinstance(amount, Decimal):
        raise TypeError("money must be Decimal, not " + type(amount).__name__)
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def yuan_to_fen(amount: Decimal) -> int:
    return int(round_yuan(amount) * 100)


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)
