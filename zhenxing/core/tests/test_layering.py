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


# Imports against the layering that are known, each with its reason and where it goes. Only the
# rank test admits them; the cycle test below admits nothing.
KNOWN_UPWARD = {
    # A hardship found at a visit raises a lead in the same step. Monitoring does not import
    # assistance yet; when its risk-elimination guard reads assistance's measures, this call
    # moves up into monitoring (a monitoring service wrapping the visit).
    ("assistance", "monitoring"): "assistance/services/visits.py",
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
        if RANK[target] >= RANK[app] and not where.startswith(KNOWN_UPWARD.get((app, target), "//"))
    ]
    assert upward == []


def test_no_two_apps_import_each_other() -> None:
    edges = {(app, target) for app, target, _ in imports_between_apps()}
    graph: dict[str, set[str]] = {}
    for app, target in edges:
        graph.setdefault(app, set()).add(target)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    cycles = sorted(app for app in graph if reaches(app, app, {app}))
    assert cycles == []


def test_audit_imports_no_other_app() -> None:
    assert {t for a, t, _ in imports_between_apps() if a == "audit"} <= {"core"}
