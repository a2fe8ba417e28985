"""The public notice (公示, security.md D3): ONE whitelisted serializer and three renderers.

`notice_public(notice)` is the only function that reads a notice's cases for publication; it
returns a `PublicNotice` with nothing but: the village (no finer address), each household
head's name and village group, the monitoring type and the decision, the notice period and how
to object. The page, the PDF and the xlsx are rendered from that object alone, so none of them
can show an ID number, a phone, a bank account, or a health or disability detail.

Holds: `PublicEntry`, `PublicNotice`, `notice_public`, `render_page_html`, `render_pdf`,
`render_xlsx`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from django.utils import translation

from zhenxing.core.timeutil import BEIJING
from zhenxing.households.choices import MonitoringType
from zhenxing.households.exports import neutralise
from zhenxing.monitoring.domain import CaseKind
from zhenxing.monitoring.models import Case, Notice
from zhenxing.regions.models import Division

HOW_TO_OBJECT = (
    "公示期间如有异议，请以书面或当面方式向村民委员会或乡镇（街道）人民政府反映，"
    "反映时请说明所指农户和事实理由。"
)
HOW_TO_OBJECT_EN = (
    "Objections during the notice period may be made in writing or in person to the villagers' "
    "committee or the town government, naming the household and the facts."
)


@dataclass(frozen=True)
class PublicEntry:
    name: str  # the head of household, as registered
    group: str  # the village group's name (村民小组)
    monitoring_type: str
    decision: str


@dataclass(frozen=True)
class PublicNotice:
    title: str
    town: str
    village: str
    kind: str
    published_on: date
    start_date: date
    end_date: date
    how_to_object: str
    how_to_object_en: str
    entries: tuple[PublicEntry, ...]


_DECISIONS = {
    CaseKind.IDENTIFICATION: "拟纳入防止返贫监测对象",
    CaseKind.ELIMINATION: "拟标注风险消除",
}
_KINDS = {
    CaseKind.IDENTIFICATION: "防止返贫监测对象识别公示",
    CaseKind.ELIMINATION: "防止返贫监测对象风险消除公示",
}


def _type_label(code: str) -> str:
    label = dict(MonitoringType.choices).get(code, "")
    return str(label).split(" ")[0]


def notice_public(notice: Notice) -> PublicNotice:
    """The whitelisted public content of a notice (see the module docstring)."""
    cases = (
        Case.objects.filter(notice=notice)
        .select_related("household")
        .only("household__head_name", "household__group_code", "monitoring_type", "kind")
        .order_by("household__group_code", "household__head_name", "id")
    )
    rows = [
        (c.household.head_name, c.household.group_code, c.monitoring_type, c.kind) for c in cases
    ]
    names = dict(
        Division.objects.filter(
            code__in={g for _n, g, _t, _k in rows} | {notice.village_code, notice.town_code},
            valid_to__isnull=True,
        ).values_list("code", "name")
    )
    entries = tuple(
        PublicEntry(
            name=name,
            group=names.get(group, ""),
            monitoring_type=_type_label(monitoring_type),
            decision=_DECISIONS.get(CaseKind(kind), ""),
        )
        for name, group, monitoring_type, kind in rows
    )
    kind = CaseKind(notice.kind)
    return PublicNotice(
        title=notice.title,
        town=names.get(notice.town_code, ""),
        village=names.get(notice.village_code, ""),
        kind=_KINDS[kind],
        published_on=notice.published_at.astimezone(BEIJING).date(),
        start_date=notice.start_date,
        end_date=notice.end_date,
        how_to_object=HOW_TO_OBJECT,
        how_to_object_en=HOW_TO_OBJECT_EN,
        entries=entries,
    )


def render_page_html(public: PublicNotice) -> str:
    """The notice body as HTML (the public page and the staff page both include it)."""
    return render_to_string("monitoring/_notice_body.html", {"public": public})


def render_pdf(public: PublicNotice) -> bytes:
    """An A4 PDF for the village board, in the shipped Noto Sans SC (core.pdf)."""
    from zhenxing.core.pdf import html_to_pdf  # imported here: it loads pango

    with translation.override("zh-hans"):
        html = render_to_string("monitoring/notice_print.html", {"public": public})
    return html_to_pdf(html)


def render_xlsx(public: PublicNotice) -> bytes:
    """The notice as a workbook: text cells only, formula-like text neutralised (E4)."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
         "strings_to_numbers": False},
    )  # fmt: skip
    sheet = workbook.add_worksheet("公示")
    bold = workbook.add_format({"bold": True})
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 4, 24)
    lines = [
        public.title,
        f"{public.town} {public.village}",
        public.kind,
        f"公示期：{public.start_date:%Y-%m-%d} 至 {public.end_date:%Y-%m-%d}",
        f"发布日期：{public.published_on:%Y-%m-%d}",
    ]
    for row, text in enumerate(lines):
        sheet.write_string(row, 0, neutralise(text), bold if row == 0 else None)
    header = len(lines) + 1
    for col, text in enumerate(("序号", "户主姓名", "村民小组", "监测对象类型", "拟办结果")):
        sheet.write_string(header, col, text, bold)
    for n, entry in enumerate(public.entries, start=1):
        row = header + n
        sheet.write_string(row, 0, str(n))
        for col, text in enumerate(
            (entry.name, entry.group, entry.monitoring_type, entry.decision), start=1
        ):
            sheet.write_string(row, col, neutralise(text))
    last = header + len(public.entries) + 2
    sheet.write_string(last, 0, neutralise(public.how_to_object))
    workbook.close()
    return buffer.getvalue()
