"""Every household-owned row is written by the households app (architecture.md §3).

An AST scan of every module under `zhenxing/` outside `households/`, migrations and tests finds
code that constructs, creates, bulk-creates, updates, deletes or saves household-owned rows —
`Household`, `Member`, `HouseholdFacts`, `IncomeLine`, `SpendingLine`, `CadrePairing` and their
history models — or hands one of those model classes to a writing helper
(`bulk_create_with_history(rows, IncomeLine)`, `writer.write(Household, ...)`), or writes their
tables in raw SQL. Other apps call `households.services` (or `households.bulk`) instead.

The scan follows names: a model imported from `zhenxing.households.models` (under any alias),
the module imported under an alias, `apps.get_model("households", ...)`, and a variable or
parameter annotated with one of the models (`household: Household` … `household.save()`).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # zhenxing/
OWNED = frozenset(
    {"Household", "Member", "HouseholdFacts", "IncomeLine", "SpendingLine", "CadrePairing"}
)
OWNED_ALL = OWNED | {f"Historical{name}" for name in OWNED}
MODELS_MODULE = "zhenxing.households.models"
# Methods that write rows, wherever they appear in a chain rooted at an owned model.
WRITE_METHODS = frozenset(
    {
        "create",
        "bulk_create",
        "get_or_create",
        "update_or_create",
        "bulk_update",
        "update",
        "delete",
        "save",
        "raw",
    }
)
# A call that is handed an owned model class writes rows when its name says it does.
WRITING_CALLEE = re.compile(r"create|insert|write|bulk|save|update|delete|load|copy", re.I)
RAW_WRITE = re.compile(
    r"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY)\s+[\"`]?households_", re.IGNORECASE
)


@dataclass(frozen=True)
class Finding:
    module: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"zhenxing/{self.module}:{self.line}: {self.what}"


class _Scanner(ast.NodeVisitor):
    def __init__(self, module: str) -> None:
        self.module = module
        self.models: set[str] = set()  # local names bound to owned model classes
        self.modules: set[str] = set()  # local names bound to zhenxing.households.models
        self.instances: list[set[str]] = [set()]  # names annotated with an owned model
        self.findings: list[Finding] = []

    # ------------------------------------------------------------ names

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module == MODELS_MODULE:
            for alias in node.names:
                if alias.name in OWNED_ALL:
                    self.models.add(alias.asname or alias.name)
        elif node.module == "zhenxing.households":
            for alias in node.names:
                if alias.name == "models":
                    self.modules.add(alias.asname or alias.name)
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name == MODELS_MODULE:
                self.modules.add(alias.asname or MODELS_MODULE)
        self.generic_visit(node)

    def _dotted(self, node: ast.AST) -> str:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute):
            return f"{self._dotted(node.value)}.{node.attr}"
        return ""

    def is_model(self, node: ast.AST) -> bool:
        """`node` evaluates to an owned model class (or its history model)."""
        if isinstance(node, ast.Name):
            return node.id in self.models
        if isinstance(node, ast.Attribute):
            if node.attr in OWNED_ALL and self._dotted(node.value) in self.modules:
                return True
            if node.attr == "model" and isinstance(node.value, ast.Attribute):
                return node.value.attr == "history" and self.is_model(node.value.value)
            return False
        if isinstance(node, ast.Call):
            return self._is_get_model(node)
        return False

    def _is_get_model(self, node: ast.Call) -> bool:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name != "get_model" or not node.args:
            return False
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            label = first.value.lower()
            if label.startswith("households."):
                return label.split(".", 1)[1] in {m.lower() for m in OWNED_ALL}
            if label == "households" and len(node.args) > 1:
                second = node.args[1]
                return isinstance(second, ast.Constant) and str(second.value) in OWNED_ALL
        return False

    def _rooted(self, node: ast.AST) -> bool:
        """A chain (`Model.objects.filter(...).select_for_update()`) starts at an owned model
        or at a name annotated with one."""
        while True:
            if self.is_model(node):
                return True
            if isinstance(node, ast.Name):
                return any(node.id in scope for scope in self.instances)
            if isinstance(node, ast.Attribute):
                node = node.value
            elif isinstance(node, ast.Call):
                node = node.func
            elif isinstance(node, ast.Subscript):
                node = node.value
            else:
                return False

    # ------------------------------------------------------------ annotations

    def _annotated_model(self, annotation: ast.AST | None) -> bool:
        if annotation is None:
            return False
        for part in ast.walk(annotation):
            if self.is_model(part):
                return True
            if (
                isinstance(part, ast.Constant)
                and isinstance(part.value, str)
                and any(re.search(rf"\b{re.escape(m)}\b", part.value) for m in self.models)
            ):
                return True
        return False

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        args = node.args
        names = {
            a.arg
            for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)
            if self._annotated_model(a.annotation)
        }
        self.instances.append(names)
        self.generic_visit(node)
        self.instances.pop()

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if isinstance(node.target, ast.Name) and self._annotated_model(node.annotation):
            self.instances[-1].add(node.target.id)
        self.generic_visit(node)

    # ------------------------------------------------------------ writes

    def _find(self, node: ast.AST, what: str) -> None:
        self.findings.append(Finding(self.module, getattr(node, "lineno", 0), what))

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if self.is_model(func):
            self._find(node, f"constructs {self._dotted(func)}(...)")
        elif (
            isinstance(func, ast.Attribute)
            and func.attr in WRITE_METHODS
            and self._rooted(func.value)
        ):
            self._find(node, f"writes through {self._dotted(func) or func.attr}(...)")
        else:
            callee = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            handed = [*node.args, *(k.value for k in node.keywords)]
            if WRITING_CALLEE.search(callee or "") and any(self.is_model(a) for a in handed):
                self._find(node, f"hands a household-owned model to {callee}(...)")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and RAW_WRITE.search(node.value):
            self._find(node, "writes a households_ table in raw SQL")

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        text = "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
        if RAW_WRITE.search(text):
            self._find(node, "writes a households_ table in raw SQL")
        self.generic_visit(node)


def scan_source(source: str, module: str = "example.py") -> list[Finding]:
    scanner = _Scanner(module)
    scanner.visit(ast.parse(source))
    return scanner.findings


def _modules() -> list[Path]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] == "households" or "migrations" in parts or "tests" in parts:
            continue
        found.append(path)
    return found


def _scan_all() -> list[Finding]:
    findings: list[Finding] = []
    for path in _modules():
        module = path.relative_to(ROOT).as_posix()
        findings += scan_source(path.read_text(encoding="utf-8"), module)
    return findings


def test_no_household_owned_row_is_written_outside_households() -> None:
    offenders = _scan_all()
    assert not offenders, (
        "household-owned rows are written outside households/ (call households.services or "
        "households.bulk instead):\n" + "\n".join(str(f) for f in offenders)
    )


def test_the_scan_covers_the_whole_tree() -> None:
    modules = {p.relative_to(ROOT).as_posix() for p in _modules()}
    assert "demo/households/load.py" in modules
    assert "industry/exports.py" in modules
    assert not any(m.startswith("households/") for m in modules)


@pytest.mark.parametrize(
    "source",
    [
        "from zhenxing.households.models import IncomeLine\nIncomeLine(household_id=1)",
        "from zhenxing.households.models import Member as M\nM.objects.create(name='x')",
        "from zhenxing.households.models import Household\n"
        "Household.objects.filter(pk=1).update(monitoring_type='x')",
        "from zhenxing.households.models import Household\nHousehold.objects.bulk_create([])",
        "from zhenxing.households.models import CadrePairing\n"
        "CadrePairing.objects.get_or_create(household_id=1)",
        "from zhenxing.households.models import HouseholdFacts\n"
        "HouseholdFacts.objects.update_or_create(household_id=1)",
        "from zhenxing.households.models import SpendingLine\n"
        "bulk_create_with_history(rows, SpendingLine)",
        "from zhenxing.households.models import IncomeLine\n"
        "bulk_insert_with_history(rows, IncomeLine, change_reason='x')",
        "from zhenxing.households.models import Household\nwriter.write(Household, cols, rows)",
        "from zhenxing.households import models as hm\nhm.Member(name='x')",
        "import zhenxing.households.models as hm\nhm.Household.objects.create()",
        "from zhenxing.households.models import Member\nMember.history.model(name='x')",
        "from zhenxing.households.models import HistoricalMember\nHistoricalMember()",
        "apps.get_model('households', 'Member').objects.create()",
        "apps.get_model('households.IncomeLine')(amount=1)",
        "from zhenxing.households.models import Household\n"
        "def f(h: Household) -> None:\n    h.monitoring_type = 'x'\n    h.save()",
        "from zhenxing.households.models import Household\n"
        "def f() -> None:\n    h: Household | None = get()\n    h.delete()",
        "cursor.execute('UPDATE households_household SET monitoring_type = %s', [x])",
        "cursor.execute(f'INSERT INTO households_incomeline (a) VALUES ({x})')",
    ],
)
def test_the_scan_finds_every_kind_of_write(source: str) -> None:
    assert scan_source(source), source


@pytest.mark.parametrize(
    "source",
    [
        "from zhenxing.households.models import Household\nHousehold.objects.filter(pk=1).count()",
        "from zhenxing.households.models import Member\nlist(Member.objects.values('id'))",
        "from zhenxing.households.models import Household\nget_history_model_for_model(Household)",
        "from zhenxing.households.models import Household\n"
        "def f(h: Household) -> str:\n    return h.household_no",
        "from zhenxing.industry import domain\ndomain.HouseholdFacts(household_id=1)",
        "from zhenxing.households.services import income_lines_record\n"
        "income_lines_record(actor=None, lines=[])",
        "cursor.execute('SELECT 1 FROM x JOIN households_household h ON h.id = x.household_id')",
        "from myapp.models import Household\nHousehold()",
    ],
)
def test_the_scan_leaves_reads_alone(source: str) -> None:
    assert not scan_source(source), source
