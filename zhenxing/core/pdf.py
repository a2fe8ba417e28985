"""HTML to PDF (WeasyPrint) with the shipped fonts only; the one way the system makes a PDF.

`html_to_pdf(html)` adds the `@font-face` rules of `zhenxing.core.fonts` (family "Noto Sans
SC"), so a document's text never depends on a font installed on the machine. A document may
fetch nothing else: its URL fetcher serves the shipped font files and refuses every other URL
(no network, no other file), so rendered content cannot pull in a resource.

The font configuration is built once per process (loading the fonts costs more than a page)
and WeasyPrint is not thread-safe with a shared one, so renders take turns.

Importing this module loads pango; import it where a PDF is made, not at start-up.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from zhenxing.core import fonts

_lock = threading.Lock()
_loaded: tuple[FontConfiguration, CSS, URLFetcher] | None = None


class _ShippedFontsOnly(URLFetcher):
    def __init__(self, folder: Path) -> None:
        super().__init__(allowed_protocols=("file",))
        self._folder = folder.resolve()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
        if path is None or not path.is_relative_to(self._folder) or not path.is_file():
            raise ValueError(f"refused: {url}")
        return URLFetcherResponse(url, body=path.read_bytes())


def _fonts() -> tuple[FontConfiguration, CSS, URLFetcher]:
    global _loaded
    if _loaded is None:
        folder = fonts.font_dir()
        fetcher = _ShippedFontsOnly(folder)
        config = FontConfiguration()
        css = CSS(string=fonts.pdf_css(folder), font_config=config, url_fetcher=fetcher)
        _loaded = (config, css, fetcher)
    return _loaded


def html_to_pdf(html: str) -> bytes:
    """The PDF of a complete HTML document; its CSS should name the family `fonts.FAMILY`."""
    with _lock:
        config, css, fetcher = _fonts()
        document: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf(
            stylesheets=[css], font_config=config
        )
    return document
