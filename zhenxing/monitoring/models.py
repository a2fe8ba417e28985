"""Return-to-poverty monitoring (防止返贫动态监测): leads, cases and their steps, public notices
and objections, monitoring periods, income observations, assistance measures, public
declarations and department alert imports.

Every household-scoped table carries the county/town/village codes (scope by equality). States
and transitions are defined in `domain.py`; only the services change them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhenxing.households.choices import MonitoringType
from zhenxing.monitoring.domain import CaseKind, State


class RegionCodes(models.Model):
    county_code = models.CharField("区县 County", max_length=6)
    town_code = models.CharField("乡镇 Town", max_length=9)
    village_code = models.CharField("村 Village", max_length=12)

    class Meta:
        abstract = True


class Channel(models.TextChoices):
    SCREENING = "screening", "基层干部排查（排查结果）Grass-roots screening"
    VISIT = "visit", "基层干部排查（走访发现）Visit finding"
    DECLARATION = "declaration", "农户自主申报 Self-declaration"
    DEPARTMENT = "department", "部门筛查预警 Department alert"
    SUPERVISION = "supervision", "督战发现 Supervision finding"


class AlertSource(models.TextChoices):
    MEDICAL = "medical", "医保部门（大额自付医疗费用）Medical insurance"
    CIVIL_AFFAIRS = "civil_affairs", "民政部门（低保、特困变化）Civil affairs"
    DISABILITY = "disability", "残联（残疾人）Disability federation"
    EDUCATION = "education", "教育部门（失学辍学）Education"
    HOUSING = "housing", "住建部门（危房）Housing"


class LeadStatus(models.TextChoices):
    PENDING = "pending", "待受理 Pending acceptance"
    OPEN = "open", "待处理 Open"
    ACCEPTED = "accepted", "已立案 Case opened"
    MERGED = "merged", "已并入在办流程 Merged into an open case"
    DISMISSED = "dismissed", "不予立案 Dismissed"


OPEN_LEAD_STATUSES = (LeadStatus.PENDING, LeadStatus.OPEN)

STATE_LABELS: dict[str, str] = {
    State.VERIFYING: "待入户核实 Awaiting home verification",
    State.VERIFIED: "已入户核实 Verified at home",
    State.AUTHORISED: "已承诺授权 Authorisation signed",
    State.COMPARED: "已信息比对 Information compared",
    State.EVALUATED: "已民主评议 Village evaluation done",
    State.IN_NOTICE: "公示中 In public notice",
    State.NOTICED: "公示期满 Notice period over",
    State.TOWN_REVIEWED: "乡镇已审核 Reviewed by the town",
    State.COUNTY_APPROVED: "县级已审定 Approved by the county",
    State.INCLUDED: "已纳入监测 Included in monitoring",
    State.REJECTED: "不予纳入 Not included",
    State.ELIMINATED: "风险已消除 Risk eliminated",
    State.NOT_ELIMINATED: "风险未消除 Risk not eliminated",
}


class Lead(RegionCodes):
    """A risk clue about a household from one of the three channels (domain.md §3.4)."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    channel = models.CharField("渠道 Channel", max_length=12, choices=Channel.choices)
    source = models.CharField(
        "预警部门 Alert source", max_length=14, choices=AlertSource.choices, blank=True
    )
    detail = models.CharField("线索 Detail", max_length=300, blank=True)
    risk_mask = models.BigIntegerField("风险类型 Risk types", default=0)
    found_on = models.DateField("发现日期 Found on")
    due_on = models.DateField("办结期限 Decision due")
    accept_due_on = models.DateField("受理期限 Acceptance due", null=True, blank=True)
    status = models.CharField(
        "状态 Status", max_length=10, choices=LeadStatus.choices, default=LeadStatus.OPEN
    )
    # What makes a lead unique, so a re-run or a re-import creates nothing new.
    dedupe_key = models.CharField(max_length=80, unique=True)
    run = models.ForeignKey(
        "screening.Run", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # No single-column indexes on the bookkeeping keys: 100,000 alert leads go in per import.
    alert_import = models.ForeignKey(
        "AlertImport",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
        db_index=False,
    )
    amount = models.BigIntegerField("金额(分) Amount (fen)", null=True, blank=True)
    case = models.ForeignKey(
        "Case", null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    closed_reason = models.CharField("处理说明 Outcome note", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-found_on", "-id"]
        indexes = [
            models.Index(fields=["town_code", "status", "due_on"], name="lead_town_status"),
            models.Index(fields=["village_code", "status", "due_on"], name="lead_vill_status"),
            models.Index(fields=["county_code", "status", "due_on"], name="lead_county_status"),
            models.Index(fields=["household", "status"], name="lead_household"),
        ]

    def __str__(self) -> str:
        return f"lead {self.pk} {self.channel} {self.status}"


class Case(RegionCodes):
    """One identification (识别) or risk-elimination (风险消除) procedure of one household."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField(
        "流程 Kind",
        max_length=14,
        choices=[
            (CaseKind.IDENTIFICATION.value, "监测对象识别 Identification"),
            (CaseKind.ELIMINATION.value, "风险消除 Risk elimination"),
        ],
    )
    state = models.CharField(
        "状态 State", max_length=16, choices=list(STATE_LABELS.items()), default=State.VERIFYING
    )
    opened_on = models.DateField("立案日期 Opened on")
    due_on = models.DateField("办结期限 Decision due")
    decided_on = models.DateField("办结日期 Decided on", null=True, blank=True)
    monitoring_type = models.CharField(
        "监测对象类型 Monitoring type", max_length=16, choices=MonitoringType.choices, blank=True
    )
    risk_mask = models.BigIntegerField("风险类型 Risk types", default=0)
    start_date = models.DateField("监测起始日期 Monitoring start", null=True, blank=True)
    outcome_reason = models.CharField("办结说明 Outcome note", max_length=300, blank=True)
    notice = models.ForeignKey(
        "Notice", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    # The person who took the last step: four eyes compares the next reviewer with them.
    last_actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_step_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["town_code", "decided_on", "due_on"], name="case_town_due"),
            models.Index(fields=["village_code", "decided_on", "due_on"], name="case_vill_due"),
            models.Index(fields=["county_code", "decided_on", "due_on"], name="case_county_due"),
            models.Index(fields=["town_code", "state", "due_on"], name="case_town_state"),
            models.Index(fields=["household", "kind"], name="case_household"),
        ]
        constraints = [
            # One open case of each kind per household: a second lead merges into it.
            models.UniqueConstraint(
                fields=["household", "kind"],
                condition=Q(decided_on__isnull=True),
                name="case_one_open_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"case {self.pk} {self.kind} {self.state}"

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)

    @property
    def is_open(self) -> bool:
        return self.decided_on is None


class CaseStep(models.Model):
    """One transition of a case: who, when, notes, attachments' metadata, the step's data."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="steps")
    action = models.CharField("步骤 Step", max_length=16)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=20, blank=True)
    at = models.DateTimeField("时间 At")
    notes = models.TextField("说明 Notes", blank=True)
    # Review steps: who submitted what was reviewed (four eyes); the approver is `actor`.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attachments = models.JSONField("附件 Attachments", default=list, blank=True)
    data = models.JSONField("记录 Record", default=dict, blank=True)

    class Meta:
        ordering = ["case", "at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_state} → {self.to_state}"


class Notice(RegionCodes):
    """A public notice (公示) posted once, in the village, for one or more cases of one kind."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("公示类别 Kind", max_length=14)
    title = models.CharField("标题 Title", max_length=120)
    published_at = models.DateTimeField("发布时间 Published at")
    start_date = models.DateField("公示开始 First day")
    end_date = models.DateField("公示截止 Last day")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at"]
        indexes = [
            models.Index(fields=["village_code", "published_at"], name="notice_village"),
            models.Index(fields=["town_code", "published_at"], name="notice_town"),
        ]

    def __str__(self) -> str:
        return f"notice {self.pk} {self.village_code} {self.start_date}–{self.end_date}"


class Objection(models.Model):
    """An objection received while a notice runs; it blocks the cases until resolved."""

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="objections"
    )
    received_at = models.DateTimeField("收到时间 Received at")
    summary = models.TextField("异议内容摘要 Summary")
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField("处理时间 Resolved at", null=True, blank=True)
    resolution = models.TextField("处理结果 Resolution", blank=True)
    upheld = models.BooleanField("异议成立 Upheld", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"objection {self.pk} on notice {self.notice_id}"


class Monitoring(RegionCodes):
    """A household's period as a monitored household (监测对象), from inclusion to elimination.

    The indicators count these: monitored at a date, new and eliminated in a period, persons
    as counted when the household was included.
    """

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    monitoring_type = models.CharField(max_length=16, choices=MonitoringType.choices)
    risk_mask = models.BigIntegerField(default=0)
    persons = models.PositiveSmallIntegerField("人数 Persons")
    started_on = models.DateField("纳入日期 Started on")
    ended_on = models.DateField("风险消除日期 Eliminated on", null=True, blank=True)
    identification = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="+")
    elimination = models.OneToOneField(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["county_code", "started_on"], name="mon_county_start"),
            models.Index(fields=["household", "ended_on"], name="mon_household"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=Q(ended_on__isnull=True), name="mon_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"monitoring {self.household_id} {self.started_on}–{self.ended_on or ''}"


class IncomeSource(models.TextChoices):
    VISIT = "visit", "入户走访 Visit"
    SCREENING = "screening", "排查快照 Screening snapshot"
    DECLARATION = "declaration", "农户申报 Declaration"


class IncomeObservation(RegionCodes):
    """The household's per-capita net income as observed in one month (annualised, fen).

    The elimination guard needs income "above the threshold for at least 6 months": one
    observation per calendar month, from a visit, a declaration or a screening run.
    """

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    month = models.DateField("月份 Month")  # the first day of the month
    per_capita_fen = models.BigIntegerField("人均纯收入(分) Per-capita net income (fen)")
    source = models.CharField("来源 Source", max_length=12, choices=IncomeSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["household", "month"]
        constraints = [
            models.UniqueConstraint(fields=["household", "month"], name="income_obs_month"),
            models.CheckConstraint(condition=Q(per_capita_fen__gte=0), name="income_obs_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.month:%Y-%m} {self.per_capita_fen}"


class MeasureKind(models.TextChoices):
    """The assistance catalogue of domain.md §3.7 (a minimal record until assistance plans)."""

    MICRO_CREDIT = "micro_credit", "小额信贷 Micro-credit"
    SKILLS_TRAINING = "skills_training", "技能培训 Skills training"
    TRANSPORT_SUBSIDY = "transport_subsidy", "务工交通补助 Migrant transport subsidy"
    PUBLIC_WELFARE_JOB = "public_job", "公益岗位 Public-welfare job"
    WORK_FOR_RELIEF = "work_for_relief", "以工代赈 Work for relief"
    YULU = "yulu", "雨露计划 Vocational-school subsidy"
    MEDICAL = "medical", "医疗保障与救助 Medical cover and aid"
    HOUSING = "housing", "危房改造 House renovation"
    DIBAO = "dibao", "低保 Minimum living allowance"
    TEKUN = "tekun", "特困供养 Extreme-poverty support"
    TEMPORARY_RELIEF = "relief", "临时救助 Temporary relief"
    DISABILITY_ALLOWANCE = "disability", "残疾人补贴 Disability allowance"
    INDUSTRY = "industry", "产业帮扶 Industry support"
    EMPLOYMENT = "employment", "就业帮扶 Employment support"
    OTHER = "other", "其他 Other"


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", "计划 Planned"
    DONE = "done", "已落实 Done"


class Measure(RegionCodes):
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField("措施 Measure", max_length=18, choices=MeasureKind.choices)
    status = models.CharField(
        "状态 Status",
        max_length=8,
        choices=MeasureStatus.choices,
        default=MeasureStatus.PLANNED,
    )
    planned_on = models.DateField("计划日期 Planned on")
    done_on = models.DateField("落实日期 Done on", null=True, blank=True)
    note = models.CharField("说明 Note", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["household", "planned_on", "id"]
        indexes = [models.Index(fields=["household", "status"], name="measure_household")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.kind} {self.status}"


class DeclarationStatus(models.TextChoices):
    MATCHED = "matched", "已匹配 Matched"
    UNMATCHED = "unmatched", "待核实 To review"
    LINKED = "linked", "已关联农户 Linked"
    DISMISSED = "dismissed", "不予受理 Dismissed"


class Declaration(RegionCodes):
    """A self-declaration from the public page. Matched to a member (name + ID) it becomes a
    pending lead; unmatched it waits for the village officer. Personal values are sealed."""

    name = models.CharField("姓名 Name", max_length=60)
    id_cipher = models.TextField()
    id_index = models.CharField(max_length=64, db_index=True)
    phone_cipher = models.TextField(blank=True)
    what_happened = models.TextField("情况说明 What happened")
    received_at = models.DateTimeField("收到时间 Received at")
    ip_index = models.CharField(max_length=64)  # HMAC of the address: a rate limit, not a log
    lead = models.ForeignKey(
        Lead, null=True, blank=True, on_delete=models.PROTECT, related_name="declarations"
    )
    status = models.CharField(
        "状态 Status",
        max_length=10,
        choices=DeclarationStatus.choices,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["ip_index", "received_at"], name="decl_ip"),
            models.Index(fields=["village_code", "status"], name="decl_village"),
        ]

    def __str__(self) -> str:
        return f"declaration {self.pk} {self.status}"


class AlertImport(models.Model):
    """One committed department alert file: counts only (the rows live on as leads)."""

    source = models.CharField("部门 Source", max_length=14, choices=AlertSource.choices)
    file_name = models.CharField("文件 File", max_length=120)
    rows = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)
    ambiguous = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    leads_created = models.PositiveIntegerField(default=0)
    county_code = models.CharField(max_length=6, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source} {self.file_name}"
