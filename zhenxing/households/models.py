"""The household record: household, members, 两不愁三保障 and water facts, income and spending.

Personal data (ID numbers, phones, bank accounts) is stored only as AES-GCM ciphertext plus an
HMAC blind index for exact search (security.md D1); see `zhenxing.core.crypto`.
Every household-scoped table carries the denormalised county/town/village codes so scope and
"everything under X" are equality filters (architecture.md §5).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from zhenxing.core.models import MoneyField
from zhenxing.households import choices

# Contexts bind each ciphertext and blind index to its column (a value cannot be moved).
ID_CONTEXT = "households.member.id_number"
PHONE_CONTEXT = "households.household.phone"
BANK_CONTEXT = "households.household.bank_account"


class RegionCodes(models.Model):
    county_code = models.CharField("区县 County", max_length=6)
    town_code = models.CharField("乡镇 Town", max_length=9)
    village_code = models.CharField("村 Village", max_length=12)

    class Meta:
        abstract = True


class Household(RegionCodes):
    household_no = models.CharField("户编号 Household number", max_length=24, unique=True)
    group_code = models.CharField("村民小组 Village group", max_length=15)
    category = models.CharField("农户类别 Category", max_length=8, choices=choices.Category.choices)
    exit_year = models.PositiveSmallIntegerField("脱贫年度 Exit year", null=True, blank=True)
    monitoring_type = models.CharField(
        "监测对象类型 Monitoring type",
        max_length=16,
        choices=choices.MonitoringType.choices,
        blank=True,
    )
    address = models.CharField("住址 Address", max_length=200, blank=True)
    head_name = models.CharField("户主姓名 Head of household", max_length=60, db_index=True)
    phone_cipher = models.TextField(blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    bank_cipher = models.TextField(blank=True)
    bank_index = models.CharField(max_length=64, blank=True, db_index=True)
    member_count = models.PositiveSmallIntegerField("家庭人口 Members", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["household_no"]
        indexes = [
            models.Index(fields=["county_code", "household_no"], name="hh_county_no"),
            models.Index(fields=["town_code", "household_no"], name="hh_town_no"),
            models.Index(fields=["village_code", "household_no"], name="hh_village_no"),
            models.Index(fields=["county_code", "category"], name="hh_county_cat"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(category="general", exit_year__isnull=True)
                | Q(category="exited", exit_year__gte=2014, exit_year__lte=2020),
                name="hh_exit_year_with_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_no} {self.head_name}"


class Member(RegionCodes):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    name = models.CharField("姓名 Name", max_length=60)
    name_pinyin = models.CharField(max_length=120)
    name_initials = models.CharField(max_length=30)
    id_cipher = models.TextField()
    id_index = models.CharField(max_length=64)
    sex = models.CharField("性别 Sex", max_length=1, choices=choices.Sex.choices)
    birth_date = models.DateField("出生日期 Birth date")
    relation = models.CharField(
        "与户主关系 Relation", max_length=12, choices=choices.Relation.choices
    )
    status = models.CharField(
        "状态 Status",
        max_length=10,
        choices=choices.MemberStatus.choices,
        default=choices.MemberStatus.ACTIVE,
    )
    education = models.CharField(
        "文化程度 Education", max_length=12, choices=choices.Education.choices, blank=True
    )
    school_status = models.CharField(
        "在校情况 School status", max_length=16, choices=choices.SchoolStatus.choices, blank=True
    )
    health = models.CharField(
        "健康状况 Health",
        max_length=10,
        choices=choices.Health.choices,
        default=choices.Health.HEALTHY,
    )
    disability_grade = models.PositiveSmallIntegerField(
        "残疾等级 Disability grade", null=True, blank=True
    )
    labour = models.CharField(
        "劳动技能 Labour capacity",
        max_length=10,
        choices=choices.Labour.choices,
        default=choices.Labour.ORDINARY,
    )
    work_months = models.PositiveSmallIntegerField("务工月数 Months worked", default=0)
    work_place = models.CharField(
        "务工地点 Work place", max_length=14, choices=choices.WorkPlace.choices, blank=True
    )
    medical_insurance = models.BooleanField("基本医疗保险 Basic medical insurance", default=True)
    critical_illness_insurance = models.BooleanField(
        "大病保险 Critical-illness insurance", default=True
    )
    family_doctor = models.BooleanField("家庭医生签约 Family doctor", default=False)
    dibao = models.BooleanField("低保 Minimum living allowance", default=False)
    tekun = models.BooleanField("特困供养 Extreme-poverty support", default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["household_id", "id"]
        # Search indexes cover the search (region codes and household id after the searched
        # column), so "households with a member named 王…" reads the index only, never the
        # member rows: at 930,000 people that is 70 ms instead of 700 (benchmarks/README.md).
        indexes = [
            models.Index(
                fields=["county_code", "name", "town_code", "village_code", "household"],
                name="m_search_name",
            ),
            models.Index(fields=["town_code", "name"], name="m_town_name"),
            models.Index(fields=["village_code", "name"], name="m_village_name"),
            models.Index(
                fields=["county_code", "name_pinyin", "town_code", "village_code", "household"],
                name="m_search_pinyin",
            ),
            models.Index(
                fields=["county_code", "name_initials", "town_code", "village_code", "household"],
                name="m_search_initials",
            ),
        ]
        constraints = [
            # One person, one record: the blind index is the duplicate guard.
            models.UniqueConstraint(fields=["id_index"], name="member_unique_id"),
            models.CheckConstraint(
                condition=Q(disability_grade__isnull=True)
                | Q(disability_grade__gte=1, disability_grade__lte=4),
                name="member_disability_grade_1_4",
            ),
            models.CheckConstraint(condition=Q(work_months__lte=12), name="member_work_months"),
        ]

    def __str__(self) -> str:
        return self.name


class HouseholdFacts(models.Model):
    """两不愁三保障 and drinking-water facts of one household (domain.md §4)."""

    household = models.OneToOneField(Household, on_delete=models.PROTECT, related_name="facts")
    food_secure = models.BooleanField("不愁吃 Food secure", default=True)
    clothing_secure = models.BooleanField("不愁穿 Clothing secure", default=True)
    house_grade = models.CharField(
        "住房安全等级 House grade", max_length=1, choices=choices.HouseGrade.choices
    )
    house_assessed_on = models.DateField("鉴定日期 Assessed on", null=True, blank=True)
    water_litres = models.PositiveSmallIntegerField("人均日供水量(升) Litres per person per day")
    water_scarce_area = models.BooleanField("缺水地区 Water-scarce area", default=False)
    water_quality = models.CharField(
        "水质评价 Water quality basis",
        max_length=10,
        choices=choices.WaterQualityBasis.choices,
        default=choices.WaterQualityBasis.ON_SITE,
    )
    water_piped = models.BooleanField("自来水入户 Piped into the home", default=True)
    water_trip_minutes = models.PositiveSmallIntegerField(
        "单次取水往返分钟 Trip minutes", default=0
    )
    water_horizontal_m = models.PositiveIntegerField(
        "取水水平距离(米) Horizontal metres", default=0
    )
    water_vertical_m = models.PositiveIntegerField("取水垂直距离(米) Vertical metres", default=0)
    water_outage_days = models.PositiveSmallIntegerField(
        "年断水天数 Outage days per year", default=0
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "两不愁三保障 Basic needs facts"
        constraints = [
            models.CheckConstraint(
                condition=Q(water_outage_days__lte=366), name="facts_outage_days"
            ),
        ]

    def __str__(self) -> str:
        return f"facts of {self.household_id}"


class IncomeLine(models.Model):
    """One income item of a household for a year, by the four statistical kinds (domain.md §3.3).

    `source_ref` points at the record that produced it (e.g. a season settlement), so income
    from the benefit chain is traceable and never entered twice.
    """

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="incomes")
    year = models.PositiveSmallIntegerField("年度 Year")
    kind = models.CharField("收入类型 Kind", max_length=10, choices=choices.IncomeKind.choices)
    amount = MoneyField("金额(元) Amount")
    cost = MoneyField("生产经营支出(元) Production cost", default=0)
    source = models.CharField("来源 Source", max_length=60)
    source_ref = models.CharField(max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["household", "year"], name="income_hh_year")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="income_amount_nonneg"),
            models.CheckConstraint(condition=Q(cost__gte=0), name="income_cost_nonneg"),
            models.UniqueConstraint(
                fields=["source_ref", "household", "year", "kind"],
                condition=~Q(source_ref=""),
                name="income_source_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.kind} {self.amount}"


class SpendingLine(models.Model):
    """Rigid spending of a household for a year: compliant out-of-pocket medical, education."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="spendings")
    year = models.PositiveSmallIntegerField("年度 Year")
    kind = models.CharField("支出类型 Kind", max_length=10, choices=choices.SpendingKind.choices)
    amount = MoneyField("金额(元) Amount")
    source = models.CharField("来源 Source", max_length=60, blank=True)
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["household", "year"], name="spending_hh_year")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="spending_amount_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.kind} {self.amount}"


class CadrePairing(RegionCodes):
    """A cadre (帮扶干部) paired with a household; the cadre's scope is its current pairings.

    One responsible cadre at a time; an ended pairing keeps its dates, so who was responsible
    on any day is answered. The household's region codes make the pairings scoped like any
    household row. `unit` is the cadre's work unit at the time of the pairing.
    """

    cadre = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="pairings")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="pairings")
    unit = models.CharField("工作单位 Work unit", max_length=80, blank=True)
    since = models.DateField("结对日期 Paired since")
    until = models.DateField("结束日期 Until", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "household"],
                condition=Q(until__isnull=True),
                name="pairing_one_current_cadre",
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="pairing_until_after_since",
            ),
        ]
        indexes = [
            models.Index(fields=["county_code", "household", "since"], name="pairing_household"),
            models.Index(fields=["county_code", "cadre", "until"], name="pairing_cadre"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id} ↔ {self.household_id}"
