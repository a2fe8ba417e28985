"""Assistance (帮扶): the measure catalogue, measures, plans, officer assignments, visits, 六统一.

Reference tables shared by every county (the catalogue, plan rules, visit schedules, parameters)
are small. Every other table carries `county_code` and, where a row hangs off a household, its
town and village codes, so `filter_by_household_scope` scopes it; every UNIQUE constraint and
every index leads with `county_code` (architecture.md §5).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from zhenxing.core.models import MoneyField


class Codes(models.Model):
    county_code = models.CharField("区县 County", max_length=6)
    town_code = models.CharField("乡镇 Town", max_length=9)
    village_code = models.CharField("村 Village", max_length=12)

    class Meta:
        abstract = True


# ---------------------------------------------------------------- reference data


class MeasureGroup(models.TextChoices):
    DEVELOPMENTAL = "developmental", "开发式帮扶 Developmental"
    BACKSTOP = "backstop", "兜底保障 Social-security backstop"
    GUARANTEE = "guarantee", "三保障 Basic guarantees"
    SUPPORT = "support", "志智双扶与示范 Motivation and role models"


class MeasureKind(models.Model):
    """One kind of help in the catalogue (domain.md §3.7), held as data (a fixture)."""

    code = models.CharField("代码 Code", max_length=24, unique=True)
    name_zh = models.CharField("名称 Name (zh)", max_length=40)
    name_en = models.CharField("名称 Name (en)", max_length=60)
    group = models.CharField("类别 Group", max_length=14, choices=MeasureGroup.choices)
    # The national rule counts developmental measures for every able-to-work member.
    developmental = models.BooleanField("开发式 Developmental", default=False)
    per_person = models.BooleanField("针对个人 For one person", default=False)
    involves_money = models.BooleanField("涉及金额 Involves money", default=False)
    max_amount = MoneyField("金额上限(元) Amount limit", null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField("启用 Active", default=True)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name_zh


class PlanTarget(models.TextChoices):
    """Which households a plan rule proposes for: a class, or households under monitoring."""

    STABLE = "stable", "稳定户 Stable"
    CONSOLIDATING = "consolidating", "巩固户 Consolidating"
    MARGINAL = "marginal", "临界户 Marginal"
    MONITORED = "monitored", "监测对象 Monitored"


class PlanWho(models.TextChoices):
    HOUSEHOLD = "household", "全户 The household"
    ABLE = "able", "每名有劳动能力的成员 Each member able to work"
    UNABLE = "unable", "每名无劳动能力的成员 Each member unable to work"


class PlanRule(models.Model):
    """A rule of 分类施策, as data: for households of `target` (and, when `risk_type` is set,
    only where the screening found that risk), propose `kind` for `who`, due `due_days` after
    the proposal."""

    year = models.PositiveSmallIntegerField("年度 Year")
    code = models.CharField("代码 Code", max_length=32)
    position = models.PositiveSmallIntegerField()
    target = models.CharField("对象 Target", max_length=14, choices=PlanTarget.choices)
    risk_type = models.CharField("风险类型 Risk type", max_length=24, blank=True)
    who = models.CharField("针对 For", max_length=10, choices=PlanWho.choices)
    kind = models.ForeignKey(MeasureKind, on_delete=models.PROTECT, to_field="code")
    due_days = models.PositiveSmallIntegerField("期限(天) Due in days", default=90)
    reason_zh = models.CharField("说明 Reason", max_length=200)

    class Meta:
        ordering = ["year", "position"]
        constraints = [
            models.UniqueConstraint(fields=["year", "code"], name="planrule_code_once"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.code}"


class VisitSchedule(models.Model):
    """How often a household of a class is visited (data, e.g. 临界 monthly)."""

    target = models.CharField("对象 Target", max_length=14, choices=PlanTarget.choices, unique=True)
    interval_days = models.PositiveSmallIntegerField("走访间隔(天) Days between visits")

    def __str__(self) -> str:
        return f"{self.target}: {self.interval_days}"


class Parameter(models.Model):
    """An assistance number for a region ('' = every county), e.g. households per officer."""

    region_code = models.CharField("适用区划 Region", max_length=9, blank=True)
    name = models.CharField("参数名 Name", max_length=40)
    value = models.PositiveIntegerField("取值 Value")
    label = models.CharField("说明 Label", max_length=120)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region_code", "name"], name="assist_param_once"),
        ]

    def __str__(self) -> str:
        return f"{self.region_code or '*'} {self.name}={self.value}"


# ---------------------------------------------------------------- measures


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", "计划 Planned"
    STARTED = "started", "实施中 Started"
    DONE = "done", "已落实 Done"
    CANCELLED = "cancelled", "已取消 Cancelled"


class Measure(Codes):
    """One piece of help given to a household or one of its members: the one record every app
    reads (monitoring's cases and the risk-elimination guard, the benefit chain's industry and
    property measures, recorded idempotently through `source_ref`)."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    member = models.ForeignKey(
        "households.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.ForeignKey(
        MeasureKind, on_delete=models.PROTECT, to_field="code", related_name="+"
    )
    status = models.CharField(
        "状态 Status", max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    planned_on = models.DateField("计划日期 Planned on")
    started_on = models.DateField("开始日期 Started on", null=True, blank=True)
    done_on = models.DateField("落实日期 Done on", null=True, blank=True)
    amount = MoneyField("金额(元) Amount", null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    evidence = models.CharField("佐证 Evidence", max_length=300, blank=True)
    note = models.CharField("说明 Note", max_length=200, blank=True)
    # The record that produced it (e.g. "agreement:17"): recording it again changes nothing.
    source_ref = models.CharField(max_length=64, blank=True)
    plan_item = models.OneToOneField(
        "PlanItem", null=True, blank=True, on_delete=models.PROTECT, related_name="measure"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["household", "planned_on", "id"]
        indexes = [
            models.Index(fields=["county_code", "household", "status"], name="am_household"),
            models.Index(fields=["county_code", "village_code", "status"], name="am_village"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "source_ref"],
                condition=~Q(source_ref=""),
                name="am_source_once",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="am_amount_nonneg"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False), name="am_done_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.kind_id} {self.status}"


# ---------------------------------------------------------------- plans


class PlanStatus(models.TextChoices):
    PROPOSED = "proposed", "待审核 Proposed"
    REVIEWED = "reviewed", "已审核 Reviewed"


class Plan(Codes):
    """One household's plan for one year (一户一策), proposed from its latest published
    screening result."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    year = models.PositiveSmallIntegerField("年度 Year")
    target = models.CharField("对象 Target", max_length=14, choices=PlanTarget.choices)
    run_id = models.IntegerField("排查批次 Screening run", null=True, blank=True)
    risk_mask = models.BigIntegerField(default=0)
    status = models.CharField(
        "状态 Status", max_length=10, choices=PlanStatus.choices, default=PlanStatus.PROPOSED
    )
    proposed_on = models.DateField("提出日期 Proposed on")

    class Meta:
        ordering = ["household", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "household", "year"], name="plan_once_a_year"
            ),
        ]
        indexes = [models.Index(fields=["county_code", "village_code", "year"], name="plan_area")]

    def __str__(self) -> str:
        return f"plan {self.household_id} {self.year}"


class ItemStatus(models.TextChoices):
    PROPOSED = "proposed", "建议 Proposed"
    ACCEPTED = "accepted", "已采纳 Accepted"
    REJECTED = "rejected", "不采纳 Rejected"
    DONE = "done", "已落实 Done"


class PlanItem(Codes):
    """One item of a plan: a measure kind for the household or one member (逐人逐项)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items", db_index=False)
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    member = models.ForeignKey(
        "households.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The member's id or 0, so "one item per rule and person" is a plain unique key.
    member_slot = models.IntegerField(default=0)
    kind = models.ForeignKey(
        MeasureKind, on_delete=models.PROTECT, to_field="code", related_name="+"
    )
    rule_code = models.CharField("建议规则 Proposed by", max_length=32, blank=True)
    status = models.CharField(
        "状态 Status", max_length=10, choices=ItemStatus.choices, default=ItemStatus.PROPOSED
    )
    due_on = models.DateField("期限 Due on")
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = MoneyField("金额(元) Amount", null=True, blank=True)
    note = models.CharField("说明 Note", max_length=200, blank=True)
    # Set when a person accepted, edited or rejected it: a new proposal never changes it.
    touched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    touched_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "plan", "rule_code", "member_slot"],
                condition=~Q(rule_code=""),
                name="planitem_rule_once",
            ),
        ]
        indexes = [
            models.Index(fields=["county_code", "household", "status"], name="pi_household"),
            models.Index(fields=["county_code", "responsible", "status"], name="pi_responsible"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.kind_id} {self.status}"


# ---------------------------------------------------------------- officers and visits


class OfficerAssignment(Codes):
    """A village information officer (村信息员) responsible for a household, with history:
    one officer per household at a time."""

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    since = models.DateField("起始日期 Since")
    until = models.DateField("结束日期 Until", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "household"],
                condition=Q(until__isnull=True),
                name="officer_one_current",
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="officer_until_after_since",
            ),
        ]
        indexes = [
            models.Index(fields=["county_code", "officer", "until"], name="oa_officer"),
            models.Index(fields=["county_code", "household", "since"], name="oa_household"),
        ]

    def __str__(self) -> str:
        return f"{self.officer_id} → {self.household_id}"


class Document(models.TextChoices):
    """The printed three of 六统一, generated by the system and stamped with a version."""

    ARCHIVE = "archive", "扶贫档案 Archive sheet"
    BOARD = "board", "户专栏 Household board"
    HANDBOOK = "handbook", "户手册 Household handbook"


class Visit(Codes):
    """A home visit (入户走访): who went, whom they met, what they checked, what they found."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField("走访日期 Visit date")
    met = models.CharField("见到的人 Who was met", max_length=200)
    checked = models.JSONField("核查事项 What was checked", default=list)
    findings = models.TextField("走访情况 Findings", blank=True)
    differs = models.TextField("与系统不一致之处 Differences from the record", blank=True)
    hardship = models.BooleanField("发现困难 Hardship found", default=False)
    lead_id = models.IntegerField("监测线索 Monitoring lead", null=True, blank=True)
    # The version each printed document showed at the visit (None: not seen).
    archive_version = models.PositiveIntegerField("档案版本 Archive version", null=True, blank=True)
    board_version = models.PositiveIntegerField("户专栏版本 Board version", null=True, blank=True)
    handbook_version = models.PositiveIntegerField(
        "户手册版本 Handbook version", null=True, blank=True
    )
    photo = models.CharField("照片 Photo", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["county_code", "household", "visited_on"], name="visit_household"),
            models.Index(fields=["county_code", "visitor", "visited_on"], name="visit_visitor"),
        ]

    def __str__(self) -> str:
        return f"visit {self.household_id} {self.visited_on}"


class VisitItem(models.Model):
    """A plan item the visit updated, and the status it left it in."""

    county_code = models.CharField(max_length=6)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(PlanItem, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ItemStatus.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["county_code", "visit", "item"], name="visititem_once")
        ]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.item_id}"


# ---------------------------------------------------------------- 六统一


class PrintStamp(Codes):
    """A printed archive sheet, board or handbook: its version and the record state it shows."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    document = models.CharField("文书 Document", max_length=10, choices=Document.choices)
    version = models.PositiveIntegerField("版本 Version")
    record_at = models.DateTimeField("记录时点 Record as of")
    printed_at = models.DateTimeField("打印时间 Printed at")
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["household", "document", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "household", "document", "version"], name="stamp_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.document} v{self.version}"


class DiscrepancyKind(models.TextChoices):
    OUTDATED = "outdated", "打印件早于系统记录 Printed before the record changed"
    NOT_PRINTED = "not_printed", "未打印 Never printed"
    VERSION_SEEN = "version_seen", "走访所见版本不是最新 Visit saw an older version"
    VISIT_DIFFERS = "visit_differs", "走访发现与系统不一致 Visit found a difference"


class Discrepancy(Codes):
    """A 六统一 discrepancy of one household, open until resolved (an audited action)."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField("类型 Kind", max_length=14, choices=DiscrepancyKind.choices)
    document = models.CharField("文书 Document", max_length=10, blank=True)
    detail = models.CharField("不一致之处 What differs", max_length=300)
    found_on = models.DateField("发现日期 Found on")
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.CharField("处理情况 Resolution", max_length=200, blank=True)

    class Meta:
        ordering = ["village_code", "household", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "household", "kind", "document"],
                condition=Q(resolved_at__isnull=True),
                name="discrepancy_open_once",
            ),
        ]
        indexes = [
            models.Index(fields=["county_code", "village_code", "resolved_at"], name="disc_area"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.kind}"
