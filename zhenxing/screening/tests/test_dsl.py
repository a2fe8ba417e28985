"""The rule language: what parses, what type-checks, and where errors point."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhenxing.core.errors import DomainError
from zhenxing.screening.dsl import RuleErrorCode, Type, check, parse

INDICATORS = {
    "income": Type.MONEY,
    "net": Type.MONEY,
    "grade": Type.TEXT,
    "piped": Type.BOOL,
    "litres": Type.NUMBER,
}
PARAMS = {"threshold": Type.MONEY, "ratio": Type.RATIO, "days": Type.NUMBER}


@pytest.mark.parametrize(
    "source",
    [
        "income < $threshold",
        "income >= $threshold and income < $threshold * 1.3",
        'grade in ["C", "D"]',
        "not piped or litres < 35",
        "income > net * $ratio",
        "income > 0",
        "(income - net) > 100.50",
        "piped == false",
        'grade != "A"',
        "litres * 2 >= $days",
    ],
)
def test_valid_rules_parse_and_are_boolean(source: str) -> None:
    assert check(parse(source), INDICATORS, PARAMS) == Type.BOOL


@pytest.mark.parametrize(
    ("source", "code", "position"),
    [
        ("income <", RuleErrorCode.SYNTAX, 9),
        ("(income < 1", RuleErrorCode.SYNTAX, 12),
        ("income < 1)", RuleErrorCode.SYNTAX, 11),
        ("income / 2 > 1", RuleErrorCode.SYNTAX, 8),
        ("income < 1 ;", RuleErrorCode.SYNTAX, 12),
        ('grade in ["C", D]', RuleErrorCode.SYNTAX, 16),
        ("incme < $threshold", RuleErrorCode.UNKNOWN_INDICATOR, 1),
        ("income < $treshold", RuleErrorCode.UNKNOWN_PARAMETER, 10),
        ("income < litres", RuleErrorCode.TYPE_MISMATCH, 8),
        ('grade < "C"', RuleErrorCode.TYPE_MISMATCH, 7),
        ("piped and litres", RuleErrorCode.TYPE_MISMATCH, 7),
        ("not income", RuleErrorCode.TYPE_MISMATCH, 1),
        ('litres in ["a"]', RuleErrorCode.TYPE_MISMATCH, 8),
        ("income * net > 1", RuleErrorCode.TYPE_MISMATCH, 8),
        ("income + litres > 1", RuleErrorCode.TYPE_MISMATCH, 8),
    ],
)
def test_invalid_rules_name_the_position_and_reason(
    source: str, code: RuleErrorCode, position: int
) -> None:
    with pytest.raises(DomainError) as caught:
        check(parse(source), INDICATORS, PARAMS)
    assert caught.value.code is code
    assert caught.value.params["pos"] == position
    assert str(position) in caught.value.message_zh
    assert str(position) in caught.value.message_en


def test_a_rule_must_be_a_condition() -> None:
    from zhenxing.screening.compiler import compile_rule

    with pytest.raises(DomainError) as caught:
        compile_rule("per_capita_net_income + 1", {})
    assert caught.value.code is RuleErrorCode.NOT_BOOLEAN


def test_nothing_is_evaluated_as_python() -> None:
    with pytest.raises(DomainError):
        parse("__import__('os').system('true')")


@given(st.text(max_size=60))
def test_arbitrary_text_fails_only_with_a_domain_error(source: str) -> None:
    with contextlib.suppress(DomainError):
        check(parse(source), INDICATORS, PARAMS)
