"""Small template helpers of the supervision pages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext as _

from zhenxing.supervision.domain import progress_percent

register = template.Library()


@register.filter
def get_item(mapping: Mapping[Any, Any] | None, key: Any) -> Any:
    return (mapping or {}).get(key, "")


@register.filter
def ids(objects: Iterable[Any]) -> set[Any]:
    return {o.pk for o in objects}


@register.filter
def percent_of(value: Decimal | None, target: Decimal) -> str:
    return f"{progress_percent(value or Decimal(0), target)}%"


@register.filter
def area_tables(report: Any) -> list[tuple[str, list[Any]]]:
    return [(str(_("By town")), report.towns), (str(_("By village")), report.villages)]
