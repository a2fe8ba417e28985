"""E5: the rule-set and parameter parsers and the rule language refuse any input with a
DomainError (a message naming the rule, parameter or character) and never crash."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from zhenxing.core.errors import DomainError
from zhenxing.screening.compiler import ParamValue, compile_rule
from zhenxing.screening.dsl import RuleErrorCode, Type
from zhenxing.screening.loader import (
    LoaderErrorCode,
    ParameterSpec,
    RuleSetSpec,
    parse_parameter_value,
    parse_parameters,
    parse_rule_set,
)

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"
DEFAULT_RULES = yaml.safe_load((RULES_DIR / "default.yaml").read_text(encoding="utf-8"))
DEFAULT_PARAMETERS = yaml.safe_load((RULES_DIR / "parameters.yaml").read_text(encoding="utf-8"))
RULE_KEYS = ["code", "look", "question", "severity", "risk", "when", "reason_zh", "reason_en"]
TOP_KEYS = ["name", "parameters", "income_range_rules", "rules"]
PARAMETER_KEYS = ["year", "region", "values", "kind", "value", "label", "source"]
PARAMS = {
    "income_threshold": ParamValue(Type.MONEY, Decimal("8000")),
    "income_band_ratio": ParamValue(Type.RATIO, Decimal("1.3")),
    "water_litres_normal": ParamValue(Type.NUMBER, Decimal("35")),
}

# Scalars as YAML can spell them, including the awkward ones.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["money", "ratio", "number", "critical", "warning", "income_shortfall"]),
    st.sampled_from(["1E+30", "9" * 30, "-1", "NaN", "Infinity", "0.001", "{", "{x}", "1e-999"]),
)
keys = st.one_of(st.sampled_from(TOP_KEYS + RULE_KEYS + PARAMETER_KEYS), st.text(max_size=8))
yaml_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)),
    max_leaves=20,
)


def _settle(func: Any, *args: Any) -> Any:
    """The result, or None for a DomainError; any other exception fails the test."""
    try:
        return func(*args)
    except DomainError as exc:
        messages = (exc.message_zh, exc.message_en)
    assert all(messages)
    return None


def _replace_at(document: Any, path: list[int], value: Any) -> Any:
    """`document` with the node reached by `path` (indices into lists and dict values) replaced."""
    if not path or not isinstance(document, list | dict) or not document:
        return value
    if isinstance(document, list):
        index = path[0] % len(document)
        return [
            _replace_at(item, path[1:], value) if i == index else item
            for i, item in enumerate(document)
        ]
    key = list(document)[path[0] % len(document)]
    return {k: _replace_at(v, path[1:], value) if k == key else v for k, v in document.items()}


paths = st.lists(st.integers(min_value=0, max_value=100), max_size=4)


# --- rule sets ---------------------------------------------------------------------------------


def test_the_shipped_files_parse() -> None:
    assert isinstance(parse_rule_set(yaml.safe_dump(DEFAULT_RULES)), RuleSetSpec)
    assert all(
        isinstance(p, ParameterSpec) for p in parse_parameters(yaml.safe_dump(DEFAULT_PARAMETERS))
    )


@settings(deadline=None)
@given(st.text(max_size=200))
@example("rules: 5")
@example("rules: [x]")
@example("name: a\nparameters: [money]")
@example("name: a\nparameters: {p: [1]}")
@example("a: 2001-13-01")  # a YAML timestamp that is not a date
@example("[" * 200)
@example("&a [*a]")
def test_any_text_as_a_rule_set_raises_only_domain_errors(text: str) -> None:
    assert isinstance(_settle(parse_rule_set, text), RuleSetSpec | None)


@settings(deadline=None)
@given(yaml_values)
def test_any_yaml_document_as_a_rule_set_raises_only_domain_errors(document: Any) -> None:
    assert isinstance(_settle(parse_rule_set, yaml.safe_dump(document)), RuleSetSpec | None)


@settings(max_examples=50, deadline=None)
@given(paths, yaml_values)
@example([3, 0, 6], "收入{低")  # a reason template with an unclosed brace
@example([3, 0, 5], "(" * 500 + "true" + ")" * 500)  # deep nesting in a rule expression
@example([3, 0, 5], "not " * 500 + "true")
@example([1, 0], "money")
@example([3, 0], None)
@example([3], {"x": 1})
def test_the_shipped_rule_set_with_any_part_replaced_raises_only_domain_errors(
    path: list[int], value: Any
) -> None:
    document = _replace_at(DEFAULT_RULES, path, value)
    assert isinstance(_settle(parse_rule_set, yaml.safe_dump(document)), RuleSetSpec | None)


# --- parameters --------------------------------------------------------------------------------


@given(st.text(max_size=200))
@example("- 5")
@example("- {year: abc, region: x}")
@example("- {year: 2025, region: x, values: [1]}")
@example("- {year: 2025, region: x, values: {p: 5}}")
def test_any_text_as_parameters_raises_only_domain_errors(text: str) -> None:
    result = _settle(parse_parameters, text)
    assert result is None or all(isinstance(p, ParameterSpec) for p in result)


@settings(max_examples=100, deadline=None)
@given(paths, yaml_values)
@example([0, 2, 0, 1], "1E+30")
@example([0, 2, 0, 1], "9" * 30)
@example([0, 0], 10**30)
@example([0, 0], -5)
def test_the_shipped_parameters_with_any_part_replaced_raise_only_domain_errors(
    path: list[int], value: Any
) -> None:
    document = _replace_at(DEFAULT_PARAMETERS, path, value)
    result = _settle(parse_parameters, yaml.safe_dump(document))
    assert result is None or all(isinstance(p, ParameterSpec) for p in result)


@given(st.sampled_from(["money", "ratio", "number"]), scalars)
@example("money", "1E+30")
@example("money", "9" * 30)
@example("ratio", "1e-999")
@example("money", float("nan"))
def test_any_parameter_value_is_a_finite_decimal_or_a_domain_error(kind: str, raw: Any) -> None:
    value = _settle(parse_parameter_value, kind, raw, "p")
    if value is not None:
        assert isinstance(value, Decimal)
        assert value.is_finite()
        assert value >= 0


# --- the rule language -------------------------------------------------------------------------

tokens = st.sampled_from(
    [
        "per_capita_net_income", "house_grade", "dibao", "water_litres", "$income_threshold",
        "$income_band_ratio", "$water_litres_normal", "$nope", "nope", "and", "or", "not", "in",
        "true", "false", "(", ")", "[", "]", ",", "<", "<=", ">", ">=", "==", "!=", "+", "-",
        "*", "/", '"C"', "'D'", "1", "0.5", "1E+30", "9" * 30, "-", "$", "'", "\u3000",
    ]
)  # fmt: skip


@settings(deadline=None)
@given(st.lists(tokens, max_size=25).map(" ".join))
@example("(" * 1000 + "true" + ")" * 1000)
@example("not " * 1000 + "true")
@example("1" + " + 1" * 1000 + " > 0")
@example("per_capita_net_income < 1E+999999999")
def test_any_token_sequence_compiles_or_raises_a_domain_error(source: str) -> None:
    with contextlib.suppress(DomainError):
        compile_rule(source, PARAMS)


@pytest.mark.parametrize("depth", [5, 20])
def test_reasonable_nesting_still_compiles(depth: int) -> None:
    compile_rule("(" * depth + "per_capita_net_income < $income_threshold" + ")" * depth, PARAMS)


@pytest.mark.parametrize(
    "source",
    [
        "(" * 1000 + "true" + ")" * 1000,
        "not " * 1000 + "true",
        "per_capita_net_income" + " + 1" * 1000 + " > 0",
    ],
)
def test_deep_nesting_is_refused_with_a_domain_error(source: str) -> None:
    with pytest.raises(DomainError) as info:
        compile_rule(source, PARAMS)
    assert info.value.code is RuleErrorCode.TOO_DEEP


@pytest.mark.parametrize("number", ["9" * 30, "1." + "0" * 20 + "1", "1000000000"])
def test_out_of_range_numbers_in_a_rule_are_refused(number: str) -> None:
    with pytest.raises(DomainError) as info:
        compile_rule(f"per_capita_net_income < {number}", PARAMS)
    assert info.value.code is RuleErrorCode.SYNTAX


# --- the messages name what to fix --------------------------------------------------------------


def _rule_set_with(**rule: Any) -> str:
    document = dict(DEFAULT_RULES)
    document["rules"] = [{**DEFAULT_RULES["rules"][0], **rule}]
    document["income_range_rules"] = []
    return yaml.safe_dump(document, allow_unicode=True)


@pytest.mark.parametrize(
    ("text", "code", "named"),
    [
        ("name: a\nrules: 5", LoaderErrorCode.SHAPE, "规则列表"),
        ("name: a\nrules: [x]", LoaderErrorCode.SHAPE, "第 1 条规则"),
        ("name: a\nparameters: [money]", LoaderErrorCode.SHAPE, "参数声明"),
        ("name: a\nincome_range_rules: INC", LoaderErrorCode.SHAPE, "income_range_rules"),
        ("a: 2001-13-01", LoaderErrorCode.YAML, "规则文件"),
        (_rule_set_with(reason_zh="收入{低"), LoaderErrorCode.TEMPLATE_SYNTAX, "INC_BELOW"),
        (
            _rule_set_with(when="(" * 100 + "true" + ")" * 100),
            LoaderErrorCode.EXPRESSION,
            "INC_BELOW",
        ),
    ],
)
def test_malformed_rule_sets_name_the_part_to_fix(text: str, code: Any, named: str) -> None:
    with pytest.raises(DomainError) as info:
        parse_rule_set(text)
    assert info.value.code is code
    assert named in info.value.message_zh


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("- 5", "第 1 个参数块"),
        ("- {year: abc, region: x}", "第 1 个参数块"),
        ("- {year: 2025, region: x, values: [1]}", "values"),
        ("- {year: 2025, region: x, values: {p: 5}}", "参数 p"),
        ("- {year: 2025, region: x, values: {p: {kind: money, value: 1E+30}}}", "参数 p"),
        ("- {year: 2025, region: x, values: {p: {kind: ratio, value: '0.00001'}}}", "参数 p"),
    ],
)
def test_malformed_parameters_name_the_block_or_parameter(text: str, named: str) -> None:
    with pytest.raises(DomainError) as info:
        parse_parameters(text)
    assert named in info.value.message_zh
