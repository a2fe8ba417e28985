"""The apps' import arrows follow docs/architecture.md: an app imports only apps below it.

Every import counts, module-level or inside a function: a lazy import is still a dependency,
and a cycle between two apps is what the layering exists to prevent.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Lower numbers sit lower. An app may import only apps of a strictly lower rank.
RANK = {
    "core": 0,
    "audit": 1,
    "jobs": 1,
    "regions": 2,
    "accounts": 3,
    "households": 4,
    "ledger": 4,
    "screening": 5,
    "assistance": 6,
    "industry": 7,
    "monitoring": 7,
    "supervision": 8,
    "dashboard": 9,
    "web": 9,
    "demo": 10,
}


def imports_between_apps() -> list[tuple[str, str, str]]:
    """(importing app, imported app, where) for every import of another app's module."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if len(parts) < 2 or "tests" in parts or "migrations" in parts:
            continue
        app = parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                names = module.split(".")
                if names[0] == "zhenxing" and len(names) > 1 and names[1] != app:
                    found.append((app, names[1], f"{'/'.join(parts)}:{node.lineno}"))
    return found


def test_every_app_has_a_place_in_the_layering() -> None:
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps - RANK.keys() == set()


def test_apps_import_only_apps_below_them() -> None:
    upward = [
        f"{where}: {app} imports {target}"
        for app, target, where in imports_between_apps()
        if RANK[target] >= RANK[app]
    ]
    assert upward == []


def test_audit_imports_no_other_app() -> None:
    assert {t for a, t, _ in imports_between_apps() if a == "audit"} <= {"core"}
