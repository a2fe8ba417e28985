"""Reading a rule set or a parameter file (YAML) into checked specifications.

Holds: `RuleSpec`, `RuleSetSpec`, `parse_rule_set(text)`, `ParameterSpec`,
`parse_parameters(text)`, `parse_parameter_value`, `LoaderErrorCode`. Every problem is reported
with the rule it is in and, for expressions, the character position; any input, however
malformed, ends in a `DomainError`, never another exception (security.md E5).
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from zhenxing.core.errors import DomainError, ErrorCode
from zhenxing.screening.compiler import ParamValue, compile_rule
from zhenxing.screening.dsl import Type
from zhenxing.screening.indicators import INDICATORS
from zhenxing.screening.models import RiskType, Severity


class LoaderErrorCode(ErrorCode):
    YAML = ("rules.yaml", "规则文件格式错误：{detail}", "The rule file is not valid YAML: {detail}")
    MISSING = (
        "rules.missing",
        "{where}缺少“{key}”",
        "{where_en} lacks '{key}'",
    )
    BAD_VALUE = (
        "rules.bad_value",
        "{where}的“{key}”取值“{value}”无效",
        "{where_en}: '{key}' has an invalid value '{value}'",
    )
    DUPLICATE_CODE = (
        "rules.duplicate_code",
        "规则代码“{code}”重复",
        "Rule code '{code}' appears twice",
    )
    EXPRESSION = (
        "rules.expression",
        "规则 {code}：{detail_zh}",
        "Rule {code}: {detail_en}",
    )
    TEMPLATE = (
        "rules.template",
        "规则 {code} 的原因模板引用了未知名称“{name}”",
        "The reason template of rule {code} refers to an unknown name '{name}'",
    )
    SHAPE = (
        "rules.shape",
        "{where}应为{shape_zh}",
        "{where_en} must be {shape_en}",
    )
    TEMPLATE_SYNTAX = (
        "rules.template_syntax",
        "规则 {code} 的原因模板中花括号不成对",
        "The reason template of rule {code} has an unmatched brace",
    )
    TOO_MANY = (
        "rules.too_many",
        "一个规则集最多 {max} 条规则",
        "A rule set holds at most {max} rules",
    )


MAX_RULES = 62  # flags are kept as bits of one signed 64-bit integer
# Parameter values: fen times a ratio's scale must stay inside a 64-bit SQL integer.
MAX_PARAMETER = Decimal("1e9")
MAX_PARAMETER_PLACES = 4
_SHAPES: dict[type, tuple[str, str]] = {
    dict: ("一个映射（键: 值）", "a mapping (key: value)"),
    list: ("一个列表", "a list"),
}


@dataclass(frozen=True)
class RuleSpec:
    code: str
    look: str
    question: str
    expression: str
    severity: str
    risk_type: str
    reason_zh: str
    reason_en: str


@dataclass(frozen=True)
class RuleSetSpec:
    name: str
    parameters: dict[str, Type]
    income_range_rules: tuple[str, ...]
    rules: tuple[RuleSpec, ...]


def _load(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DomainError(LoaderErrorCode.YAML, detail=str(exc).splitlines()[0]) from exc
    except ValueError as exc:  # a scalar that looks like a timestamp but is no date: 2001-13-01
        raise DomainError(LoaderErrorCode.YAML, detail=str(exc)[:100]) from exc
    except RecursionError as exc:
        raise DomainError(LoaderErrorCode.YAML, detail="nested too deeply") from exc


def _shaped(value: Any, shape: type, where: str, where_en: str) -> Any:
    """`value` if it is a dict/list as the format requires (None counts as empty)."""
    if value is None:
        return shape()
    if not isinstance(value, shape):
        zh, en = _SHAPES[shape]
        raise DomainError(
            LoaderErrorCode.SHAPE, where=where, where_en=where_en, shape_zh=zh, shape_en=en
        )
    return value


def _need(mapping: dict[str, Any], key: str, where: str, where_en: str) -> Any:
    value = mapping.get(key)
    if value is None or value == "":
        raise DomainError(LoaderErrorCode.MISSING, where=where, where_en=where_en, key=key)
    return value


def template_names(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _template_names(template: str, code: str) -> set[str]:
    try:
        return template_names(template)
    except ValueError as exc:  # "{" without "}", or "}" alone
        raise DomainError(LoaderErrorCode.TEMPLATE_SYNTAX, code=code) from exc


def parse_rule_set(text: str) -> RuleSetSpec:
    data = _load(text)
    if not isinstance(data, dict):
        raise DomainError(LoaderErrorCode.YAML, detail="top level must be a mapping")
    name = str(_need(data, "name", "规则集", "The rule set"))
    declared = _shaped(data.get("parameters"), dict, "参数声明", "Parameters")
    params: dict[str, Type] = {}
    for pname, kind in declared.items():
        if kind not in ("money", "number", "ratio"):
            raise DomainError(
                LoaderErrorCode.BAD_VALUE,
                where="参数声明",
                where_en="Parameters",
                key=pname,
                value=kind,
            )
        params[str(pname)] = Type(kind)
    rules: list[RuleSpec] = []
    seen: set[str] = set()
    raw_rules = _shaped(data.get("rules"), list, "规则列表", "The rule list")
    if len(raw_rules) > MAX_RULES:
        raise DomainError(LoaderErrorCode.TOO_MANY, max=MAX_RULES)
    dummy = {p: ParamValue(t, Decimal("1")) for p, t in params.items()}
    known_names = set(INDICATORS) | set(params)
    for index, raw in enumerate(raw_rules, start=1):
        where, where_en = f"第 {index} 条规则", f"Rule {index}"
        raw = _shaped(raw, dict, where, where_en)
        code = str(_need(raw, "code", where, where_en))
        where, where_en = f"规则 {code}", f"Rule {code}"
        if code in seen:
            raise DomainError(LoaderErrorCode.DUPLICATE_CODE, code=code)
        seen.add(code)
        severity = str(_need(raw, "severity", where, where_en))
        if severity not in Severity.values:
            raise DomainError(
                LoaderErrorCode.BAD_VALUE,
                where=where,
                where_en=where_en,
                key="severity",
                value=severity,
            )
        risk = str(_need(raw, "risk", where, where_en))
        if risk not in RiskType.values:
            raise DomainError(
                LoaderErrorCode.BAD_VALUE, where=where, where_en=where_en, key="risk", value=risk
            )
        expression = str(_need(raw, "when", where, where_en))
        try:
            compile_rule(expression, dummy)
        except DomainError as exc:
            raise DomainError(
                LoaderErrorCode.EXPRESSION,
                field="when",
                code=code,
                detail_zh=exc.message_zh,
                detail_en=exc.message_en,
            ) from exc
        spec = RuleSpec(
            code=code,
            look=str(_need(raw, "look", where, where_en)),
            question=str(_need(raw, "question", where, where_en)),
            expression=expression,
            severity=severity,
            risk_type=risk,
            reason_zh=str(_need(raw, "reason_zh", where, where_en)),
            reason_en=str(_need(raw, "reason_en", where, where_en)),
        )
        for template in (spec.reason_zh, spec.reason_en):
            for ref in _template_names(template, code) - known_names:
                raise DomainError(LoaderErrorCode.TEMPLATE, code=code, name=ref)
        rules.append(spec)
    in_range = tuple(
        str(c)
        for c in _shaped(
            data.get("income_range_rules"), list, "income_range_rules", "income_range_rules"
        )
    )
    for code in in_range:
        if code not in seen:
            raise DomainError(
                LoaderErrorCode.BAD_VALUE,
                where="income_range_rules",
                where_en="income_range_rules",
                key="code",
                value=code,
            )
    return RuleSetSpec(
        name=name, parameters=params, income_range_rules=in_range, rules=tuple(rules)
    )


@dataclass(frozen=True)
class ParameterSpec:
    year: int
    region_code: str
    name: str
    kind: str
    value: Decimal
    label: str
    source: str


def parse_parameter_value(kind: str, raw: Any, name: str) -> Decimal:
    """A finite, non-negative value below `MAX_PARAMETER` with at most `MAX_PARAMETER_PLACES`
    decimal places (two for money), or a `DomainError` naming the parameter."""
    bad = DomainError(
        LoaderErrorCode.BAD_VALUE,
        where=f"参数 {name}",
        where_en=f"Parameter {name}",
        key="value",
        value=str(raw)[:40],
    )
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise bad from exc
    if not value.is_finite() or value < 0 or value >= MAX_PARAMETER:
        raise bad
    places = 2 if kind == "money" else MAX_PARAMETER_PLACES
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        raise bad
    return value


def parse_parameters(text: str) -> list[ParameterSpec]:
    data = _load(text)
    if not isinstance(data, list):
        raise DomainError(LoaderErrorCode.YAML, detail="top level must be a list")
    specs: list[ParameterSpec] = []
    for index, block in enumerate(data, start=1):
        where, where_en = f"第 {index} 个参数块", f"Parameter block {index}"
        block = _shaped(block, dict, where, where_en)
        year = _year(_need(block, "year", where, where_en), where, where_en)
        region = str(_need(block, "region", where, where_en))
        values = _shaped(block.get("values"), dict, f"{where}的 values", f"{where_en}: values")
        for name, raw_item in values.items():
            item = _shaped(raw_item, dict, f"参数 {name}", f"Parameter {name}")
            kind = str(_need(item, "kind", f"参数 {name}", f"Parameter {name}"))
            if kind not in ("money", "number", "ratio"):
                raise DomainError(
                    LoaderErrorCode.BAD_VALUE,
                    where=f"参数 {name}",
                    where_en=f"Parameter {name}",
                    key="kind",
                    value=kind,
                )
            specs.append(
                ParameterSpec(
                    year=year,
                    region_code=region,
                    name=str(name),
                    kind=kind,
                    value=parse_parameter_value(
                        kind, _need(item, "value", f"参数 {name}", f"Parameter {name}"), str(name)
                    ),
                    label=str(item.get("label", "")),
                    source=str(item.get("source", "")),
                )
            )
    return specs


def _year(raw: Any, where: str, where_en: str) -> int:
    text = str(raw).strip()
    if isinstance(raw, bool) or not text.isascii() or not text.isdigit() or len(text) != 4:
        raise DomainError(
            LoaderErrorCode.BAD_VALUE, where=where, where_en=where_en, key="year", value=text[:20]
        )
    return int(text)
