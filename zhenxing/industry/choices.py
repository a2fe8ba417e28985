"""Enumerations of the benefit chain. Stored values are short English codes; labels are zh + en.

Holds the season's rules (`YushuiRule`, `ForfeitMode`), a weighing's `Grade`, a shareholding's
`ShareSource`, the states of a dividend (`DividendStatus`) and of a settlement
(`SettlementStatus`), and a cooperative statement's `MarginState`.
"""

from __future__ import annotations

from django.db import models


class YushuiRule(models.TextChoices):
    INSTANT = "instant", "按时刻 By the instant"
    DAY_BEFORE = "day_before", "雨水当天算节气前 The whole day counts as before"
    DAY_AFTER = "day_after", "雨水当天算节气后 The whole day counts as after"


class ForfeitMode(models.TextChoices):
    PROPORTIONAL = "proportional", "按短缺比例罚没 Forfeit the shortfall's share"
    FULL = "full", "全额罚没 Forfeit the whole deposit"
    NONE = "none", "不罚没 Never forfeit"


class Grade(models.TextChoices):
    FIRST = "1", "一级 Grade 1"
    SECOND = "2", "二级 Grade 2"
    THIRD = "3", "三级 Grade 3"


class ShareSource(models.TextChoices):
    FUND = "fund", "财政资金量化 Quantified public funds"
    LAND = "land", "土地入股 Land"
    CASH = "cash", "现金入股 Cash"
    ASSET = "asset", "资产入股 Other assets"


class DividendStatus(models.TextChoices):
    PLANNED = "planned", "待审批 Awaiting approval"
    POSTED = "posted", "已记账 Posted"


class SettlementStatus(models.TextChoices):
    SUBMITTED = "submitted", "已提交 Submitted"
    APPROVED = "approved", "已批准 Approved"
    SETTLED = "settled", "已结算 Settled"


class MarginState(models.TextChoices):
    BELOW = "below", "低于保底，企业补差 Below the band: the enterprise tops up"
    WITHIN = "within", "在区间内 Within the band"
    ABOVE = "above", "高于上限，待核查 Above the band: for review"
    NONE = "none", "无交售 No deliveries"
