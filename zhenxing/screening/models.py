"""Rule sets and parameters (data, versioned by year and region), runs and their results.

A rule set version that a run has used is frozen (`used_at` set): a change is a new version.
A run writes one result row per household holding the snapshot it judged (every indicator)
and the decision; nothing about a household is updated in place (architecture.md §5).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Severity(models.TextChoices):
    CRITICAL = "critical", "严重 Critical"
    WARNING = "warning", "预警 Warning"


class StabilityClass(models.TextChoices):
    STABLE = "stable", "稳定 Stable"
    CONSOLIDATING = "consolidating", "巩固 Consolidating"
    MARGINAL = "marginal", "临界 Marginal"


class RiskType(models.TextChoices):
    """Return-to-poverty risk types (domain.md §3.6), plus income shortfall."""

    ILLNESS = "illness", "因病 Illness"
    DISABILITY = "disability", "因残 Disability"
    SCHOOLING = "schooling", "因学 Schooling costs"
    NATURAL_DISASTER = "natural_disaster", "因自然灾害 Natural disaster"
    ACCIDENT = "accident", "因意外事故 Accident"
    INDUSTRY_FAILURE = "industry_failure", "因产业项目失败 Industry failure"
    UNSTABLE_EMPLOYMENT = "unstable_employment", "因务工就业不稳 Unstable employment"
    LACK_OF_LABOUR = "lack_of_labour", "缺劳动力 Lack of labour"
    HOUSING_SAFETY = "housing_safety", "住房安全 Housing safety"
    DRINKING_WATER = "drinking_water", "饮水安全 Drinking water"
    EDUCATION_GUARANTEE = "education_guarantee", "义务教育 Compulsory education"
    MEDICAL_GUARANTEE = "medical_guarantee", "基本医疗 Basic medical care"
    INCOME_SHORTFALL = "income_shortfall", "收入不足 Income shortfall"
    OTHER = "other", "其他 Other"


RISK_BITS: dict[str, int] = {code: 1 << i for i, code in enumerate(RiskType.values)}


class RuleSet(models.Model):
    """One version of the rules for a year and a region (a county default or a town override)."""

    name = models.CharField("名称 Name", max_length=100)
    year = models.PositiveSmallIntegerField("年度 Year")
    region_code = models.CharField("适用区划 Region", max_length=9)
    version = models.PositiveIntegerField("版本 Version")
    published = models.BooleanField("已发布 Published", default=False)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT)
    source = models.TextField("规则文本(YAML) Source", blank=True)
    note = models.CharField("说明 Note", max_length=200, blank=True)
    used_at = models.DateTimeField("首次使用 First used", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "region_code", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "region_code", "version"], name="ruleset_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year} {self.region_code} v{self.version}"

    @property
    def frozen(self) -> bool:
        return self.used_at is not None


class Rule(models.Model):
    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveSmallIntegerField()
    code = models.CharField("代码 Code", max_length=32)
    look = models.CharField("看 Look", max_length=40)
    question = models.CharField("问 Question", max_length=40)
    expression = models.TextField("表达式 Expression")
    severity = models.CharField("严重程度 Severity", max_length=8, choices=Severity.choices)
    risk_type = models.CharField("风险类型 Risk type", max_length=24, choices=RiskType.choices)
    reason_zh = models.CharField("原因（中文）Reason (zh)", max_length=300)
    reason_en = models.CharField("原因（英文）Reason (en)", max_length=300)

    class Meta:
        ordering = ["rule_set", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="rule_code_unique"),
            models.UniqueConstraint(fields=["rule_set", "position"], name="rule_position_unique"),
        ]

    def __str__(self) -> str:
        return self.code


class Parameter(models.Model):
    """A business number for a year and region; a town's value overrides the county's."""

    KIND_CHOICES = [("money", "金额(元) Money"), ("number", "数值 Number"), ("ratio", "比例 Ratio")]

    year = models.PositiveSmallIntegerField("年度 Year")
    region_code = models.CharField("适用区划 Region", max_length=9)
    name = models.CharField("参数名 Name", max_length=40)
    kind = models.CharField("类型 Kind", max_length=6, choices=KIND_CHOICES)
    # Exact decimal text: SQLite would store a DecimalField as a float.
    value = models.CharField("取值 Value", max_length=24)
    label = models.CharField("说明 Label", max_length=120)
    source = models.CharField("依据 Source", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "region_code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "region_code", "name"], name="parameter_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.region_code} ${self.name}={self.value}"


class Run(models.Model):
    STATUS_CHOICES = [
        ("running", "运行中 Running"),
        ("done", "已完成 Done"),
        ("failed", "失败 Failed"),
        ("published", "已发布 Published"),
        ("discarded", "已放弃 Discarded"),
    ]

    year = models.PositiveSmallIntegerField("年度 Year")
    county_code = models.CharField("区县 County", max_length=6)
    as_of = models.DateField("基准日 Reference date")
    what_if = models.BooleanField("模拟 What-if", default=False)
    status = models.CharField("状态 Status", max_length=10, choices=STATUS_CHOICES)
    # Which rule set and parameter values each town was judged by: the evidence of the run.
    plan = models.JSONField("规则与参数 Rules and parameters", default=dict)
    counts = models.JSONField("统计 Counts", default=dict)
    rule_sets = models.ManyToManyField(RuleSet, related_name="runs")
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["county_code", "status", "published_at"], name="run_pub")]

    def __str__(self) -> str:
        return f"run {self.pk} {self.year} {self.status}"


class Result(models.Model):
    """One household in one run: every indicator the rules read (the evidence the decision
    saw, money in fen) and the decision itself. One row, written once, by one statement.

    The row's key is (run, household) and it is the only index: rows arrive in household order,
    so it grows at its right edge, where every further index would cost a million-household
    run seconds. A household's current class is read through its latest published run, and the
    area counts live in `AreaCount`. The keys have no database constraint, so the run pays for
    no per-row trigger either (architecture §5: runs are set-based).
    """

    pk = models.CompositePrimaryKey("run", "household")
    run = models.ForeignKey(
        Run,
        on_delete=models.CASCADE,
        related_name="results",
        db_index=False,
        db_constraint=False,
    )
    household = models.ForeignKey(
        "households.Household",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    county_code = models.CharField(max_length=6)
    town_code = models.CharField(max_length=9)
    village_code = models.CharField(max_length=12)
    category = models.CharField(max_length=8)
    member_count = models.IntegerField()
    income_wage = models.BigIntegerField()
    income_business = models.BigIntegerField()
    income_property = models.BigIntegerField()
    income_transfer = models.BigIntegerField()
    production_cost = models.BigIntegerField()
    industry_income = models.BigIntegerField()
    net_income = models.BigIntegerField()
    per_capita_net_income = models.BigIntegerField()
    rigid_medical = models.BigIntegerField()
    rigid_education = models.BigIntegerField()
    food_secure = models.BooleanField()
    clothing_secure = models.BooleanField()
    house_grade = models.CharField(max_length=1)
    water_litres = models.IntegerField()
    water_scarce_area = models.BooleanField()
    water_quality = models.CharField(max_length=10)
    water_piped = models.BooleanField()
    water_trip_minutes = models.IntegerField()
    water_horizontal_m = models.IntegerField()
    water_vertical_m = models.IntegerField()
    water_outage_days = models.IntegerField()
    school_age_children = models.IntegerField()
    children_out_of_school = models.IntegerField()
    uninsured_members = models.IntegerField()
    no_critical_illness_cover = models.IntegerField()
    chronic_ill_members = models.IntegerField()
    serious_ill_members = models.IntegerField()
    disabled_members = models.IntegerField()
    severely_disabled_members = models.IntegerField()
    labour_members = models.IntegerField()
    weak_labour_members = models.IntegerField()
    employed_members = models.IntegerField()
    dibao_members = models.IntegerField()
    tekun_members = models.IntegerField()

    # Blank for a household neither exited nor monitored: the class is for those (§1.4).
    monitoring_type = models.CharField(max_length=16, blank=True, default="")
    stability = models.CharField(
        "稳定性 Class", max_length=14, choices=StabilityClass.choices, blank=True
    )
    # Bit i = the i-th rule (by position) of the rule set that judged the household's town.
    flags = models.BigIntegerField(default=0)
    risk_mask = models.BigIntegerField(default=0)
    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    suggested_category = models.CharField(max_length=16, blank=True)

    def __str__(self) -> str:
        return f"result {self.run_id}/{self.household_id} {self.stability}"


class AreaCount(models.Model):
    """Households per village, class and suggested category in one run: what the summary pages
    and the run's counts read, written by one GROUP BY when the run finishes."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="area_counts")
    county_code = models.CharField(max_length=6)
    town_code = models.CharField(max_length=9)
    village_code = models.CharField(max_length=12)
    stability = models.CharField(max_length=14, choices=StabilityClass.choices, blank=True)
    suggested_category = models.CharField(max_length=16, blank=True)
    households = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "village_code", "stability", "suggested_category"],
                name="areacount_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id} {self.village_code} {self.stability}: {self.households}"
