"""The "两金一链" benefit chain: parties, seasons, agreements, purchases, deliveries, dividends,
settlements (see README.md in this app for the money rules).

- Money is `MoneyField` (integer fen, `Decimal` yuan); prices and rates are yuan per tonne.
- Weights are integer grams (`*_g`): exact sums in SQL on both databases; shown as kg or t.
- Every household-scoped row carries the household's county/town/village codes; every book
  row carries its cooperative (and enterprise) so a clerk's scope is an equality filter.
- Statements are written once per settlement (new rows, never updated); money moves only as
  ledger entries (zhenxing.ledger) under natural keys.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhenxing.core.models import MoneyField
from zhenxing.industry.choices import (
    DividendStatus,
    ForfeitMode,
    Grade,
    MarginState,
    SettlementStatus,
    ShareSource,
    YushuiRule,
)

# The article's figures (domain.md §1.2): used only to pre-fill a new season's form when there is
# no earlier season to copy. Every calculation reads the season's own stored values.
SEASON_DEFAULTS: dict[str, object] = {
    "crop": "青菜头",
    "floor_price": Decimal("800"),
    "household_deposit_rate": Decimal("30"),
    "coop_deposit_rate": Decimal("30"),
    "margin_min": Decimal("150"),
    "margin_max": Decimal("200"),
    "forfeit_threshold": Decimal("0.8000"),
    "forfeit_mode": ForfeitMode.PROPORTIONAL,
    "approval_threshold": Decimal("300000"),
    "yushui_rule": YushuiRule.INSTANT,
    "floor_after_yushui": False,
}


class Enterprise(models.Model):
    """A processing enterprise (龙头企业)."""

    title = models.CharField("企业名称 Name", max_length=100)
    county_code = models.CharField("区县 County", max_length=6)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["county_code", "title"], name="enterprise_name_once")
        ]

    def __str__(self) -> str:
        return self.title


class Cooperative(models.Model):
    """A share cooperative (榨菜股份专业合作社); its seat is a village."""

    title = models.CharField("合作社名称 Name", max_length=100)
    county_code = models.CharField("区县 County", max_length=6)
    town_code = models.CharField("乡镇 Town", max_length=9)
    village_code = models.CharField("村 Village", max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["county_code", "title"], name="coop_name_once")
        ]

    def __str__(self) -> str:
        return self.title


class Membership(models.Model):
    """A registry household is a member of a cooperative (入社农户); one current membership."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="members")
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+"
    )
    county_code = models.CharField(max_length=6)
    town_code = models.CharField(max_length=9)
    village_code = models.CharField(max_length=12)
    joined_on = models.DateField("入社日期 Joined on")
    left_on = models.DateField("退社日期 Left on", null=True, blank=True)

    class Meta:
        ordering = ["cooperative", "household"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=Q(left_on__isnull=True), name="member_one_coop"
            ),
        ]
        indexes = [models.Index(fields=["cooperative", "household"], name="member_coop_hh")]

    def __str__(self) -> str:
        return f"{self.cooperative_id}/{self.household_id}"


class PurchasePoint(models.Model):
    """A purchase point (收购网点) of a cooperative, in a village."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="points")
    title = models.CharField("网点名称 Name", max_length=100)
    county_code = models.CharField(max_length=6)
    town_code = models.CharField(max_length=9)
    village_code = models.CharField("所在村 Village", max_length=12)
    active = models.BooleanField("启用 Active", default=True)

    class Meta:
        ordering = ["cooperative", "title"]

    def __str__(self) -> str:
        return self.title


class Clerk(models.Model):
    """Binds a cooperative or enterprise clerk's account to the books it keeps (B1)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="industry_clerk"
    )
    cooperative = models.ForeignKey(
        Cooperative, null=True, blank=True, on_delete=models.PROTECT, related_name="clerks"
    )
    enterprise = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="clerks"
    )
    bound_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(cooperative__isnull=True, enterprise__isnull=False)
                | Q(cooperative__isnull=False, enterprise__isnull=True),
                name="clerk_one_book",
            ),
        ]

    def __str__(self) -> str:
        return f"clerk {self.user_id}"


class Season(models.Model):
    """One purchasing season of a county: its calendar and every number of the mechanism."""

    county_code = models.CharField("区县 County", max_length=6)
    year = models.PositiveSmallIntegerField("年度 Year")
    crop = models.CharField("作物 Crop", max_length=20)
    opens_on = models.DateField("收购开始 Purchasing opens")
    closes_on = models.DateField("收购结束 Purchasing closes")
    yushui_at = models.DateTimeField("雨水时刻 Yushui instant")
    yushui_rule = models.CharField(
        "雨水当天 Yushui day", max_length=12, choices=YushuiRule.choices, default=YushuiRule.INSTANT
    )
    floor_after_yushui = models.BooleanField("雨水后仍保底 Floor after Yushui", default=False)
    floor_price = MoneyField("保护价(元/吨) Floor price per t")
    household_deposit_rate = MoneyField("农户保证金(元/吨) Household deposit per t")
    coop_deposit_rate = MoneyField("合作社保证金(元/吨) Cooperative deposit per t")
    margin_min = MoneyField("保底利润下限(元/吨) Margin minimum per t")
    margin_max = MoneyField("保底利润上限(元/吨) Margin maximum per t")
    forfeit_threshold = models.DecimalField(
        "履约比例 Performance ratio", max_digits=5, decimal_places=4
    )
    forfeit_mode = models.CharField(
        "罚没规则 Forfeiture rule",
        max_length=12,
        choices=ForfeitMode.choices,
        default=ForfeitMode.PROPORTIONAL,
    )
    approval_threshold = MoneyField("审批限额(元) Four-eyes threshold")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "crop"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "year", "crop"], name="season_once_per_year"
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="season_dates"
            ),
            models.CheckConstraint(
                condition=Q(margin_max__gte=models.F("margin_min")), name="season_margin_band"
            ),
            models.CheckConstraint(
                condition=Q(forfeit_threshold__gte=0, forfeit_threshold__lte=1),
                name="season_forfeit_ratio",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.crop}"


class OrderAgreement(models.Model):
    """Enterprise ↔ cooperative order agreement (粗加工订单生产协议) for a season."""

    season = models.ForeignKey(Season, on_delete=models.PROTECT, related_name="order_agreements")
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="order_agreements"
    )
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="order_agreements"
    )
    contracted_g = models.BigIntegerField("合同数量(克) Contracted grams")
    deposit_amount = MoneyField("履约保证金 Deposit")
    signed_on = models.DateField("签订日期 Signed on")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["season", "cooperative"]
        constraints = [
            models.UniqueConstraint(fields=["season", "cooperative"], name="order_one_per_coop"),
            models.CheckConstraint(condition=Q(contracted_g__gt=0), name="order_tonnage_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}↔{self.cooperative_id} {self.season_id}"


class ProtectionAgreement(models.Model):
    """Cooperative ↔ household protection-price agreement (保护价收购合作协议) for a season."""

    season = models.ForeignKey(
        Season, on_delete=models.PROTECT, related_name="protection_agreements"
    )
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="protection_agreements"
    )
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+"
    )
    county_code = models.CharField(max_length=6)
    town_code = models.CharField(max_length=9)
    village_code = models.CharField(max_length=12)
    # Either stated directly, or area × expected yield (both kept for the record).
    area_mu = models.DecimalField("面积(亩) Area (mu)", max_digits=9, decimal_places=2, null=True)
    yield_kg_per_mu = models.PositiveIntegerField("预计亩产(公斤) Expected kg per mu", null=True)
    contracted_g = models.BigIntegerField("合同数量(克) Contracted grams")
    deposit_amount = MoneyField("履约保证金 Deposit")
    signed_on = models.DateField("签订日期 Signed on")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["season", "cooperative", "household"]
        constraints = [
            models.UniqueConstraint(fields=["season", "household"], name="protection_once"),
            models.CheckConstraint(condition=Q(contracted_g__gt=0), name="protection_tonnage_pos"),
        ]
        indexes = [models.Index(fields=["season", "cooperative"], name="protection_coop")]

    def __str__(self) -> str:
        return f"{self.cooperative_id}↔{self.household_id} {self.season_id}"


class IndustryMeasure(models.Model):
    """An industry assistance measure recorded on a household (产业帮扶): joining a
    protection-price agreement. Read by the household's assistance record."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+"
    )
    county_code = models.CharField(max_length=6)
    town_code = models.CharField(max_length=9)
    village_code = models.CharField(max_length=12)
    kind = models.CharField("措施 Measure", max_length=24, default="protection_agreement")
    agreement = models.OneToOneField(
        ProtectionAgreement, on_delete=models.PROTECT, related_name="measure"
    )
    since = models.DateField("起始日期 Since")
    description = models.CharField("说明 Description", max_length=200)

    class Meta:
        ordering = ["-since"]

    def __str__(self) -> str:
        return self.description


class PointDayPrice(models.Model):
    """The day's purchase price at a point (同价同步: one price per cooperative and day)."""

    season = models.ForeignKey(Season, on_delete=models.PROTECT, related_name="+")
    point = models.ForeignKey(PurchasePoint, on_delete=models.PROTECT, related_name="prices")
    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    day = models.DateField("日期 Day")
    price = MoneyField("当日收购价(元/吨) Day price per t")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["point", "day"], name="price_once_per_point_day"),
            models.CheckConstraint(condition=Q(price__gt=0), name="price_positive"),
        ]
        indexes = [models.Index(fields=["cooperative", "day"], name="price_coop_day")]

    def __str__(self) -> str:
        return f"{self.point_id} {self.day} {self.price}"


class Weighing(models.Model):
    """One weighing at a purchase point (过磅记录), with what it pays.

    `client_id` is generated by the entry page before submitting: a repeated submission of the
    same weighing finds this row instead of recording a second one. Amounts are fixed when the
    weighing is recorded (README: named rounding points) and summed by the settlement.
    """

    client_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    season = models.ForeignKey(Season, on_delete=models.PROTECT, related_name="+", db_index=False)
    point = models.ForeignKey(
        PurchasePoint, on_delete=models.PROTECT, related_name="weighings", db_index=False
    )
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    county_code = models.CharField(max_length=6)
    town_code = models.CharField(max_length=9)
    village_code = models.CharField(max_length=12)
    weighed_at = models.DateTimeField("过磅时间 Weighed at")
    gross_g = models.BigIntegerField("毛重(克) Gross grams")
    deduction_g = models.BigIntegerField("扣重(克) Deduction grams", default=0)
    net_g = models.BigIntegerField("净重(克) Net grams")
    grade = models.CharField("等级 Grade", max_length=1, choices=Grade.choices, default=Grade.FIRST)
    day_price = MoneyField("当日价(元/吨) Day price per t")
    floor_applied = models.BooleanField("保护价补差 Floor applied", default=False)
    price_paid = MoneyField("结算价(元/吨) Price paid per t")
    amount_market = MoneyField("按当日价金额 At the day price")
    amount_topup = MoneyField("保护价补差金额 Floor top-up", default=0)
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-weighed_at"]
        indexes = [
            # Covers the settlement's GROUP BY and the season's totals: read from the index
            # alone, without visiting a million rows.
            models.Index(
                fields=[
                    "season",
                    "cooperative",
                    "household",
                    "net_g",
                    "amount_market",
                    "amount_topup",
                    "floor_applied",
                ],
                name="weigh_settle",
            ),
            models.Index(fields=["point", "weighed_at"], name="weigh_point_time"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(net_g__gt=0), name="weighing_net_pos"),
            models.CheckConstraint(condition=Q(deduction_g__gte=0), name="weighing_deduction"),
            models.CheckConstraint(
                condition=Q(net_g=models.F("gross_g") - models.F("deduction_g")),
                name="weighing_net_is_gross_less_deduction",
            ),
            models.CheckConstraint(condition=Q(amount_topup__gte=0), name="weighing_topup"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id}"

    @property
    def amount(self) -> Decimal:
        return self.amount_market + self.amount_topup


class Delivery(models.Model):
    """A cooperative's delivery to its enterprise at the enterprise's price (交售)."""

    client_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    season = models.ForeignKey(Season, on_delete=models.PROTECT, related_name="+")
    agreement = models.ForeignKey(
        OrderAgreement, on_delete=models.PROTECT, related_name="deliveries"
    )
    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    delivered_at = models.DateTimeField("交售时间 Delivered at")
    net_g = models.BigIntegerField("净重(克) Net grams")
    price = MoneyField("企业收购价(元/吨) Enterprise price per t")
    amount = MoneyField("货款 Amount")
    costs = MoneyField("合作社费用 Cooperative's costs", default=0)
    note = models.CharField("备注 Note", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-delivered_at"]
        constraints = [
            models.CheckConstraint(condition=Q(net_g__gt=0), name="delivery_net_pos"),
            models.CheckConstraint(condition=Q(price__gt=0), name="delivery_price_pos"),
            models.CheckConstraint(condition=Q(costs__gte=0), name="delivery_costs"),
        ]
        indexes = [models.Index(fields=["season", "cooperative"], name="delivery_coop")]

    def __str__(self) -> str:
        return f"{self.cooperative_id}→{self.enterprise_id} {self.net_g}"


class Shareholding(models.Model):
    """A household's shares in a cooperative (涉农资金股权化 / 三变)."""

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="shareholdings"
    )
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+"
    )
    county_code = models.CharField(max_length=6)
    town_code = models.CharField(max_length=9)
    village_code = models.CharField(max_length=12)
    source = models.CharField("入股方式 Source", max_length=8, choices=ShareSource.choices)
    amount = MoneyField("股金(元) Amount")
    since = models.DateField("入股日期 Since")

    class Meta:
        ordering = ["cooperative", "household"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "household", "source"], name="share_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="share_amount_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id}@{self.cooperative_id} {self.amount}"


class DividendDistribution(models.Model):
    """A cooperative's yearly dividend (股金分红), split over its shareholdings."""

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="distributions"
    )
    year = models.PositiveSmallIntegerField("年度 Year")
    total = MoneyField("分红总额 Total")
    floor_rate = models.DecimalField(
        "临界户保底比例 Floor for marginal households", max_digits=5, decimal_places=4
    )
    screening_run_id = models.BigIntegerField("依据的排查 Screening run", null=True, blank=True)
    status = models.CharField(
        max_length=8, choices=DividendStatus.choices, default=DividendStatus.PLANNED
    )
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "cooperative"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "year"], name="dividend_once_a_year"),
            models.CheckConstraint(condition=Q(total__gt=0), name="dividend_total_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.cooperative_id} {self.year} {self.total}"


class DividendLine(models.Model):
    distribution = models.ForeignKey(
        DividendDistribution, on_delete=models.PROTECT, related_name="lines"
    )
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+"
    )
    county_code = models.CharField(max_length=6)
    town_code = models.CharField(max_length=9)
    village_code = models.CharField(max_length=12)
    shares = MoneyField("股金 Shares")
    amount = MoneyField("分红 Dividend")
    marginal = models.BooleanField("临界户 Marginal", default=False)
    floored = models.BooleanField("按保底 Raised to the floor", default=False)

    class Meta:
        ordering = ["distribution", "household"]
        constraints = [
            models.UniqueConstraint(fields=["distribution", "household"], name="dividend_line_once")
        ]

    def __str__(self) -> str:
        return f"{self.distribution_id}/{self.household_id} {self.amount}"


class SettlementRun(models.Model):
    """A season's settlement: submitted, approved if above the threshold (B6), then posted in
    explicit steps; each step is idempotent, so a run killed at any step is simply re-run."""

    season = models.OneToOneField(Season, on_delete=models.PROTECT, related_name="settlement")
    status = models.CharField(
        max_length=10, choices=SettlementStatus.choices, default=SettlementStatus.SUBMITTED
    )
    step = models.PositiveSmallIntegerField("已完成步骤 Steps done", default=0)
    needs_approval = models.BooleanField(default=False)
    totals = models.JSONField("合计 Totals", default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL)

    def __str__(self) -> str:
        return f"settlement {self.season_id} {self.status}"


class HouseholdStatement(models.Model):
    """A household's season statement (农户结算单), written once by the settlement."""

    season = models.ForeignKey(Season, on_delete=models.PROTECT, related_name="+", db_index=False)
    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "households.Household", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    agreement = models.ForeignKey(
        ProtectionAgreement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    county_code = models.CharField(max_length=6)
    town_code = models.CharField(max_length=9)
    village_code = models.CharField(max_length=12)
    weighings = models.PositiveIntegerField("过磅次数 Weighings")
    net_g = models.BigIntegerField("净重(克) Net grams")
    contracted_g = models.BigIntegerField("合同数量(克) Contracted grams", default=0)
    amount_market = MoneyField("按当日价 At day prices")
    amount_topup = MoneyField("保护价补差 Floor top-up")
    purchases = MoneyField("收购款合计 Purchases")
    deposit_paid = MoneyField("已交保证金 Deposit held")
    deposit_refund = MoneyField("退还保证金 Deposit refunded")
    deposit_forfeit = MoneyField("罚没保证金 Deposit forfeited")
    payable = MoneyField("应付农户 Payable")
    natural_key = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["cooperative", "household"]
        indexes = [
            models.Index(fields=["season", "cooperative"], name="hst_season_coop"),
            models.Index(fields=["season", "household"], name="hst_season_hh"),
        ]

    def __str__(self) -> str:
        return self.natural_key


class CooperativeStatement(models.Model):
    """A cooperative's season statement: margin reconciliation and its own deposit."""

    season = models.ForeignKey(Season, on_delete=models.PROTECT, related_name="+", db_index=False)
    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreement = models.ForeignKey(
        OrderAgreement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    county_code = models.CharField(max_length=6)
    purchased_g = models.BigIntegerField("收购净重(克) Purchased grams")
    purchase_cost = MoneyField("收购成本 Purchase cost")
    topup_total = MoneyField("其中保护价补差 Of which floor top-up")
    delivered_g = models.BigIntegerField("交售净重(克) Delivered grams")
    revenue = MoneyField("交售货款 Delivery revenue")
    costs = MoneyField("合作社费用 Costs")
    margin = MoneyField("实际利润 Margin")
    margin_per_t = MoneyField("每吨利润 Margin per t")
    guaranteed = MoneyField("保底利润 Guaranteed margin")
    margin_topup = MoneyField("企业补差 Margin top-up")
    margin_state = models.CharField(max_length=8, choices=MarginState.choices)
    contracted_g = models.BigIntegerField("合同数量(克) Contracted grams", default=0)
    deposit_paid = MoneyField("已交保证金 Deposit held")
    deposit_refund = MoneyField("退还保证金 Deposit refunded")
    deposit_forfeit = MoneyField("罚没保证金 Deposit forfeited")
    payable = MoneyField("企业应付 Enterprise owes")
    natural_key = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["cooperative"]

    def __str__(self) -> str:
        return self.natural_key
