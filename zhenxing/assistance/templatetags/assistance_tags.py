"""Display helpers for assistance pages: "中文 English" labels in the interface language."""

from __future__ import annotations

from django import template
from django.utils import translation

from zhenxing.screening.models import RISK_BITS, RiskType

register = template.Library()
_RISKS = dict(RiskType.choices)


@register.filter
def label(value: object) -> str:
    """The half of a "中文 English" label for the interface language."""
    text = str(value)
    zh, _sep, en = text.partition(" ")
    if (translation.get_language() or "zh").startswith("zh") or not en:
        return zh
    return en


@register.filter
def risk_labels(mask: int | None) -> str:
    if not mask:
        return "—"
    return "、".join(label(_RISKS[code]) for code, bit in RISK_BITS.items() if mask & bit)
