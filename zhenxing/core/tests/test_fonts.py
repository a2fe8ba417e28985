"""The pages and the PDFs name the shipped font, and every file its stylesheets name is shipped."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

from zhenxing.core import fonts


def test_the_page_stylesheet_names_only_shipped_files() -> None:
    found = finders.find(fonts.STYLESHEET)
    assert isinstance(found, str)
    css = Path(found).read_text(encoding="utf-8")
    urls = re.findall(r"url\(([^)]+)\)", css)
    assert len(urls) > 100  # the whole font per weight and every slice per weight
    for url in urls:
        assert not re.match(r"[a-z]+:|//", url)  # relative: served from this origin
        assert (Path(found).parent / url).is_file(), url
    assert css.count(f"font-family:'{fonts.FAMILY}'") == len(urls)


def test_every_page_uses_the_shipped_family_first() -> None:
    site = finders.find("web/site.css")
    assert isinstance(site, str)
    css = Path(site).read_text(encoding="utf-8")
    assert css.startswith('@import url("../vendor/noto-sans-sc/noto-sans-sc.css");')
    assert f'--bs-font-sans-serif: "{fonts.FAMILY}", sans-serif;' in css


def test_the_pdf_fonts_are_local_files_of_the_whole_font() -> None:
    folder = fonts.font_dir()
    css = fonts.pdf_css(folder)
    urls = re.findall(r"url\(([^)]+)\)", css)
    assert urls == [(folder / fonts.full_file(w)).resolve().as_uri() for w in fonts.WEIGHTS]
    assert all((folder / fonts.full_file(w)).stat().st_size > 5_000_000 for w in fonts.WEIGHTS)
    assert Path(settings.BASE_DIR, "static_build") in folder.parents
