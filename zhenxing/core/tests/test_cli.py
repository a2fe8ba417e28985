"""`zhenxing --help` lists the commands as the README spells them, and that spelling runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from zhenxing import cli


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    monkeypatch.setattr("sys.argv", ["zhenxing", *args])
    code: object = 0
    try:
        cli.main()
    except SystemExit as stop:  # --help exits, as argparse does
        code = stop.code or 0
    assert code == 0
    return capsys.readouterr().out


def test_help_lists_every_readme_command_with_hyphens(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`zhenxing ([a-z][a-z0-9-]*)", readme))
    assert {"audit-verify", "import-roster", "serve", "demo"} <= documented

    listed = {line.strip() for line in _run(monkeypatch, capsys, "--help").splitlines()}

    assert documented <= listed
    assert not {name for name in listed if re.fullmatch(r"[a-z0-9]+_[a-z0-9_]+", name)}


def test_the_hyphenated_name_runs_the_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "usage: zhenxing audit-verify" in _run(monkeypatch, capsys, "help", "audit-verify")
    assert "usage: zhenxing load-regions" in _run(monkeypatch, capsys, "load-regions", "--help")
    assert "2026-02-18 23:51:56" in _run(monkeypatch, capsys, "yushui", "2026")
