"""The Chinese catalogue is complete and the compiled catalogue matches it."""

from __future__ import annotations

import gettext
from pathlib import Path

from django.test import Client

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"


def _unquote(line: str) -> str:
    return line.strip()[1:-1].replace('\\"', '"').replace("\\n", "\n")


def _po_entries() -> dict[str, tuple[str, bool]]:
    """msgid → (msgstr, or msgstr[0] of a plural entry; whether it is plural). Fuzzy entries
    count as untranslated: gettext does not use them."""
    entries: dict[str, tuple[str, bool]] = {}
    msgid: list[str] = []
    msgstr: list[str] = []
    current: list[str] | None = None
    plural = fuzzy = next_fuzzy = False

    def close() -> None:
        if msgid and "".join(msgid):
            entries["".join(msgid)] = ("" if fuzzy else "".join(msgstr), plural)

    lines = [*(LOCALE / "django.po").read_text(encoding="utf-8").splitlines(), ""]
    for line in lines:
        if line.startswith("#,"):
            next_fuzzy = "fuzzy" in line
        elif line.startswith("msgid "):
            close()
            msgid, msgstr, current = [_unquote(line[6:])], [], None
            current, plural, fuzzy, next_fuzzy = msgid, False, next_fuzzy, False
        elif line.startswith("msgid_plural "):
            plural, current = True, None
        elif line.startswith(("msgstr ", "msgstr[0] ")):
            current = msgstr
            msgstr.append(_unquote(line.split(" ", 1)[1]))
        elif line.startswith("msgstr["):
            current = None  # Chinese has one form; others would be ignored anyway
        elif line.startswith('"') and current is not None:
            current.append(_unquote(line))
    close()
    return entries


def test_every_ui_string_has_a_chinese_translation() -> None:
    untranslated = [k for k, (v, _plural) in _po_entries().items() if not v]
    assert untranslated == []


def test_compiled_catalogue_matches_the_source() -> None:
    # given the compiled catalogue that ships with the code
    with (LOCALE / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    catalog = compiled._catalog  # type: ignore[attr-defined]
    # then every source entry translates as the .po says (run `make messages` after edits)
    stale = [
        k for k, (v, plural) in _po_entries().items() if catalog.get((k, 0) if plural else k) != v
    ]
    assert stale == []


def test_pages_are_chinese_even_for_an_english_browser(client: Client) -> None:
    # given a browser that prefers English and has not used the language switch
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    # then the page is still Chinese
    assert '<html lang="zh-CN"' in response.content.decode()
    # and the switch (a cookie) makes it English
    client.cookies["django_language"] = "en"
    assert '<html lang="en"' in client.get("/login/").content.decode()
