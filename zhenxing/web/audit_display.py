"""How an audit row reads on the audit administrator's page: display names, never codes.

Holds `event_label`, `object_label`, `outcome_label`, `role_label`, `detail_summary` and
`audit_rows(events)`. Chinese in the zh interface, English in the en one (one language per
label); a code without a display name shows as "其他" / "other", never as itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.utils import translation

from zhenxing.audit.events import AuditEventType, Outcome
from zhenxing.audit.models import AuditEvent
from zhenxing.core.redaction import redact
from zhenxing.core.roles import Role

_CJK = re.compile(r"[\u4e00-\u9fff]")

OBJECT_LABELS: dict[str, tuple[str, str]] = {
    "household": ("农户", "Household"),
    "discrepancy": ("六统一差异", "Record discrepancy"),
    "plan_item": ("帮扶计划事项", "Plan item"),
    "visit": ("走访", "Visit"),
    "county": ("区县", "County"),
    "finding": ("督战发现", "Supervision finding"),
    "problem": ("督战问题", "Supervision problem"),
    "project": ("基础设施项目", "Infrastructure project"),
    "responsibility_item": ("责任清单事项", "Responsibility item"),
    "households.household": ("农户", "Household"),
    "member": ("家庭成员", "Household member"),
    "households.member": ("家庭成员", "Household member"),
    "division": ("区划", "Division"),
    "regions.division": ("区划", "Division"),
    "regions.roster": ("区划名录", "Division roster"),
    "user": ("账户", "Account"),
    "accounts.user": ("账户", "Account"),
    "job": ("后台任务", "Background job"),
    "jobs.job": ("后台任务", "Background job"),
    "industry": ("产业链记录", "Industry record"),
    "industry.receipt": ("收购凭据", "Purchase receipt"),
    "industry.cooperative": ("合作社", "Cooperative"),
    "industry.enterprise": ("企业", "Enterprise"),
    "industry.season": ("产季", "Season"),
    "industry.weighing": ("过磅记录", "Weighing"),
    "industry.point": ("收购点", "Purchase point"),
    "industry.purchasepoint": ("收购点", "Purchase point"),
    "industry.orderagreement": ("订单协议", "Order agreement"),
    "industry.protectionagreement": ("保护价协议", "Floor-price agreement"),
    "industry.householdstatement": ("农户结算单", "Household statement"),
    "industry.dividenddistribution": ("分红", "Dividend distribution"),
    "industry.settlementrun": ("产季结算", "Season settlement"),
    "ledger.entry": ("记账凭证", "Ledger entry"),
    "ledger.pendingentry": ("待审批凭证", "Entry awaiting approval"),
    "monitoring.case": ("监测案件", "Monitoring case"),
    "monitoring.lead": ("监测线索", "Lead"),
    "monitoring.measure": ("帮扶措施", "Assistance measure"),
    "monitoring.notice": ("公示", "Public notice"),
    "monitoring.objection": ("公示异议", "Objection"),
    "monitoring.declaration": ("自主申报", "Self-declaration"),
    "monitoring.alertimport": ("部门预警导入", "Alert import"),
    "screening.ruleset": ("排查规则", "Rule set"),
    "screening.run": ("稳定性排查", "Screening run"),
    "database": ("数据库", "Database"),
}
OUTCOME_LABELS = {
    Outcome.OK: ("成功", "Succeeded"),
    Outcome.DENIED: ("已拒绝", "Refused"),
    Outcome.FAILED: ("失败", "Failed"),
}
FIELD_LABELS = {
    "id_number": ("身份证号", "ID number"),
    "phone": ("联系电话", "Phone"),
    "bank_account": ("银行账号", "Bank account"),
}
EXPORT_KINDS = {
    "screening_results": ("排查结果", "screening results"),
    "industry_statements": ("结算单", "settlement statements"),
}
OTHER = ("其他", "other")


def _pick(pair: tuple[str, str]) -> str:
    return pair[1] if (translation.get_language() or "zh").startswith("en") else pair[0]


def _split_bilingual(label: str) -> tuple[str, str]:
    """`区县工作人员 District staff` → (`区县工作人员`, `District staff`)."""
    head, _, tail = label.partition(" ")
    return (head, tail) if _CJK.search(head) and tail else (label, label)


def event_label(code: str) -> str:
    try:
        event = AuditEventType(code)
    except ValueError:
        return _pick(OTHER)
    return _pick((event.label_zh, event.name.replace("_", " ").capitalize()))


def outcome_label(code: str) -> str:
    try:
        return _pick(OUTCOME_LABELS[Outcome(code)])
    except ValueError:
        return _pick(OTHER)


def role_label(code: str) -> str:
    if not code:
        return ""
    try:
        return _pick(_split_bilingual(str(Role(code).label)))
    except ValueError:
        return _pick(OTHER)


def object_label(object_type: str, object_id: str) -> str:
    if not object_type and not object_id:
        return ""
    pair = OBJECT_LABELS.get(object_type)
    if pair is None and object_type.count(".") == 1:
        try:
            verbose = str(apps.get_model(object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            verbose = ""
        if _CJK.search(verbose):
            pair = _split_bilingual(verbose)
    name = _pick(pair or OTHER)
    return f"{name} #{redact(object_id)}" if object_id else name


def detail_summary(event: str, detail: dict[str, Any]) -> list[str]:
    """The parts of a row's detail an auditor needs: why data was unmasked, what an export
    covered, what was refused. Values were redacted when written; redacted again here."""
    parts: list[str] = []
    zh = not (translation.get_language() or "zh").startswith("en")

    def add(label_zh: str, label_en: str, value: Any) -> None:
        parts.append(f"{label_zh if zh else label_en}{'：' if zh else ': '}{redact(str(value))}")

    if field := detail.get("field"):
        add("字段", "Field", _pick(FIELD_LABELS.get(str(field), OTHER)))
    if reason := detail.get("reason"):
        add("理由", "Reason", reason)
    if event == AuditEventType.EXPORT:
        if kind := detail.get("kind"):
            add("内容", "Contents", _pick(EXPORT_KINDS.get(str(kind), OTHER)))
        elif "households" in detail:
            add("内容", "Contents", _pick(("农户花名册", "household roster")))
        for key, zh_label, en_label in (
            ("households", "户数", "Households"),
            ("members", "人数", "Members"),
            ("rows", "行数", "Rows"),
            ("region", "区划", "Division"),
        ):
            if key in detail:
                add(zh_label, en_label, detail[key])
        if "masked" in detail:
            masked = bool(detail["masked"])
            add("脱敏", "Masked", ("是" if masked else "否") if zh else ("yes" if masked else "no"))
    if "problems" in detail:
        add("发现问题", "Problems found", detail["problems"])
    if path := detail.get("path"):
        add("访问地址", "Path", path)
    return parts


@dataclass(frozen=True)
class AuditRow:
    seq: int
    occurred_at: datetime
    user: str
    role: str
    ip: str
    event: str
    obj: str
    outcome: str
    outcome_code: str
    details: list[str]
    request_id: str


def audit_rows(events: Any) -> list[AuditRow]:
    rows: list[AuditRow] = []
    for e in events:
        if not isinstance(e, AuditEvent):  # pragma: no cover - the page passes model rows
            continue
        rows.append(
            AuditRow(
                seq=e.seq,
                occurred_at=e.occurred_at,
                user=e.actor_username,
                role=role_label(e.role),
                ip=e.ip or "",
                event=event_label(e.event),
                obj=object_label(e.object_type, e.object_id),
                outcome=outcome_label(e.outcome),
                outcome_code=e.outcome,
                details=detail_summary(e.event, e.detail or {}),
                request_id=e.request_id,
            )
        )
    return rows
