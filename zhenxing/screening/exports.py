"""Screening results as xlsx: class, fired rules and suggested category per household.

Rows come from the scoped selector; no personal field beyond the head's name is written; every
export is audited. Cells are written as strings, so nothing a user typed becomes a formula.
"""

from __future__ import annotations

import tempfile
from typing import Any

import xlsxwriter
from django.http import FileResponse

from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record
from zhenxing.households.choices import MonitoringType
from zhenxing.regions.models import Division
from zhenxing.screening.models import Rule, Run, StabilityClass
from zhenxing.screening.selectors import results_visible

HEADERS = [
    ("户编号", "Household number"),
    ("户主", "Head"),
    ("乡镇", "Town"),
    ("村", "Village"),
    ("农户类别", "Category"),
    ("稳定性(脱贫户与监测对象)", "Class (exited and monitored)"),
    ("触发规则", "Rules fired"),
    ("建议监测类型", "Suggested monitoring"),
]


def _safe(text: str) -> str:
    """Formula injection (security.md E4): a leading = + - @ tab or CR is neutralised."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def results_response(*, actor: Any, run: Run) -> FileResponse:
    results = results_visible(actor, run).select_related("household")
    names = dict(
        Division.objects.filter(
            code__startswith=run.county_code, valid_to__isnull=True, level__in=("town", "village")
        ).values_list("code", "name")
    )
    rules = {
        (rule_set_id, position): code
        for rule_set_id, position, code in Rule.objects.filter(
            rule_set__in=run.rule_sets.all()
        ).values_list("rule_set_id", "position", "code")
    }
    classes = dict(StabilityClass.choices)
    categories = dict(MonitoringType.choices)
    # Removed when closed, i.e. once the response is sent (D5); so no context manager here.
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    book = xlsxwriter.Workbook(handle, {"constant_memory": True, "in_memory": False})
    sheet = book.add_worksheet("排查结果 Results")
    for col, (zh, en) in enumerate(HEADERS):
        sheet.write_string(0, col, f"{zh} {en}")
    count = 0
    for count, result in enumerate(
        results.order_by("town_code", "village_code", "household__household_no").iterator(2000),
        start=1,
    ):
        household = result.household
        fired = [
            code
            for (rs, pos), code in rules.items()
            if rs == result.rule_set_id and result.flags >> pos & 1
        ]
        row = [
            household.household_no,
            household.head_name,
            names.get(result.town_code, result.town_code),
            names.get(result.village_code, result.village_code),
            household.get_category_display(),
            # Only exited and monitored households have a class; the others show none.
            classes.get(result.stability, result.stability) if result.stability else "—",
            " ".join(sorted(fired)),
            categories.get(result.suggested_category, ""),
        ]
        for col, value in enumerate(row):
            sheet.write_string(count, col, _safe(str(value)))
    book.close()
    record(
        AuditEventType.EXPORT,
        actor=actor,
        obj=run,
        detail={"kind": "screening_results", "rows": count},
    )
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"screening-{run.pk}.xlsx")
