"""Display helpers for monitoring pages: risk-type bits as labels, fen as yuan."""

from __future__ import annotations

from django import template

from zhenxing.core.money import fen_to_yuan
from zhenxing.screening.models import RISK_BITS, RiskType

register = template.Library()
_LABELS = dict(RiskType.choices)


@register.filter
def risk_labels(mask: int | None) -> str:
    if not mask:
        return "—"
    return "、".join(
        str(_LABELS[code]).split(" ")[0] for code, bit in RISK_BITS.items() if mask & bit
    )


@register.filter
def yuan(fen: int | None) -> str:
    return "—" if fen is None else f"{fen_to_yuan(fen):,}"


@register.filter
def zh(label: object) -> str:
    """The Chinese half of a "中文 English" label."""
    return str(label).split(" ")[0]


@register.filter
def get(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key, "")
