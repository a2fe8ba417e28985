"""The typeface of every page and PDF: Noto Sans SC, shipped with the project from npm.

Two npm packages carry it (`npm ci` installs both; `zhenxing vendor` copies them into
`static_build/vendor/noto-sans-sc/`):

- `@fontsource/noto-sans-sc`: the font cut into about a hundred woff2 slices, each with the
  `unicode-range` it covers (≈13,600 code points together). Pages use these: a browser
  downloads only the slices the characters on a page need.
- `@expo-google-fonts/noto-sans-sc`: the whole font, one TTF per weight (≈30,900 code points:
  every CJK Unified Ideograph and Extension A, so every character GBK can hold in a name).
  PDFs use these — WeasyPrint embeds only the glyphs a document uses — and pages fall back
  to them for a character no slice covers.

Regular (400) and bold (700) are shipped. Neither a page nor a PDF uses a font installed on
the machine: `web_css` writes the pages' stylesheet, `pdf_css` the `@font-face` rules given to
WeasyPrint with file URLs (see `zhenxing.core.pdf`).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ImproperlyConfigured

FAMILY = "Noto Sans SC"
SLICES_PACKAGE = "@fontsource/noto-sans-sc"
FULL_PACKAGE = "@expo-google-fonts/noto-sans-sc"
WEIGHTS = (400, 700)
FULL_SOURCES = {400: "400Regular/NotoSansSC_400Regular.ttf", 700: "700Bold/NotoSansSC_700Bold.ttf"}
LICENSE_SOURCE = f"{SLICES_PACKAGE}/LICENSE"  # the SIL Open Font License, with the copyright

STATIC_DIR = "vendor/noto-sans-sc"  # inside the static files
STYLESHEET = f"{STATIC_DIR}/noto-sans-sc.css"
RANGES = "unicode.json"  # slice name -> unicode-range, as the slices package ships it


def slice_file(name: str, weight: int) -> str:
    """The woff2 file of one slice ("[17]", "latin", …), relative to STATIC_DIR."""
    return f"slices/noto-sans-sc-{name.strip('[]')}-{weight}-normal.woff2"


def full_file(weight: int) -> str:
    """The whole font of one weight, relative to STATIC_DIR."""
    return f"full/NotoSansSC-{weight}.ttf"


def _face(weight: int, src: str, unicode_range: str = "") -> str:
    rng = f"unicode-range:{unicode_range};" if unicode_range else ""
    return (
        f"@font-face{{font-family:'{FAMILY}';font-style:normal;font-weight:{weight};"
        f"font-display:swap;src:{src};{rng}}}"
    )


def web_css(ranges: Mapping[str, str]) -> str:
    """The pages' stylesheet, with URLs relative to STATIC_DIR.

    The whole font comes first: a browser prefers the face declared last among those whose
    `unicode-range` holds a character, so it fetches the large file only for a character that
    no slice covers.
    """
    rules = [
        f"/* {FAMILY} (SIL Open Font License 1.1, see OFL.txt), written by `zhenxing vendor`. */"
    ]
    for weight in WEIGHTS:
        rules.append(_face(weight, f"url({full_file(weight)}) format('truetype')"))
    for weight in WEIGHTS:
        for name, unicode_range in ranges.items():
            src = f"url({slice_file(name, weight)}) format('woff2')"
            rules.append(_face(weight, src, unicode_range))
    return "\n".join(rules) + "\n"


def pdf_css(folder: Path) -> str:
    """The `@font-face` rules for WeasyPrint (the whole font, by file URL, from `folder`), and
    the family as every document's default."""
    rules = [
        _face(weight, f"url({(folder / full_file(weight)).resolve().as_uri()})")
        for weight in WEIGHTS
    ]
    return "\n".join([*rules, f"html{{font-family:'{FAMILY}'}}"])


def vendor(modules: Path, target: Path) -> None:
    """Copy the fonts from node_modules into the static folder and write the stylesheet."""
    ranges_src = modules / SLICES_PACKAGE / RANGES
    if not ranges_src.exists():
        raise FileNotFoundError(ranges_src)
    ranges: dict[str, str] = json.loads(ranges_src.read_text(encoding="utf-8"))
    out = target / STATIC_DIR
    copies = {ranges_src: out / RANGES, modules / LICENSE_SOURCE: out / "OFL.txt"}
    for weight in WEIGHTS:
        copies[modules / FULL_PACKAGE / FULL_SOURCES[weight]] = out / full_file(weight)
        for name in ranges:
            source = modules / SLICES_PACKAGE / "files" / Path(slice_file(name, weight)).name
            copies[source] = out / slice_file(name, weight)
    for source, dest in copies.items():
        if not source.exists():
            raise FileNotFoundError(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest)
    (out / "noto-sans-sc.css").write_text(web_css(ranges), encoding="utf-8")


def font_dir() -> Path:
    """The shipped fonts' folder: in the static source folder, else in STATIC_ROOT."""
    marker = f"{STATIC_DIR}/{full_file(WEIGHTS[0])}"
    found = finders.find(marker)
    if isinstance(found, str):
        return Path(found).parent.parent
    try:
        collected = Path(staticfiles_storage.path(marker))
    except NotImplementedError:  # pragma: no cover - a storage without local files
        collected = None
    if collected is not None and collected.exists():
        return collected.parent.parent
    raise ImproperlyConfigured(
        f"缺少字体文件 {marker}，请先运行 npm ci 与 zhenxing vendor / "
        f"missing {marker}: run `npm ci` and `zhenxing vendor`"
    )
