"""Season statements as xlsx: one sheet of household statements, one of cooperative statements.

Rows come from the scoped selectors; no personal field beyond the head's name is written; every
export is audited. Text cells are written as strings (formula injection neutralised, E4) and
amounts as numbers in yuan with two decimals.
"""

from __future__ import annotations

import tempfile
from typing import Any

import xlsxwriter
from django.db import transaction
from django.http import FileResponse

from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record
from zhenxing.industry.choices import MarginState
from zhenxing.industry.domain import tonnes
from zhenxing.industry.models import Season
from zhenxing.industry.selectors import (
    cooperative_statements_visible,
    household_statements_visible,
)

HOUSEHOLD_HEADERS = [
    ("合作社", "Cooperative"),
    ("户编号", "Household number"),
    ("户主", "Head"),
    ("过磅次数", "Weighings"),
    ("净重(吨)", "Net t"),
    ("合同(吨)", "Contracted t"),
    ("按当日价(元)", "At day prices"),
    ("保护价补差(元)", "Floor top-up"),
    ("收购款(元)", "Purchases"),
    ("已交保证金(元)", "Deposit held"),
    ("退还保证金(元)", "Deposit refunded"),
    ("罚没保证金(元)", "Deposit forfeited"),
    ("应付农户(元)", "Payable"),
]
COOP_HEADERS = [
    ("合作社", "Cooperative"),
    ("企业", "Enterprise"),
    ("收购(吨)", "Purchased t"),
    ("收购成本(元)", "Purchase cost"),
    ("交售(吨)", "Delivered t"),
    ("交售货款(元)", "Revenue"),
    ("合作社费用(元)", "Costs"),
    ("实际利润(元)", "Margin"),
    ("每吨利润(元)", "Margin per t"),
    ("保底利润(元)", "Guaranteed"),
    ("企业补差(元)", "Margin top-up"),
    ("区间判定", "Band"),
    ("退还保证金(元)", "Deposit refunded"),
    ("罚没保证金(元)", "Deposit forfeited"),
    ("企业应付(元)", "Enterprise owes"),
]


def _safe(text: str) -> str:
    """Formula injection (security.md E4): a leading = + - @ tab or CR is neutralised."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def statements_response(*, actor: Any, season: Season) -> FileResponse:
    households = (
        household_statements_visible(actor)
        .filter(season=season)
        .order_by("cooperative__title", "household__household_no")
        .values_list(
            "cooperative__title",
            "household__household_no",
            "household__head_name",
            "weighings",
            "net_g",
            "contracted_g",
            "amount_market",
            "amount_topup",
            "purchases",
            "deposit_paid",
            "deposit_refund",
            "deposit_forfeit",
            "payable",
        )
    )
    coops = (
        cooperative_statements_visible(actor)
        .filter(season=season)
        .select_related("cooperative", "enterprise")
        .order_by("cooperative__title")
    )
    # Removed when closed, i.e. once the response is sent (D5); so no context manager here.
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    book = xlsxwriter.Workbook(handle, {"constant_memory": True, "in_memory": False})
    money = book.add_format({"num_format": "#,##0.00"})
    weight = book.add_format({"num_format": "#,##0.000"})
    sheet = book.add_worksheet("农户结算单 Households")
    for col, (zh, en) in enumerate(HOUSEHOLD_HEADERS):
        sheet.write_string(0, col, f"{zh} {en}")
    count = 0
    for count, row in enumerate(households.iterator(chunk_size=5000), start=1):
        coop, number, head, n, net, contracted, *amounts = row
        sheet.write_string(count, 0, _safe(coop))
        sheet.write_string(count, 1, _safe(number))
        sheet.write_string(count, 2, _safe(head))
        sheet.write_number(count, 3, n)
        sheet.write_number(count, 4, float(tonnes(net)), weight)
        sheet.write_number(count, 5, float(tonnes(contracted)), weight)
        for offset, amount in enumerate(amounts):
            sheet.write_number(count, 6 + offset, float(amount), money)
    coop_sheet = book.add_worksheet("合作社结算 Cooperatives")
    for col, (zh, en) in enumerate(COOP_HEADERS):
        coop_sheet.write_string(0, col, f"{zh} {en}")
    states = dict(MarginState.choices)
    for r, s in enumerate(coops, start=1):
        coop_sheet.write_string(r, 0, _safe(s.cooperative.title))
        coop_sheet.write_string(r, 1, _safe(s.enterprise.title if s.enterprise else ""))
        coop_sheet.write_number(r, 2, float(tonnes(s.purchased_g)), weight)
        coop_sheet.write_number(r, 3, float(s.purchase_cost), money)
        coop_sheet.write_number(r, 4, float(tonnes(s.delivered_g)), weight)
        for c, amount in enumerate(
            (s.revenue, s.costs, s.margin, s.margin_per_t, s.guaranteed, s.margin_topup), start=5
        ):
            coop_sheet.write_number(r, c, float(amount), money)
        coop_sheet.write_string(r, 11, str(states.get(s.margin_state, s.margin_state)))
        for c, amount in enumerate((s.deposit_refund, s.deposit_forfeit, s.payable), start=12):
            coop_sheet.write_number(r, c, float(amount), money)
    book.close()
    handle.seek(0)
    with transaction.atomic():
        record(
            AuditEventType.EXPORT,
            actor=actor,
            obj=season,
            detail={"kind": "industry_statements", "rows": count},
        )
    return FileResponse(
        handle, as_attachment=True, filename=f"statements-{season.year}-{season.pk}.xlsx"
    )
