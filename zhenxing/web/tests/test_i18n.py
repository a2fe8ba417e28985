"""The Chinese catalogue is complete and the compiled catalogue matches it."""

from __future__ import annotations

import gettext
from pathlib import Path

from django.test import Client

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"


def _unquote(line: str) -> str:
    return line.strip()[1:-1].replace('\\"', '"').replace("\\n", "\n")


def _po_entries() -> dict[str, str]:
    """msgid → msgstr of the .po file (single-form entries; the header is skipped)."""
    entries: dict[str, str] = {}
    msgid: list[str] = []
    msgstr: list[str] = []
    current: list[str] | None = None
    lines = [*(LOCALE / "django.po").read_text(encoding="utf-8").splitlines(), ""]
    for line in lines:
        if line.startswith("msgid "):
            if msgid and "".join(msgid):
                entries["".join(msgid)] = "".join(msgstr)
            msgid, msgstr, current = [_unquote(line[6:])], [], None
            current = msgid
        elif line.startswith("msgstr "):
            current = msgstr
            msgstr.append(_unquote(line[7:]))
        elif line.startswith('"') and current is not None:
            current.append(_unquote(line))
    if msgid and "".join(msgid):
        entries["".join(msgid)] = "".join(msgstr)
    return entries


def test_every_ui_string_has_a_chinese_translation() -> None:
    untranslated = [k for k, v in _po_entries().items() if not v]
    assert untranslated == []


def test_compiled_catalogue_matches_the_source() -> None:
    # given the compiled catalogue that ships with the code
    with (LOCALE / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    # then every source entry translates as the .po says (run `make messages` after edits)
    stale = [k for k, v in _po_entries().items() if compiled.gettext(k) != v]
    assert stale == []


def test_pages_are_chinese_even_for_an_english_browser(client: Client) -> None:
    # given a browser that prefers English and has not used the language switch
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    # then the page is still Chinese
    assert '<html lang="zh-CN"' in response.content.decode()
    # and the switch (a cookie) makes it English
    client.cookies["django_language"] = "en"
    assert '<html lang="en"' in client.get("/login/").content.decode()
