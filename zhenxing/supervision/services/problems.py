"""Supervision visits and their findings, problems (assign → rectify with evidence → verify by
someone else), overdue escalation, and the responsibility list.

A problem about a household's hardship raises a monitoring lead (supervision channel) through
`monitoring.services.lead_record`, inside the same transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction

from zhenxing.accounts.access import require_allowed
from zhenxing.accounts.models import User
from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record
from zhenxing.core.errors import DomainError, NotInScope
from zhenxing.core.timeutil import business_today
from zhenxing.core.uploads import UploadErrorCode, private_root, save_upload
from zhenxing.households.models import Household
from zhenxing.households.selectors import households_visible
from zhenxing.supervision import policies
from zhenxing.supervision.choices import ItemStatus, Pillar, ProblemStatus
from zhenxing.supervision.errors import SupervisionErrorCode
from zhenxing.supervision.models import (
    CheckItem,
    Commander,
    Evidence,
    Finding,
    Problem,
    ResponsibilityItem,
    SupervisionVisit,
)
from zhenxing.supervision.services._common import bad, county_of, owner_of, region, required

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# Evidence files: photos (the shared photo check), PDF scans by their first bytes, or a sheet.
_PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
_PDF_MAGIC = b"%PDF-"


def _audit(actor: User | None, obj: object, kind: str, **detail: object) -> None:
    record(
        AuditEventType.SUPERVISION_RECORD,
        actor=actor,
        obj=obj,
        username="" if actor else "命令行 CLI",
        detail={"kind": kind, **detail},
    )


@dataclass(frozen=True)
class FindingDraft:
    check: str
    text: str
    household: Household | None = None


def _household(actor: User | None, household: Household | None) -> Household | None:
    if household is None or actor is None:
        return household
    if not households_visible(actor).filter(pk=household.pk).exists():
        raise NotInScope("household", str(household.pk))
    return household


def visit_record(
    *,
    actor: User | None,
    commander: Commander,
    visited_on: date,
    town_code: str,
    village_code: str = "",
    household: Household | None = None,
    companions: str = "",
    checked: Sequence[str] = (),
    summary: str = "",
    findings: Iterable[FindingDraft] = (),
) -> SupervisionVisit:
    """A commander's visit: where, who went, what was checked and what was found."""
    require_allowed(policies.can_record_visit(actor), actor, "visit_record")
    required(visited_on, "visited_on", "走访日期", "Visit date")
    if visited_on > business_today():
        raise bad("visited_on", "走访日期", "Visit date")
    town = region(actor, town_code, level="town", field="town", zh="乡镇", en="Town")
    if town.county_code != commander.county_code:
        raise bad("town", "乡镇", "Town")
    village_code = village_code.strip()
    if village_code:
        village = region(
            actor, village_code, level="village", field="village", zh="村", en="Village"
        )
        if village.town_code != town.code:
            raise bad("village", "村", "Village")
    _household(actor, household)
    if household is not None and household.town_code != town.code:
        raise bad("household", "农户", "Household")
    catalogue = {c.code: c for c in CheckItem.objects.all()}
    if not checked or any(code not in catalogue for code in checked):
        raise bad("checked", "检查内容", "What was checked")
    drafts = list(findings)
    for i, draft in enumerate(drafts, start=1):
        if draft.check not in catalogue:
            raise bad(f"findings[{i}].check", f"第 {i} 条发现的检查内容", f"Finding {i}: check")
        required(draft.text, f"findings[{i}].text", f"第 {i} 条发现", f"Finding {i}")
        _household(actor, draft.household)
    with transaction.atomic():
        visit = SupervisionVisit.objects.create(
            county_code=town.county_code,
            town_code=town.code,
            village_code=village_code,
            household=household,
            visited_on=visited_on,
            commander=commander,
            companions=companions.strip()[:200],
            checked=list(dict.fromkeys(checked)),
            summary=summary.strip(),
            recorded_by=actor,
        )
        Finding.objects.bulk_create(
            [
                Finding(
                    county_code=visit.county_code,
                    visit=visit,
                    check_item=catalogue[d.check],
                    household=d.household or household,
                    text=d.text.strip(),
                )
                for d in drafts
            ]
        )
        _audit(actor, visit, "visit", findings=len(drafts))
    return visit


def problem_assign(
    *,
    actor: User | None,
    finding: Finding,
    owner_type: str,
    owner: object,
    deadline: date | None,
    title: str = "",
) -> Problem:
    """Turn a finding into a problem with an owner and a deadline (not before the visit)."""
    require_allowed(policies.can_assign_problem(actor), actor, "problem_assign")
    visit = finding.visit
    if not owner:
        raise DomainError(
            SupervisionErrorCode.REQUIRED, field="owner", field_zh="责任主体", field_en="Owner"
        )
    required(deadline, "deadline", "整改期限", "Deadline")
    assert deadline is not None  # noqa: S101 — narrowed by `required`
    if deadline < visit.visited_on:
        raise DomainError(
            SupervisionErrorCode.DEADLINE_BEFORE_VISIT,
            field="deadline",
            visited=visit.visited_on.isoformat(),
        )
    if Problem.objects.filter(finding=finding).exists():
        raise bad("finding", "发现（已交办）", "Finding (already assigned)")
    who = owner_of(actor, visit.county_code, owner_type, owner)
    codes = dict(who.fields)
    codes["town_code"] = codes["town_code"] or visit.town_code
    codes["village_code"] = codes["village_code"] or visit.village_code
    with transaction.atomic():
        problem = Problem.objects.create(
            county_code=visit.county_code,
            owner_type=who.owner_type,
            finding=finding,
            commander=visit.commander,
            household=finding.household,
            title=(title or finding.text).strip()[:200],
            found_on=visit.visited_on,
            deadline=deadline,
            created_by=actor,
            **codes,
        )
        if finding.household is not None and finding.check_item.household_hardship:
            from zhenxing.monitoring.models import Channel
            from zhenxing.monitoring.services import lead_record

            problem.lead = lead_record(
                actor=actor,  # type: ignore[arg-type]
                household=finding.household,
                channel=Channel.SUPERVISION,
                detail=f"督战发现：{problem.title}"[:300],
                found_on=visit.visited_on,
            )
            problem.save(update_fields=["lead"])
        _audit(actor, problem, "problem", owner_type=who.owner_type, lead=problem.lead_id)
    return problem


def _locked(problem: Problem, *expected: str) -> Problem:
    fresh = Problem.objects.select_for_update().get(pk=problem.pk, county_code=problem.county_code)
    if fresh.status not in expected:
        raise DomainError(
            SupervisionErrorCode.WRONG_STATUS,
            status=fresh.get_status_display(),
            status_en=fresh.status,
        )
    return fresh


def problem_rectify(*, actor: User | None, problem: Problem, rectification: str) -> Problem:
    """The owner's side reports what was done; without that evidence nothing can close."""
    require_allowed(policies.can_rectify(actor), actor, "problem_rectify")
    if not rectification or not rectification.strip():
        raise DomainError(SupervisionErrorCode.NO_EVIDENCE, field="rectification")
    with transaction.atomic():
        fresh = _locked(problem, ProblemStatus.OPEN)
        fresh.rectification = rectification.strip()
        fresh.rectified_by = actor
        fresh.rectified_on = business_today()
        fresh.status = ProblemStatus.RECTIFIED
        fresh.save(update_fields=["rectification", "rectified_by", "rectified_on", "status"])
        _audit(actor, fresh, "problem_rectify")
    return fresh


def problem_verify(
    *, actor: User | None, problem: Problem, accept: bool, note: str = ""
) -> Problem:
    """Four eyes: neither the owner nor the rectifier verifies. Accepted → closed; refused →
    back to the owner with the note."""
    require_allowed(policies.can_verify(actor), actor, "problem_verify")
    if not accept:
        required(note, "note", "退回理由", "Reason")
    with transaction.atomic():
        fresh = _locked(problem, ProblemStatus.RECTIFIED)
        if actor is not None and actor.pk in (fresh.owner_user_id, fresh.rectified_by_id):
            raise DomainError(SupervisionErrorCode.VERIFIER_IS_OWNER, field="verified_by")
        if not fresh.rectification.strip():
            raise DomainError(SupervisionErrorCode.NO_EVIDENCE, field="rectification")
        fresh.verification_note = note.strip()
        if accept:
            fresh.status = ProblemStatus.VERIFIED
            fresh.verified_by = actor
            fresh.verified_on = business_today()
        else:
            fresh.status = ProblemStatus.OPEN
        fresh.save(update_fields=["status", "verified_by", "verified_on", "verification_note"])
        _audit(actor, fresh, "problem_verify", accepted=accept)
    return fresh


def problem_evidence_add(
    *, actor: User | None, problem: Problem, name: str, chunks: Iterable[bytes]
) -> Evidence:
    """A photo, scan or sheet proving the rectification, kept in private storage."""
    require_allowed(policies.can_rectify(actor), actor, "problem_evidence_add")
    from zhenxing.core.uploads import check_image, check_upload

    suffix = Path(name or "").suffix.lower()
    if suffix not in (*_PHOTO_SUFFIXES, ".pdf", ".xlsx", ".csv") or "/" in name or "\\" in name:
        raise DomainError(UploadErrorCode.BAD_EXTENSION, suffix=suffix[:10] or "-")
    folder = private_root("supervision") / problem.county_code
    stored = folder / f"{uuid.uuid4()}{suffix}"
    size = save_upload(chunks, stored, max_bytes=EVIDENCE_MAX_BYTES)
    try:
        if suffix in _PHOTO_SUFFIXES:
            check_image(stored, name=name, max_bytes=EVIDENCE_MAX_BYTES)
        elif suffix == ".pdf":
            with stored.open("rb") as fh:
                head = fh.read(16)
            if size == 0 or not head.startswith(_PDF_MAGIC):
                raise DomainError(UploadErrorCode.BAD_EXTENSION, suffix=suffix)
        else:
            check_upload(stored, name=name)
        with transaction.atomic():
            evidence = Evidence.objects.create(
                county_code=problem.county_code,
                problem=problem,
                file_name=Path(name).name[:120],
                stored=str(stored.relative_to(private_root("supervision"))),
                size=size,
                uploaded_by=actor,
            )
            _audit(actor, evidence, "evidence", problem=problem.pk, size=size)
    except BaseException:
        stored.unlink(missing_ok=True)
        raise
    return evidence


def problems_escalate(*, actor: User | None, county_code: str, today: date | None = None) -> int:
    """Stamp every overdue open problem and item of the county as escalated (set-based: one
    UPDATE each); the commanders of their towns and departments see them on their home page."""
    require_allowed(policies.can_manage_items(actor), actor, "problems_escalate")
    day = today or business_today()
    with transaction.atomic():
        n = (
            Problem.objects.filter(
                county_code=county_code, deadline__lt=day, escalated_on__isnull=True
            )
            .exclude(status=ProblemStatus.VERIFIED)
            .update(escalated_on=day)
        )
        record(
            AuditEventType.SUPERVISION_RECORD,
            actor=actor,
            object_type="county",
            object_id=county_code,
            username="" if actor else "命令行 CLI",
            detail={"kind": "escalate", "problems": n},
        )
    return n


def item_create(
    *,
    actor: User | None,
    title: str,
    pillar: str,
    owner_type: str,
    owner: object,
    due_on: date | None,
    county_code: str = "",
) -> ResponsibilityItem:
    require_allowed(policies.can_manage_items(actor), actor, "item_create")
    county = county_of(actor, county_code)
    required(title, "title", "责任事项", "Item")
    if pillar not in Pillar.values:
        raise bad("pillar", "保障类别", "Area")
    if not owner:
        raise DomainError(
            SupervisionErrorCode.REQUIRED, field="owner", field_zh="责任主体", field_en="Owner"
        )
    required(due_on, "due_on", "完成时限", "Due date")
    assert due_on is not None  # noqa: S101 — narrowed by `required`
    who = owner_of(actor, county, owner_type, owner)
    with transaction.atomic():
        item = ResponsibilityItem.objects.create(
            county_code=county,
            title=title.strip()[:200],
            pillar=pillar,
            owner_type=who.owner_type,
            due_on=due_on,
            created_by=actor,
            **who.fields,
        )
        _audit(actor, item, "item", owner_type=who.owner_type)
    return item


def item_complete(*, actor: User | None, item: ResponsibilityItem) -> ResponsibilityItem:
    require_allowed(policies.can_complete_item(actor), actor, "item_complete")
    with transaction.atomic():
        fresh = ResponsibilityItem.objects.select_for_update().get(
            pk=item.pk, county_code=item.county_code
        )
        if fresh.status != ItemStatus.OPEN:
            raise bad("status", "状态", "Status")
        fresh.status = ItemStatus.DONE
        fresh.done_on = business_today()
        fresh.save(update_fields=["status", "done_on"])
        _audit(actor, fresh, "item_done")
    return fresh
