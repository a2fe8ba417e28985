"""D3: every rendered notice (public page, staff page, PDF, xlsx) is scanned for ID numbers,
mobiles, account numbers and health words; the household in it has all of them on record."""

from __future__ import annotations

import io
import re
import tempfile
from datetime import timedelta
from pathlib import Path

from django.test import Client
from django.utils import timezone
from django.utils.html import strip_tags
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from zhenxing.monitoring import notices, services
from zhenxing.monitoring.domain import State
from zhenxing.monitoring.models import Case, Notice
from zhenxing.monitoring.tests.factories import SICK_BANK, SICK_PHONE, MonitoringWorld, case_in

ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
ACCOUNT = re.compile(r"(?<![0-9])[0-9]{16,19}(?![0-9])")
HEALTH = re.compile(r"健康|慢性病|大病|残疾|病")


def _leaks(text: str) -> list[str]:
    return [p.pattern for p in (ID, MOBILE, ACCOUNT, HEALTH) if p.search(text)]


def _published(world: MonitoringWorld) -> tuple[Case, Notice]:
    case = case_in(State.EVALUATED, world.sick, last_actor=world.users["submitter"])
    Case.objects.filter(pk=case.pk).update(
        monitoring_type="sudden_hardship", outcome_reason="患大病住院，残疾二级"
    )
    notice = services.notice_publish(
        actor=world.users["officer"], cases=[case],
        end_date=timezone.localdate() + timedelta(days=9),
    )  # fmt: skip
    return case, notice


def test_the_scan_finds_what_it_looks_for() -> None:
    assert _leaks(f"x {SICK_PHONE} y")
    assert _leaks(SICK_BANK)
    assert _leaks("500102196503121239")
    assert _leaks("患有大病")
    assert not _leaks("赵大勇 柳溪一组 突发严重困难户")


def test_every_notice_format_is_clean(world: MonitoringWorld) -> None:
    # given a household whose record holds an ID, a mobile, a bank account, serious illness and
    # a disability, in a published notice
    _case, notice = _published(world)
    public = notices.notice_public(notice)
    assert [e.name for e in public.entries] == ["赵大勇"]

    # when each format is rendered
    client = Client()
    page = client.get(f"/monitoring/public/notices/{notice.public_id}/")
    pdf = client.get(f"/monitoring/public/notices/{notice.public_id}/notice.pdf")
    xlsx = notices.render_xlsx(public)

    # then none shows a forbidden value, while the name is there
    page_text = strip_tags(page.content.decode())
    assert page.status_code == 200
    assert "赵大勇" in page_text
    assert _leaks(page_text) == []
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "赵大勇" in pdf_text.replace(" ", "")
    assert _leaks(pdf_text) == []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "n.xlsx"
        path.write_bytes(xlsx)
        cells = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    xlsx_text = " ".join(str(c) for row in cells for c in row)
    assert "赵大勇" in xlsx_text
    assert _leaks(xlsx_text) == []
    # the body of the staff page is the same serializer's output
    assert _leaks(notices.render_page_html(public)) == []


def test_the_serializer_is_a_whitelist() -> None:
    fields = set(notices.PublicEntry.__dataclass_fields__)
    assert fields == {"name", "group", "monitoring_type", "decision"}
    top = set(notices.PublicNotice.__dataclass_fields__)
    assert not top & {"address", "phone", "id_number", "bank_account", "health", "group_code"}
