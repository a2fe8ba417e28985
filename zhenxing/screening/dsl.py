"""The rule language: a small, safe expression language over snapshot indicators.

    per_capita_net_income < $income_threshold
    house_grade in ["C", "D"]
    rigid_medical > net_income * $medical_ratio and not dibao
    water_litres < $water_litres_scarce and water_scarce_area

Grammar (parsed by hand, never `eval`):
    expr    := or
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum | "in" list)?
    sum     := product (("+" | "-") product)*
    product := atom ("*" atom)*
    atom    := NUMBER | STRING | "true" | "false" | IDENT | "$" IDENT | "(" expr ")"
    list    := "[" STRING ("," STRING)* "]"

Division is left out on purpose: SQLite divides integers as integers, so a rule writes
`a > b * $ratio` instead of `a / b > $ratio`.

Types: `money` (yuan; stored as fen), `number`, `ratio`, `bool`, `text`. Money compares only
with money; money × number/ratio is money; a mismatch is an error with its position.

Holds: `Type`, `Node` classes, `parse(source) -> Node`, `check(node, indicators, params) ->
Type`, `RuleErrorCode`, `indicators_used(node)`, `params_used(node)`.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from zhenxing.core.errors import DomainError, ErrorCode


class RuleErrorCode(ErrorCode):
    SYNTAX = (
        "rule.syntax",
        "第 {pos} 个字符处语法错误：{detail_zh}",
        "Syntax error at character {pos}: {detail_en}",
    )
    UNKNOWN_INDICATOR = (
        "rule.unknown_indicator",
        "第 {pos} 个字符处：未知指标“{name}”",
        "At character {pos}: unknown indicator '{name}'",
    )
    UNKNOWN_PARAMETER = (
        "rule.unknown_parameter",
        "第 {pos} 个字符处：未定义参数“${name}”",
        "At character {pos}: undefined parameter '${name}'",
    )
    TYPE_MISMATCH = (
        "rule.type_mismatch",
        "第 {pos} 个字符处：类型不匹配，{detail_zh}",
        "At character {pos}: type mismatch, {detail_en}",
    )
    TOO_DEEP = (
        "rule.too_deep",
        "第 {pos} 个字符处：表达式嵌套过深（最多 {max} 层），请拆分为多条规则",
        "At character {pos}: the expression nests too deeply (at most {max} levels); split it "
        "into several rules",
    )
    NOT_BOOLEAN = (
        "rule.not_boolean",
        "规则表达式的结果必须是“是/否”，而不是{type_zh}",
        "A rule must evaluate to true/false, not {type_en}",
    )


class Type(enum.StrEnum):
    MONEY = "money"
    NUMBER = "number"
    RATIO = "ratio"
    BOOL = "bool"
    TEXT = "text"

    @property
    def zh(self) -> str:
        return {
            "money": "金额",
            "number": "数值",
            "ratio": "比例",
            "bool": "是/否",
            "text": "文本",
        }[self.value]


# ---------------------------------------------------------------- syntax tree


@dataclass(frozen=True)
class Node:
    pos: int


@dataclass(frozen=True)
class Literal(Node):
    value: Decimal | bool | str


@dataclass(frozen=True)
class Indicator(Node):
    name: str


@dataclass(frozen=True)
class Param(Node):
    name: str


@dataclass(frozen=True)
class Unary(Node):
    op: str  # "not"
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    op: str  # and or < <= > >= == != + - *
    left: Node
    right: Node


@dataclass(frozen=True)
class InList(Node):
    operand: Node
    options: tuple[str, ...]


# ---------------------------------------------------------------- tokens

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>"[^"\\]*"|'[^'\\]*')
  | (?P<param>\$[A-Za-z_][A-Za-z0-9_]*)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|==|!=|<|>|\+|-|\*|/|\(|\)|\[|\]|,)
    """,
    re.VERBOSE,
)
KEYWORDS = {"and", "or", "not", "in", "true", "false"}
# Nesting limits keep parsing, type-checking and compiling far from Python's recursion limit:
# brackets and "not" inside each other, and the depth of the whole tree (a + b + c + ... is a
# chain as deep as it is long). Real rules nest three or four levels.
MAX_NESTING = 24
MAX_TREE_DEPTH = 48
# Literal numbers: fen times a ratio's scale must stay inside a 64-bit SQL integer.
MAX_INTEGER_DIGITS = 9
MAX_DECIMAL_PLACES = 4


@dataclass(frozen=True)
class Token:
    kind: str  # number string param ident op keyword end
    text: str
    pos: int  # 1-based character position, as people count


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    index = 0
    while index < len(source):
        match = _TOKEN.match(source, index)
        if match is None:
            raise _syntax(
                index + 1, f"无法识别的字符“{source[index]}”", f"unexpected '{source[index]}'"
            )
        kind = match.lastgroup or ""
        text = match.group()
        if kind == "op" and text == "/":
            raise _syntax(
                index + 1,
                "不支持除法，请改写为乘法（如 a > b * $比例）",
                "division is not supported; write it as a multiplication (a > b * $ratio)",
            )
        if kind == "ident" and text in KEYWORDS:
            kind = "keyword"
        if kind != "ws":
            tokens.append(Token(kind, text, index + 1))
        index = match.end()
    tokens.append(Token("end", "", len(source) + 1))
    return tokens


def _syntax(pos: int, zh: str, en: str) -> DomainError:
    return DomainError(
        RuleErrorCode.SYNTAX, field="expression", pos=pos, detail_zh=zh, detail_en=en
    )


# ---------------------------------------------------------------- parser


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = tokenize(source)
        self.i = 0
        self.nesting = 0

    def enter(self, pos: int) -> None:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise DomainError(RuleErrorCode.TOO_DEEP, field="expression", pos=pos, max=MAX_NESTING)

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect(self, text: str) -> Token:
        if self.tok.text != text:
            found = self.tok.text or "结尾"
            raise _syntax(
                self.tok.pos,
                f"此处应为“{text}”，却是“{found}”",
                f"expected '{text}' but found '{self.tok.text or 'end'}'",
            )
        return self.take()

    def parse(self) -> Node:
        node = self.or_()
        if self.tok.kind != "end":
            raise _syntax(self.tok.pos, f"多余的“{self.tok.text}”", f"unexpected '{self.tok.text}'")
        return node

    def or_(self) -> Node:
        node = self.and_()
        while self.tok.text == "or":
            pos = self.take().pos
            node = Binary(pos, "or", node, self.and_())
        return node

    def and_(self) -> Node:
        node = self.not_()
        while self.tok.text == "and":
            pos = self.take().pos
            node = Binary(pos, "and", node, self.not_())
        return node

    def not_(self) -> Node:
        if self.tok.text == "not":
            pos = self.take().pos
            self.enter(pos)
            node = Unary(pos, "not", self.not_())
            self.nesting -= 1
            return node
        return self.compare()

    def compare(self) -> Node:
        node = self.sum()
        if self.tok.text in ("<", "<=", ">", ">=", "==", "!="):
            op = self.take()
            return Binary(op.pos, op.text, node, self.sum())
        if self.tok.text == "in":
            pos = self.take().pos
            self.expect("[")
            options = [self.string()]
            while self.tok.text == ",":
                self.take()
                options.append(self.string())
            self.expect("]")
            return InList(pos, node, tuple(options))
        return node

    def string(self) -> str:
        if self.tok.kind != "string":
            raise _syntax(self.tok.pos, "此处应为带引号的文本", "a quoted text was expected here")
        return self.take().text[1:-1]

    def sum(self) -> Node:
        node = self.product()
        while self.tok.text in ("+", "-"):
            op = self.take()
            node = Binary(op.pos, op.text, node, self.product())
        return node

    def product(self) -> Node:
        node = self.atom()
        while self.tok.text == "*":
            op = self.take()
            node = Binary(op.pos, op.text, node, self.atom())
        return node

    def atom(self) -> Node:
        token = self.tok
        if token.kind == "number":
            self.take()
            whole, _, fraction = token.text.partition(".")
            if len(whole.lstrip("0")) > MAX_INTEGER_DIGITS or len(fraction) > MAX_DECIMAL_PLACES:
                raise _syntax(
                    token.pos,
                    f"数值超出范围（最多 {MAX_INTEGER_DIGITS} 位整数、"
                    f"{MAX_DECIMAL_PLACES} 位小数）",
                    f"number out of range (at most {MAX_INTEGER_DIGITS} digits and "
                    f"{MAX_DECIMAL_PLACES} decimal places)",
                )
            try:
                return Literal(token.pos, Decimal(token.text))
            except InvalidOperation as exc:  # pragma: no cover — the regex admits only numbers
                raise _syntax(token.pos, "数字格式错误", "malformed number") from exc
        if token.kind == "string":
            self.take()
            return Literal(token.pos, token.text[1:-1])
        if token.text in ("true", "false"):
            self.take()
            return Literal(token.pos, token.text == "true")
        if token.kind == "ident":
            self.take()
            return Indicator(token.pos, token.text)
        if token.kind == "param":
            self.take()
            return Param(token.pos, token.text[1:])
        if token.text == "(":
            self.take()
            self.enter(token.pos)
            node = self.or_()
            self.expect(")")
            self.nesting -= 1
            return node
        found = token.text or "结尾"
        raise _syntax(
            token.pos,
            f"此处应为指标、参数或数值，却是“{found}”",
            f"an indicator, parameter or value was expected, not '{token.text or 'end'}'",
        )


def parse(source: str) -> Node:
    node = _Parser(source).parse()
    _check_depth(node)
    return node


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, InList):
        return (node.operand,)
    return ()


def _check_depth(root: Node) -> None:
    """Refuse a tree deeper than `MAX_TREE_DEPTH`, walking it without recursion."""
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            raise DomainError(
                RuleErrorCode.TOO_DEEP, field="expression", pos=node.pos, max=MAX_TREE_DEPTH
            )
        stack.extend((child, depth + 1) for child in _children(node))


# ---------------------------------------------------------------- types

_NUMERIC = {Type.MONEY, Type.NUMBER, Type.RATIO}


def _mismatch(pos: int, zh: str, en: str) -> DomainError:
    return DomainError(
        RuleErrorCode.TYPE_MISMATCH, field="expression", pos=pos, detail_zh=zh, detail_en=en
    )


def check(node: Node, indicators: dict[str, Type], params: dict[str, Type]) -> Type:
    """The type of `node`, or a `DomainError` at the first unknown name or type mismatch."""
    if isinstance(node, Literal):
        if isinstance(node.value, bool):
            return Type.BOOL
        return Type.TEXT if isinstance(node.value, str) else Type.NUMBER
    if isinstance(node, Indicator):
        if node.name not in indicators:
            raise DomainError(
                RuleErrorCode.UNKNOWN_INDICATOR, field="expression", pos=node.pos, name=node.name
            )
        return indicators[node.name]
    if isinstance(node, Param):
        if node.name not in params:
            raise DomainError(
                RuleErrorCode.UNKNOWN_PARAMETER, field="expression", pos=node.pos, name=node.name
            )
        return params[node.name]
    if isinstance(node, Unary):
        operand = check(node.operand, indicators, params)
        if operand != Type.BOOL:
            raise _mismatch(
                node.pos,
                f"“not”需要是/否值，而不是{operand.zh}",
                f"'not' needs true/false, not {operand}",
            )
        return Type.BOOL
    if isinstance(node, InList):
        operand = check(node.operand, indicators, params)
        if operand != Type.TEXT:
            raise _mismatch(
                node.pos, f"“in”需要文本，而不是{operand.zh}", f"'in' needs text, not {operand}"
            )
        return Type.BOOL
    assert isinstance(node, Binary)  # noqa: S101 — the parser makes no other node
    left = check(node.left, indicators, params)
    right = check(node.right, indicators, params)
    if node.op in ("and", "or"):
        if left != Type.BOOL or right != Type.BOOL:
            raise _mismatch(
                node.pos,
                f"“{node.op}”两侧须为是/否值（{left.zh}、{right.zh}）",
                f"both sides of '{node.op}' must be true/false ({left}, {right})",
            )
        return Type.BOOL
    if node.op in ("==", "!="):
        if _comparable(node, left, right):
            return Type.BOOL
        raise _mismatch(
            node.pos, f"不能比较{left.zh}与{right.zh}", f"cannot compare {left} with {right}"
        )
    if node.op in ("<", "<=", ">", ">="):
        if left in _NUMERIC and right in _NUMERIC and _comparable(node, left, right):
            return Type.BOOL
        raise _mismatch(
            node.pos, f"不能比较{left.zh}与{right.zh}的大小", f"cannot order {left} against {right}"
        )
    return _arithmetic(node, left, right)


def _comparable(node: Binary, left: Type, right: Type) -> bool:
    if left == right:
        return True
    # A written number may be compared with money or a ratio ("income > 0", "share < 0.5");
    # an indicator counted in days or litres may not be compared with money.
    literal = isinstance(node.left, Literal) or isinstance(node.right, Literal)
    return literal and {left, right} <= _NUMERIC


def _arithmetic(node: Binary, left: Type, right: Type) -> Type:
    if left not in _NUMERIC or right not in _NUMERIC:
        raise _mismatch(
            node.pos,
            f"“{node.op}”两侧须为数值（{left.zh}、{right.zh}）",
            f"both sides of '{node.op}' must be numeric ({left}, {right})",
        )
    if node.op in ("+", "-"):
        # A written number beside money is yuan ("income - 500"); a counted one is not.
        literal = isinstance(node.left, Literal) or isinstance(node.right, Literal)
        no_money = Type.NUMBER in (left, right) and Type.MONEY not in (left, right)
        if left == right or literal or no_money:
            return left if left != Type.NUMBER else right
        raise _mismatch(
            node.pos,
            f"不能将{left.zh}与{right.zh}相加减",
            f"cannot add or subtract {left} and {right}",
        )
    # multiplication: money × number/ratio → money; ratio × number → ratio
    if Type.MONEY in (left, right):
        if left == right:
            raise _mismatch(node.pos, "金额不能与金额相乘", "money cannot be multiplied by money")
        return Type.MONEY
    if Type.RATIO in (left, right):
        return Type.RATIO
    return Type.NUMBER


def indicators_used(node: Node) -> set[str]:
    if isinstance(node, Indicator):
        return {node.name}
    if isinstance(node, Unary):
        return indicators_used(node.operand)
    if isinstance(node, InList):
        return indicators_used(node.operand)
    if isinstance(node, Binary):
        return indicators_used(node.left) | indicators_used(node.right)
    return set()


def params_used(node: Node) -> set[str]:
    if isinstance(node, Param):
        return {node.name}
    if isinstance(node, Unary):
        return params_used(node.operand)
    if isinstance(node, InList):
        return params_used(node.operand)
    if isinstance(node, Binary):
        return params_used(node.left) | params_used(node.right)
    return set()
