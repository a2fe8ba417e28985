"""PDFs draw their Chinese text with the shipped fonts, on a machine without any font.

The renders run in a child process whose fontconfig reads an empty configuration, so not one
font of this machine is visible to WeasyPrint. Text extraction alone cannot prove a glyph was
drawn (WeasyPrint maps a missing glyph to its character all the same), so every character is
also looked up in the embedded font program: its glyph must exist and have an outline.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from fontTools.ttLib import TTFont
from pypdf import PdfReader

EMPTY_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig></fontconfig>
"""

NOTICE: dict[str, Any] = {
    "title": "龙潭村2026年第一批防止返贫监测对象识别公示",
    "town": "马武镇",
    "village": "龙潭村",
    "kind": "防止返贫监测对象识别公示",
    "how_to_object": "公示期间如有异议，请以书面或当面方式向村民委员会反映。",
    "how_to_object_en": "Objections may be made in writing.",
    # Names as registered, rare characters included: 喆 and 堃 are outside GB 2312; 镩 is
    # in GB 2312 but outside the web slices, so only the whole font draws it.
    "entries": [
        {"name": "赵大勇", "group": "第一村民小组", "monitoring_type": "突发严重困难户",
         "decision": "拟纳入防止返贫监测对象"},
        {"name": "冉喆", "group": "第二村民小组", "monitoring_type": "脱贫不稳定户",
         "decision": "拟纳入防止返贫监测对象"},
        {"name": "况堃镩", "group": "第三村民小组", "monitoring_type": "边缘易致贫户",
         "decision": "拟纳入防止返贫监测对象"},
    ],
}  # fmt: skip

CHILD = r"""
import json, sys
from datetime import date

import django

django.setup()
from weasyprint.text.ffi import fontconfig

config = fontconfig.FcInitLoadConfigAndFonts()
machine_fonts = fontconfig.FcConfigGetFonts(config, fontconfig.FcSetSystem).nfont

from zhenxing.core.pdf import html_to_pdf
from zhenxing.monitoring import notices

spec = json.loads(open(sys.argv[1], encoding="utf-8").read())
n = spec["notice"]
public = notices.PublicNotice(
    title=n["title"], town=n["town"], village=n["village"], kind=n["kind"],
    published_on=date(2026, 3, 2), start_date=date(2026, 3, 2), end_date=date(2026, 3, 8),
    how_to_object=n["how_to_object"], how_to_object_en=n["how_to_object_en"],
    entries=tuple(notices.PublicEntry(**e) for e in n["entries"]),
)
open(sys.argv[2], "wb").write(notices.render_pdf(public))
open(sys.argv[3], "wb").write(html_to_pdf(spec["html"]))
print(json.dumps({"machine_fonts": machine_fonts}))
"""

# Ideographs, CJK punctuation and full-width forms: what a Latin font cannot draw.
_WIDE = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def wide(text: str) -> set[str]:
    return set(_WIDE.findall(text))


def printed_characters() -> str:
    """Every wide character the system prints: the zh catalogue, the templates, the messages
    and labels in the code, the demo's names, the shipped division roster."""
    root = Path(settings.BASE_DIR) / "zhenxing"
    sources = [*root.glob("locale/zh_Hans/LC_MESSAGES/*.po"), *root.glob("*/templates/**/*.html")]
    sources += [p for p in root.rglob("*.py") if "tests" not in p.parts]
    sources += [p for p in root.glob("*/fixtures/*") if p.suffix in {".csv", ".json", ".txt"}]
    found: set[str] = set()
    for path in sources:
        found |= wide(path.read_text(encoding="utf-8", errors="ignore"))
    return "".join(sorted(found))


def _to_unicode(cmap: str) -> dict[int, str]:
    """Glyph id -> text, from a ToUnicode CMap (bfchar and bfrange sections)."""
    out: dict[int, str] = {}

    def text(hexa: str) -> str:
        return bytes.fromhex(hexa).decode("utf-16-be")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for src, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            out[int(src, 16)] = text(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dst in re.findall(r"<(\w+)>\s*<(\w+)>\s*(<\w+>|\[[^\]]*\])", block):
            targets = re.findall(r"<(\w+)>", dst)
            for i, gid in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                if dst.startswith("["):
                    out[gid] = text(targets[i])
                else:
                    first = text(targets[0])
                    out[gid] = first[:-1] + chr(ord(first[-1]) + i)
    return out


@dataclass
class Glyphs:
    drawn: set[str]  # wide characters drawn with a real outline
    missing: set[str]  # wide characters whose glyph is absent from the embedded font
    fonts: set[str]  # the embedded fonts' names
    text: str  # the extracted text, spaces removed


def glyphs(pdf: bytes) -> Glyphs:
    reader = PdfReader(io.BytesIO(pdf))
    result = Glyphs(set(), set(), set(), "")
    for page in reader.pages:
        result.text += re.sub(r"\s", "", page.extract_text())
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font = ref.get_object()
            result.fonts.add(str(font["/BaseFont"]).split("+")[-1])
            descendant = font["/DescendantFonts"][0].get_object()
            program = TTFont(io.BytesIO(descendant["/FontDescriptor"]["/FontFile2"].get_data()))
            order, outlines = program.getGlyphOrder(), program["glyf"]
            cmap = font["/ToUnicode"].get_data().decode("latin-1")
            for gid, chars in _to_unicode(cmap).items():
                real = 0 < gid < len(order) and outlines[order[gid]].numberOfContours != 0
                (result.drawn if real else result.missing).update(wide(chars))
    return result


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Glyphs, Glyphs, str]:
    tmp = tmp_path_factory.mktemp("pdf")
    (tmp / "fonts.conf").write_text(EMPTY_FONTCONFIG)
    chars = printed_characters()
    html = (
        f"<!DOCTYPE html><html lang='zh-CN'><body><p>{chars}</p><p><b>{chars}</b></p></body></html>"
    )
    (tmp / "spec.json").write_text(json.dumps({"notice": NOTICE, "html": html}))
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "ZHENXING_VAR_DIR": str(settings.VAR_DIR),
        "FONTCONFIG_FILE": str(tmp / "fonts.conf"),
        "FONTCONFIG_PATH": str(tmp),
        "XDG_CACHE_HOME": str(tmp / "cache"),
    }
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed script, our own files
        [sys.executable, "-c", CHILD, tmp / "spec.json", tmp / "notice.pdf", tmp / "all.pdf"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["machine_fonts"] == 0  # the child really sees no font of this machine
    notice = glyphs((tmp / "notice.pdf").read_bytes())
    everything = glyphs((tmp / "all.pdf").read_bytes())
    return notice, everything, chars


def test_a_notice_pdf_draws_every_chinese_character_without_machine_fonts(
    rendered: tuple[Glyphs, Glyphs, str],
) -> None:
    notice, _everything, _chars = rendered
    expected = [NOTICE["title"], NOTICE["town"], NOTICE["kind"], "公示期", "户主姓名"]
    for entry in NOTICE["entries"]:
        expected += [entry["name"], entry["group"], entry["monitoring_type"], entry["decision"]]
    assert notice.fonts == {"Noto-Sans-SC", "Noto-Sans-SC-Bold"}
    assert notice.missing == set()
    assert wide("".join(expected)) <= notice.drawn
    for text in expected:
        assert text in notice.text


def test_every_chinese_character_the_system_prints_has_a_glyph(
    rendered: tuple[Glyphs, Glyphs, str],
) -> None:
    _notice, everything, chars = rendered
    assert len(chars) > 500  # not an empty harvest
    assert everything.missing == set()
    assert set(chars) <= everything.drawn
