"""The project's own documents resolve what the code cites.

Comments and docstrings cite security requirements by id ("(B4)", "security.md D5"); each id must
be defined in docs/security.md, so a newcomer can look it up. The README's pointers to the
documents must resolve inside the repository.
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DOCS = ROOT / "docs"
# A requirement id: one family letter and a number, not part of a longer token such as the
# household number "A1-0001" or the account code "2101.C9".
ID = re.compile(r"(?<![\w.\-])([ABCDEMR][1-9][0-9]?)(?![\w\-])")
DEFINED = re.compile(r"^\|\s*([ABCDEMR][1-9][0-9]?)\s*\|", re.MULTILINE)


def defined_ids() -> set[str]:
    text = (DOCS / "security.md").read_text(encoding="utf-8")
    # Only the requirement tables define ids; the proof table at the end repeats them.
    requirements = text.split("## Where each requirement is proved")[0]
    return set(DEFINED.findall(requirements))


def _prose(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every comment and docstring of a Python module."""
    source = path.read_text(encoding="utf-8")
    found: list[tuple[int, str]] = []
    previous = tokenize.NEWLINE
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found.append((token.start[0], token.string))
        elif token.type == tokenize.STRING and previous in (
            tokenize.NEWLINE,
            tokenize.NL,
            tokenize.INDENT,
            tokenize.DEDENT,
        ):
            found.append((token.start[0], token.string))  # a docstring or a bare string
        if token.type not in (tokenize.COMMENT, tokenize.NL):
            previous = token.type
    return found


def code_files() -> list[Path]:
    files = []
    for base in ("zhenxing", "config", "benchmarks"):
        for path in sorted((ROOT / base).rglob("*.py")):
            parts = set(path.relative_to(ROOT).parts)
            if "migrations" in parts or "tests" in parts:
                continue
            files.append(path)
    return files


def cited_ids() -> dict[str, list[str]]:
    cited: dict[str, list[str]] = {}
    for path in code_files():
        for line, text in _prose(path):
            for match in ID.findall(text):
                cited.setdefault(match, []).append(f"{path.relative_to(ROOT)}:{line}")
    for path in sorted((ROOT / "zhenxing").rglob("README.md")):
        for number, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in ID.findall(row):
                cited.setdefault(match, []).append(f"{path.relative_to(ROOT)}:{number}")
    return cited


def test_every_cited_requirement_id_is_defined_in_docs_security() -> None:
    defined = defined_ids()
    undefined = {i: places for i, places in cited_ids().items() if i not in defined}
    assert undefined == {}


def test_the_check_finds_an_undefined_id(tmp_path: Path) -> None:
    # given a module that cites an id the document does not define
    module = tmp_path / "m.py"
    module.write_text('"""Guards the thing (Z9, B99)."""\n# see security.md B98\nx = "A1-0001"\n')
    # when its prose is read
    found = {i for _, text in _prose(module) for i in ID.findall(text)}
    # then the cited ids are found, the household-number literal is not
    assert found == {"B98", "B99"}
    assert "B98" not in defined_ids()


@pytest.mark.parametrize("name", ["architecture.md", "domain.md", "security.md", "operations.md"])
def test_the_project_documents_exist(name: str) -> None:
    assert (DOCS / name).stat().st_size > 1000


def test_every_document_the_readme_links_to_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(((?!https?:)[^)#]+)", readme)
    assert links, "the README links to the project's documents"
    missing = [link for link in links if not (ROOT / link).exists()]
    assert missing == []


TEST_REF = re.compile(
    r"`(?P<file>[a-z_]+/tests/test_[a-z0-9_]+\.py)(?:::(?P<test>test_[a-z0-9_]+))?`"
    r"|`::(?P<more>test_[a-z0-9_]+)`"
)


def test_every_requirement_names_tests_that_exist() -> None:
    text = (DOCS / "security.md").read_text(encoding="utf-8")
    proofs = text.split("## Where each requirement is proved")[1]
    rows = {m[1]: m[0] for m in re.findall(r"^(\|\s*([ABCDEMR]\d+)\s*\|.*)$", proofs, re.M)}
    # every defined requirement has its row
    assert sorted(defined_ids() - rows.keys()) == []
    missing = []
    for row in rows.values():
        current: Path | None = None
        for match in TEST_REF.finditer(row):
            if match["file"]:
                current = ROOT / "zhenxing" / match["file"]
                if not current.exists():
                    missing.append(match["file"])
                    current = None
                    continue
            name = match["test"] or match["more"]
            if name and current is not None and f"def {name}" not in current.read_text("utf-8"):
                missing.append(f"{current.name}::{name}")
    assert missing == []
