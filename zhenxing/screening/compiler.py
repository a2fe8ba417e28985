"""Compiles a checked rule into a Django ORM boolean expression over a result's indicators.

The same compiled expression serves the bulk run (one `INSERT … SELECT` for the whole district)
and the single-household explanation, so no rule has a second implementation.

Arithmetic is exact integers on both databases: each numeric sub-expression compiles to an
integer SQL expression `E` and a power of ten `s` with value = E / s (money in fen). A ratio
0.3 becomes (3, 10); `a > b * 0.3` becomes `a * 10 > b * 3`. Floats never enter, so boundary
values decide the same way on SQLite and PostgreSQL.

Holds: `Compiled`, `compile_rule(expression, params)`, `ParamValue`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import BigIntegerField, BooleanField, ExpressionWrapper, F, Q, Value
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    In,
    LessThan,
    LessThanOrEqual,
)

from zhenxing.core.errors import DomainError
from zhenxing.screening.dsl import (
    Binary,
    Indicator,
    InList,
    Literal,
    Node,
    Param,
    RuleErrorCode,
    Type,
    Unary,
    check,
    indicators_used,
    params_used,
    parse,
)
from zhenxing.screening.indicators import INDICATOR_TYPES


@dataclass(frozen=True)
class ParamValue:
    type: Type
    value: Decimal


@dataclass(frozen=True)
class Compiled:
    source: str
    expression: ExpressionWrapper
    indicators: frozenset[str]
    params: frozenset[str]


@dataclass(frozen=True)
class _Num:
    expr: Any  # an integer-valued SQL expression
    scale: int  # value = expr / scale
    type: Type


_INT: Any = BigIntegerField()


def _decimal_to_scaled(value: Decimal) -> tuple[int, int]:
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    scale = 10**places
    return int(value * scale), scale


def _literal_num(value: Decimal, as_money: bool) -> _Num:
    if as_money:  # a number written beside money means yuan; money is counted in fen
        value = value * 100
    number, scale = _decimal_to_scaled(value.normalize())
    return _Num(Value(number, output_field=_INT), scale, Type.MONEY if as_money else Type.NUMBER)


def _rescale(num: _Num, scale: int) -> Any:
    factor = scale // num.scale
    return num.expr if factor == 1 else num.expr * Value(factor, output_field=_INT)


class _Compiler:
    def __init__(self, params: dict[str, ParamValue]) -> None:
        self.params = params

    # numbers -------------------------------------------------------------
    def num(self, node: Node, money_context: bool = False) -> _Num:
        if isinstance(node, Literal):
            assert isinstance(node.value, Decimal)  # noqa: S101 — checked before compiling
            return _literal_num(node.value, money_context)
        if isinstance(node, Indicator):
            return _Num(F(node.name), 1, INDICATOR_TYPES[node.name])
        if isinstance(node, Param):
            param = self.params[node.name]
            value = param.value * 100 if param.type == Type.MONEY else param.value
            number, scale = _decimal_to_scaled(value.normalize())
            return _Num(Value(number, output_field=_INT), scale, param.type)
        if not isinstance(node, Binary):
            raise TypeError(f"not a numeric node: {node!r}")
        if node.op in ("+", "-"):
            left, right = self._pair(node.left, node.right)
            scale = max(left.scale, right.scale)
            a, b = _rescale(left, scale), _rescale(right, scale)
            result_type = left.type if left.type != Type.NUMBER else right.type
            return _Num(a + b if node.op == "+" else a - b, scale, result_type)
        # "*": literals beside money are multipliers, not yuan
        left, right = self.num(node.left), self.num(node.right)
        result_type = (
            Type.MONEY
            if Type.MONEY in (left.type, right.type)
            else (Type.RATIO if Type.RATIO in (left.type, right.type) else Type.NUMBER)
        )
        return _Num(left.expr * right.expr, left.scale * right.scale, result_type)

    def _pair(self, left_node: Node, right_node: Node) -> tuple[_Num, _Num]:
        """Compile two operands; a bare number beside money is read as yuan."""
        left = self.num(left_node)
        right = self.num(right_node)
        if isinstance(left_node, Literal) and right.type == Type.MONEY:
            left = self.num(left_node, money_context=True)
        if isinstance(right_node, Literal) and left.type == Type.MONEY:
            right = self.num(right_node, money_context=True)
        return left, right

    # booleans ------------------------------------------------------------
    def cond(self, node: Node) -> Q:
        if isinstance(node, Literal) and isinstance(node.value, bool):
            # 1 = 1 or 1 = 0: no column, so it compiles the same over any row source.
            one = Value(1, output_field=_INT)
            return Q(Exact(one, Value(1 if node.value else 0, output_field=_INT)))
        if isinstance(node, Indicator):
            return Q(**{node.name: True})
        if isinstance(node, Unary):
            return ~self.cond(node.operand)
        if isinstance(node, InList):
            return Q(In(self.text(node.operand), list(node.options)))
        if not isinstance(node, Binary):
            raise TypeError(f"not a condition node: {node!r}")
        if node.op == "and":
            return self.cond(node.left) & self.cond(node.right)
        if node.op == "or":
            return self.cond(node.left) | self.cond(node.right)
        return self.compare(node)

    def text(self, node: Node) -> Any:
        if isinstance(node, Literal):
            return Value(node.value)
        return F(node.name)  # type: ignore[attr-defined]

    def compare(self, node: Binary) -> Q:
        left_type = check(node.left, INDICATOR_TYPES, self._param_types())
        if left_type in (Type.TEXT, Type.BOOL):
            if left_type == Type.BOOL:
                return self._bool_equal(node)
            equal = Q(Exact(self.text(node.left), self.text(node.right)))
            return equal if node.op == "==" else ~equal
        left, right = self._pair(node.left, node.right)
        # a/sa OP b/sb  ⇔  a*sb OP b*sa (scales are positive)
        lhs = left.expr if right.scale == 1 else left.expr * Value(right.scale, output_field=_INT)
        rhs = right.expr if left.scale == 1 else right.expr * Value(left.scale, output_field=_INT)
        lookup = {
            "<": LessThan,
            "<=": LessThanOrEqual,
            ">": GreaterThan,
            ">=": GreaterThanOrEqual,
            "==": Exact,
        }
        if node.op == "!=":
            return ~Q(Exact(lhs, rhs))
        return Q(lookup[node.op](lhs, rhs))

    def _bool_equal(self, node: Binary) -> Q:
        literal = next((n for n in (node.left, node.right) if isinstance(n, Literal)), None)
        if literal is not None:
            other = node.right if literal is node.left else node.left
            same = self.cond(other) if literal.value is True else ~self.cond(other)
        else:
            left, right = self.cond(node.left), self.cond(node.right)
            same = (left & right) | (~left & ~right)
        return same if node.op == "==" else ~same

    def _param_types(self) -> dict[str, Type]:
        return {name: p.type for name, p in self.params.items()}


def compile_rule(expression: str, params: dict[str, ParamValue]) -> Compiled:
    """Parse, type-check and compile; any error names its position (DomainError)."""
    node = parse(expression)
    result = check(node, INDICATOR_TYPES, {name: p.type for name, p in params.items()})
    if result != Type.BOOL:
        raise DomainError(
            RuleErrorCode.NOT_BOOLEAN, field="expression", type_zh=result.zh, type_en=result
        )
    q = _Compiler(params).cond(node)
    return Compiled(
        source=expression,
        expression=ExpressionWrapper(q, output_field=BooleanField()),
        indicators=frozenset(indicators_used(node)),
        params=frozenset(params_used(node)),
    )
