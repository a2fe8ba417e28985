"""Shared model base and the money field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models.expressions import Combinable

from zhenxing.core.money import fen_to_yuan, yuan_to_fen


class BaseModel(models.Model):
    created_at = models.DateTimeField("创建时间 Created", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间 Updated", auto_now=True)

    class Meta:
        abstract = True


class MoneyField(models.Field):
    """Money as integer fen in the database and `Decimal` yuan in Python (architecture §5).

    Integer fen keeps SQL sums exact on SQLite and fast on PostgreSQL; conversion rounds
    half-up to the fen, the one named rounding point for stored amounts.
    """

    description = "Amount in yuan stored as integer fen"
    # What django-stubs should believe this field accepts and returns.
    _pyi_private_set_type: Decimal | int | str | Combinable
    _pyi_private_get_type: Decimal

    def get_internal_type(self) -> str:
        return "BigIntegerField"  # the column is a 64-bit integer of fen

    def from_db_value(self, value: int | None, expression: Any, connection: Any) -> Decimal | None:
        return None if value is None else fen_to_yuan(value)

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        return Decimal(str(value))

    def get_prep_value(self, value: Any) -> int | None:
        if value is None:
            return None
        return yuan_to_fen(Decimal(value) if not isinstance(value, Decimal) else value)
