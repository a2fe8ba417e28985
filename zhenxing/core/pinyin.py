"""Pinyin forms of Chinese names for search: full pinyin and initials, lower case, no tones.

Names repeat a great deal (a few hundred surnames, a few thousand given names), so results are
cached per name; a registry of a million people needs only tens of thousands of conversions.
"""

from __future__ import annotations

import functools

from pypinyin import Style, lazy_pinyin


@functools.lru_cache(maxsize=200_000)
def _syllables(name: str) -> tuple[str, ...]:
    # errors="ignore" drops characters with no pinyin (·, letters stay as they are).
    return tuple(s.casefold() for s in lazy_pinyin(name, style=Style.NORMAL, errors="ignore"))


def name_pinyin(name: str) -> str:
    """邓明福 → "dengmingfu"."""
    return "".join(_syllables(name))[:120]


def name_initials(name: str) -> str:
    """邓明福 → "dmf"."""
    return "".join(s[0] for s in _syllables(name) if s)[:30]
