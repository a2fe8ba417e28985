"""Home visits (入户走访) by officers and cadres.

`visit_record` writes the visit with everything it touched, in one transaction: plan items
updated, the printed versions seen (an older one opens a 六统一 discrepancy), differences
from the record (a discrepancy), corrections of the record (through the registry's own
audited services), and — on a finding of hardship — a monitoring lead through the
monitoring app's lead service (the visit channel), in one step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.db import transaction

from zhenxing.accounts.access import require_allowed
from zhenxing.assistance import policies
from zhenxing.assistance.errors import AssistanceErrorCode as E
from zhenxing.assistance.models import (
    DiscrepancyKind,
    Document,
    ItemStatus,
    MeasureStatus,
    PlanItem,
    PrintStamp,
    Visit,
    VisitItem,
)
from zhenxing.assistance.services._common import (
    audit,
    bad,
    codes,
    in_scope,
    not_before_household,
    not_future,
    required,
)
from zhenxing.assistance.services.documents import discrepancy_note
from zhenxing.core.errors import DomainError
from zhenxing.households.models import Household, Member

CHECKS = {
    "members": "家庭成员 Members",
    "income": "收入 Income",
    "food_clothing": "吃穿 Food and clothing",
    "housing": "住房 Housing",
    "water": "饮水 Water",
    "schooling": "上学 Schooling",
    "medical": "医疗 Medical care",
    "work": "就业 Work",
    "plan": "帮扶计划 Plan",
    "documents": "六统一资料 Printed documents",
}
VERSION_FIELDS: dict[str, str] = {
    Document.ARCHIVE: "archive_version",
    Document.BOARD: "board_version",
    Document.HANDBOOK: "handbook_version",
}


@dataclass
class VisitDraft:
    visited_on: date
    met: str
    checked: Sequence[str]
    findings: str = ""
    differs: str = ""
    hardship: bool = False
    hardship_detail: str = ""
    risk_types: Sequence[str] = ()
    item_status: Mapping[int, str] = field(default_factory=dict)  # plan item id → new status
    versions: Mapping[str, int | None] = field(default_factory=dict)  # document → version seen
    member_changes: Mapping[int, dict[str, str]] = field(default_factory=dict)
    facts_changes: dict[str, str] = field(default_factory=dict)


def _check(household: Household, draft: VisitDraft) -> None:
    required(draft.visited_on, "visited_on", "走访日期", "Visit date")
    not_future(draft.visited_on, "visited_on", "走访日期", "Visit date")
    not_before_household(draft.visited_on, household, "visited_on", "走访日期", "Visit date")
    required(draft.met, "met", "见到的人", "Who was met")
    if not draft.checked:
        required("", "checked", "核查事项", "What was checked")
    unknown = [c for c in draft.checked if c not in CHECKS]
    if unknown:
        raise bad("checked", "核查事项", "What was checked", "未知事项", "unknown item")
    if draft.hardship:
        required(draft.hardship_detail, "hardship_detail", "困难情况", "Hardship")
    for document, version in draft.versions.items():
        if document not in VERSION_FIELDS:
            raise bad("versions", "文书版本", "Versions", "未知文书", "unknown document")
        if version is not None and version < 1:
            raise bad(VERSION_FIELDS[document], "文书版本", "Version", "须为正整数", "not positive")
    for status in draft.item_status.values():
        if status not in (ItemStatus.DONE, MeasureStatus.STARTED):
            raise bad("items", "帮扶事项", "Plan items", "不是可选的状态", "not a valid status")


def visit_record(
    *,
    actor: Any,
    household: Household,
    draft: VisitDraft,
    photo: IO[bytes] | None = None,
    photo_name: str = "",
) -> Visit:
    require_allowed(policies.can_visit(actor), actor, "visit_record")
    in_scope(actor, household)
    _check(household, draft)
    items = {
        item.pk: item
        for item in PlanItem.objects.filter(
            county_code=household.county_code, household=household, pk__in=list(draft.item_status)
        )
    }
    if len(items) != len(draft.item_status):
        raise bad("items", "帮扶事项", "Plan items", "不属于本户", "not this household's")
    stored_photo = ""
    if photo is not None:
        from zhenxing.assistance.services.photos import photo_store

        stored_photo = photo_store(photo, name=photo_name, household=household)
    with transaction.atomic():
        visit = Visit.objects.create(
            household=household, visitor=actor, visited_on=draft.visited_on,
            met=draft.met.strip()[:200], checked=list(draft.checked),
            findings=draft.findings.strip(), differs=draft.differs.strip(),
            hardship=draft.hardship, photo=stored_photo,
            **{VERSION_FIELDS[d]: v for d, v in draft.versions.items()}, **codes(household),
        )  # fmt: skip
        _items(actor, visit, items, draft)
        _versions(household, visit, draft)
        if draft.differs.strip():
            discrepancy_note(
                household=household, kind=DiscrepancyKind.VISIT_DIFFERS, document="",
                detail=draft.differs.strip(), visit=visit,
            )  # fmt: skip
        _corrections(actor, household, draft)
        if draft.hardship:
            visit.lead_id = _raise_lead(actor, household, draft)
            visit.save(update_fields=["lead_id"])
        audit(actor, visit, kind="visit", hardship=draft.hardship, items=len(items))
    return visit


def _items(actor: Any, visit: Visit, items: dict[int, PlanItem], draft: VisitDraft) -> None:
    from zhenxing.assistance.models import Measure
    from zhenxing.assistance.services.measures import measure_progress

    for pk, status in draft.item_status.items():
        item = items[pk]
        if item.status not in (ItemStatus.ACCEPTED,):
            raise DomainError(E.ITEM_CLOSED, status=ItemStatus(item.status).label, status_en="")
        measure = Measure.objects.filter(plan_item=item).first()
        if measure is not None:
            measure_progress(actor=actor, measure=measure, status=status, day=visit.visited_on)
        VisitItem.objects.create(
            county_code=visit.county_code, visit=visit, item=item,
            status=ItemStatus.DONE if status == ItemStatus.DONE else item.status,
        )  # fmt: skip


def _versions(household: Household, visit: Visit, draft: VisitDraft) -> None:
    for document, seen in draft.versions.items():
        latest = (
            PrintStamp.objects.filter(
                county_code=household.county_code, household=household, document=document
            )
            .order_by("-version")
            .first()
        )
        label = Document(document).label.split(" ")[0]
        if latest is None:
            continue
        if seen is None or seen < latest.version:
            shown = f"v{seen}" if seen else "无版本"
            discrepancy_note(
                household=household, kind=DiscrepancyKind.VERSION_SEEN, document=document,
                detail=f"{label}：户内为{shown}，系统最新为v{latest.version}", visit=visit,
            )  # fmt: skip


def _corrections(actor: Any, household: Household, draft: VisitDraft) -> None:
    """Corrections go through the registry's services (audited, with history)."""
    if not draft.member_changes and not draft.facts_changes:
        return
    from zhenxing.households.policies import can_edit_registry
    from zhenxing.households.services import facts_update, member_update

    if not can_edit_registry(actor):
        # A cadre may not edit the registry: the correction waits as a 六统一 discrepancy
        # for the village officer.
        wanted = "；".join(f"{k}={v}" for k, v in draft.facts_changes.items())
        wanted += "；".join(f"成员{m}: {c}" for m, c in draft.member_changes.items())
        discrepancy_note(
            household=household, kind=DiscrepancyKind.VISIT_DIFFERS, document="",
            detail=f"走访更正待核：{wanted}",
        )  # fmt: skip
        return

    for member_id, changes in draft.member_changes.items():
        member = Member.objects.filter(pk=member_id, household=household).first()
        if member is None:
            raise DomainError(E.MEMBER_ELSEWHERE, field="member", name=str(member_id))
        if changes:
            member_update(actor=actor, member=member, changes=changes)
    if draft.facts_changes:
        facts_update(actor=actor, household=household, changes=draft.facts_changes)


def _raise_lead(actor: Any, household: Household, draft: VisitDraft) -> int:
    """One step: the monitoring app's visit-channel lead (imported here, so the app arrows
    stay assistance ← monitoring)."""
    from zhenxing.monitoring.models import Channel
    from zhenxing.monitoring.services import lead_record

    lead = lead_record(
        actor=actor, household=household, channel=Channel.VISIT,
        detail=draft.hardship_detail, risk_types=list(draft.risk_types),
        found_on=draft.visited_on,
    )  # fmt: skip
    return int(lead.pk)


def photo_path(visit: Visit) -> Path | None:
    if not visit.photo:
        return None
    from zhenxing.core.uploads import private_root

    return private_root("visit-photos") / visit.photo
