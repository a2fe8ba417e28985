"""Template filters of the benefit-chain pages: weights shown from integer grams."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from zhenxing.industry.domain import kilograms
from zhenxing.industry.domain import tonnes as _tonnes

register = template.Library()


@register.filter
def tonnes(grams: int | None) -> Decimal:
    return _tonnes(grams or 0)


@register.filter
def kg(grams: int | None) -> Decimal:
    return kilograms(grams or 0)


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None
