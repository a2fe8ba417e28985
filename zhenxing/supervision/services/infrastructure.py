"""Infrastructure and public-service projects (targets with a unit, an owner and milestones),
their progress reports, and the counted facts of each village."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from zhenxing.accounts.access import require_allowed
from zhenxing.accounts.models import User
from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record
from zhenxing.core.errors import DomainError
from zhenxing.core.timeutil import business_today
from zhenxing.supervision import domain, policies
from zhenxing.supervision.choices import Category, Level, ProjectKind
from zhenxing.supervision.errors import SupervisionErrorCode
from zhenxing.supervision.models import Milestone, ProgressReport, Project, VillageFacts
from zhenxing.supervision.services._common import bad, county_of, owner_of, region, required

MAX_VALUE = Decimal("9999999999.99")


def _number(value: Any, field: str, zh: str, en: str) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError) as exc:
        raise bad(field, zh, en) from exc
    if not number.is_finite() or number < 0 or number > MAX_VALUE:
        raise bad(field, zh, en)
    if number != number.quantize(Decimal("0.01")):
        raise bad(field, zh, en)
    return number


def project_create(
    *,
    actor: User | None,
    code: str,
    name: str,
    category: str,
    kind: str,
    level: str,
    unit: str,
    target: Any,
    owner_type: str,
    owner: object,
    due_on: date | None = None,
    milestones: Sequence[tuple[str, date]] = (),
    county_code: str = "",
) -> Project:
    require_allowed(policies.can_manage_projects(actor), actor, "project_create")
    county = county_of(actor, county_code)
    required(code, "code", "项目编号", "Project number")
    required(name, "name", "项目名称", "Project")
    required(unit, "unit", "计量单位", "Unit")
    if category not in Category.values:
        raise bad("category", "类别", "Category")
    if kind not in ProjectKind.values:
        raise bad("kind", "性质", "Kind")
    if level not in Level.values:
        raise bad("level", "层级", "Level")
    value = _number(target, "target", "目标值", "Target")
    if value <= 0:
        raise bad("target", "目标值", "Target")
    who = owner_of(actor, county, owner_type, owner)
    if Project.objects.filter(county_code=county, code=code.strip()).exists():
        raise bad("code", "项目编号（重复）", "Project number (duplicate)")
    with transaction.atomic():
        project = Project.objects.create(
            county_code=county,
            code=code.strip(),
            name=name.strip(),
            category=category,
            kind=kind,
            level=level,
            unit=unit.strip(),
            target=value,
            due_on=due_on,
            owner_type=who.owner_type,
            **who.fields,
        )
        Milestone.objects.bulk_create(
            [
                Milestone(county_code=county, project=project, name=m, due_on=d)
                for m, d in milestones
            ]
        )
        record(
            AuditEventType.SUPERVISION_RECORD,
            actor=actor,
            obj=project,
            username="" if actor else "命令行 CLI",
            detail={"kind": "project"},
        )
    return project


def progress_report(
    *, actor: User | None, project: Project, reported_on: date, value: Any, note: str = ""
) -> ProgressReport:
    """The project's cumulative value; above 100 % of the target only with a note."""
    require_allowed(policies.can_report_progress(actor), actor, "progress_report")
    if project.village_code:
        region(
            actor, project.village_code, level="village", field="project", zh="项目", en="Project"
        )
    elif project.town_code:
        region(actor, project.town_code, level="town", field="project", zh="项目", en="Project")
    required(reported_on, "reported_on", "填报日期", "Report date")
    if reported_on > business_today():
        raise bad("reported_on", "填报日期", "Report date")
    amount = _number(value, "value", "进度", "Progress")
    if domain.over_target(amount, project.target) and not note.strip():
        raise DomainError(
            SupervisionErrorCode.OVER_TARGET,
            field="value",
            value=f"{amount:,}",
            target=f"{project.target:,}",
            unit=project.unit,
        )
    with transaction.atomic():
        report = ProgressReport.objects.create(
            county_code=project.county_code,
            project=project,
            reported_on=reported_on,
            value=amount,
            note=note.strip()[:200],
            reporter=actor,
        )
        record(
            AuditEventType.SUPERVISION_PROGRESS,
            actor=actor,
            obj=report,
            username="" if actor else "命令行 CLI",
            detail={
                "project": project.code,
                "value": str(amount),
                "reported_on": reported_on.isoformat(),
            },
        )
    return report


def milestone_done(*, actor: User | None, milestone: Milestone, done_on: date) -> Milestone:
    require_allowed(policies.can_report_progress(actor), actor, "milestone_done")
    if done_on > business_today():
        raise bad("done_on", "完成日期", "Done on")
    with transaction.atomic():
        milestone.done_on = done_on
        milestone.save(update_fields=["done_on"])
        record(
            AuditEventType.SUPERVISION_PROGRESS,
            actor=actor,
            obj=milestone,
            username="" if actor else "命令行 CLI",
            detail={"milestone": milestone.name},
        )
    return milestone


def village_facts_record(
    *,
    actor: User | None,
    village_code: str,
    clinics: int,
    doctors: int,
    waste_sorting: int,
    as_of: date,
) -> VillageFacts:
    require_allowed(policies.can_report_progress(actor), actor, "village_facts_record")
    village = region(actor, village_code, level="village", field="village", zh="村", en="Village")
    for value, field, zh in (
        (clinics, "clinics", "标准化卫生室"),
        (doctors, "doctors", "合格村医"),
        (waste_sorting, "waste_sorting", "垃圾分类"),
    ):
        if not isinstance(value, int) or not 0 <= value <= 99:
            raise bad(field, zh, field)
    with transaction.atomic():
        facts, _ = VillageFacts.objects.update_or_create(
            county_code=village.county_code,
            village_code=village.code,
            defaults={
                "town_code": village.town_code,
                "clinics": clinics,
                "doctors": doctors,
                "waste_sorting": waste_sorting,
                "as_of": as_of,
                "recorded_by": actor,
            },
        )
        record(
            AuditEventType.SUPERVISION_PROGRESS,
            actor=actor,
            obj=facts,
            username="" if actor else "命令行 CLI",
            detail={"village": village.code},
        )
    return facts
