"""Error codes of the benefit chain, each with its Chinese and English message.

One member per meaning: the code is `industry.<member name in lower case>` and is never reused
for another rule (a test holds every member to this).
"""

from __future__ import annotations

from zhenxing.core.errors import ErrorCode


class IndustryErrorCode(ErrorCode):
    WEIGHT_NOT_POSITIVE = (
        "industry.weight_not_positive",
        "净重必须大于零（毛重 {gross} 公斤，扣重 {deduction} 公斤）",
        "The net weight must be above zero (gross {gross} kg, deduction {deduction} kg)",
    )
    WEIGHT_PRECISION = (
        "industry.weight_precision",
        "重量最多精确到 0.001 公斤：{kg}",
        "Weights have at most three decimals of a kilogram: {kg}",
    )
    NOT_MEMBER = (
        "industry.not_member",
        "农户 {household} 不是合作社“{cooperative}”的社员",
        "Household {household} is not a member of the cooperative '{cooperative}'",
    )
    POINT_OTHER_COOP = (
        "industry.point_other_coop",
        "收购点“{point}”属于其他合作社，不能在此登记",
        "The purchase point '{point}' belongs to another cooperative",
    )
    POINT_INACTIVE = (
        "industry.point_inactive",
        "收购点“{point}”已停用",
        "The purchase point '{point}' is closed",
    )
    OUTSIDE_SEASON = (
        "industry.outside_season",
        "时间 {at} 不在产季 {season} 的收购期（{opens} 至 {closes}）内",
        "{at} is outside the purchasing period of season {season} ({opens} to {closes})",
    )
    NO_OPEN_SEASON = (
        "industry.no_open_season",
        "{day} 没有开放收购的产季",
        "No season is open for purchasing on {day}",
    )
    NO_DAY_PRICE = (
        "industry.no_day_price",
        "收购点“{point}”{day} 尚未公布当日收购价",
        "No day price has been set at '{point}' for {day}",
    )
    PRICE_BELOW_FLOOR = (
        "industry.price_below_floor",
        "雨水前对签约社员的收购价 {price} 元/吨低于保护价 {floor} 元/吨",
        "Before Yushui a member under agreement cannot be paid {price} yuan/t, below the"
        " floor of {floor} yuan/t",
    )
    PRICE_NOT_DAY_PRICE = (
        "industry.price_not_day_price",
        "收购价 {price} 元/吨与当日价 {expected} 元/吨不一致（同价同步）",
        "The price {price} yuan/t differs from the day's price {expected} yuan/t (one price)",
    )
    PRICE_NOT_UNIFORM = (
        "industry.price_not_uniform",
        "同价同步：合作社各收购点 {day} 的价格须一致，已定为 {existing} 元/吨",
        "One price: all points of the cooperative use one price on {day}; it is already"
        " {existing} yuan/t",
    )
    PRICE_NOT_POSITIVE = (
        "industry.price_not_positive",
        "价格必须大于零",
        "The price must be above zero",
    )
    COSTS_NEGATIVE = (
        "industry.costs_negative",
        "合作社费用不能为负数",
        "The cooperative's costs cannot be negative",
    )
    SHARE_AMOUNT_NOT_POSITIVE = (
        "industry.share_amount_not_positive",
        "股金金额必须大于零",
        "The share amount must be above zero",
    )
    DAY_OUTSIDE_SEASON = (
        "industry.day_outside_season",
        "{day} 不在产季收购期内",
        "{day} is outside the season's purchasing period",
    )
    WEIGHING_ID_REUSED = (
        "industry.weighing_id_reused",
        "过磅编号 {client_id} 已用于另一笔不同的过磅记录",
        "The weighing id {client_id} was already used for a different weighing",
    )
    DELIVERY_ID_REUSED = (
        "industry.delivery_id_reused",
        "交售编号 {client_id} 已用于另一笔不同的交售记录",
        "The delivery id {client_id} was already used for a different delivery",
    )
    TONNAGE_REQUIRED = (
        "industry.tonnage_required",
        "请填写合同数量（吨），或面积与预计亩产",
        "Give the contracted tonnes, or the area and the expected yield",
    )
    TONNAGE_INVALID = (
        "industry.tonnage_invalid",
        "合同数量须大于零，且最多精确到克",
        "The contracted quantity must be above zero and in whole grams",
    )
    AGREEMENT_EXISTS = (
        "industry.agreement_exists",
        "本产季已签订协议",
        "An agreement already exists for this season",
    )
    SEASON_EXISTS = (
        "industry.season_exists",
        "{year} 年{crop}产季已存在",
        "The {year} {crop} season already exists",
    )
    SEASON_DATES = (
        "industry.season_dates",
        "收购结束日期不能早于开始日期",
        "Purchasing cannot close before it opens",
    )
    SEASON_BAND = (
        "industry.season_band",
        "保底利润上限不能低于下限",
        "The margin maximum cannot be below the minimum",
    )
    SEASON_SETTLED = (
        "industry.season_settled",
        "产季 {season} 已提交结算，不能再登记",
        "Season {season} has been submitted for settlement; nothing more can be recorded",
    )
    AWAITING_APPROVAL = (
        "industry.awaiting_approval",
        "结算金额超过审批限额 {threshold} 元（最大一笔 {largest} 元），"
        "须由提交人以外的区县人员批准",
        "The settlement exceeds the approval threshold of {threshold} yuan (largest amount"
        " {largest} yuan) and needs approval by district staff other than the submitter",
    )
    SELF_APPROVAL = (
        "industry.self_approval",
        "不能批准自己提交的结算或分红",
        "You cannot approve a settlement or distribution you submitted",
    )
    ALREADY_APPROVED = (
        "industry.already_approved",
        "已批准，无需重复操作",
        "Already approved",
    )
    DIVIDEND_BELOW_FLOORS = (
        "industry.dividend_below_floors",
        "分红总额 {total} 元不足以保证临界户的保底分红（需 {needed} 元）",
        "A total of {total} yuan cannot meet the marginal households' floors ({needed} yuan)",
    )
    NO_SHAREHOLDINGS = (
        "industry.no_shareholdings",
        "合作社没有股金记录",
        "The cooperative has no shareholdings",
    )
    DIVIDEND_EXISTS = (
        "industry.dividend_exists",
        "{year} 年度分红已存在",
        "A distribution for {year} already exists",
    )
    NOT_A_CLERK = (
        "industry.not_a_clerk",
        "账户 {user} 的角色不是合作社或企业记账员",
        "Account {user} is not a cooperative or enterprise clerk",
    )
    BOOK_MISMATCH = (
        "industry.book_mismatch",
        "合作社记账员只能绑定合作社，企业记账员只能绑定企业",
        "A cooperative clerk is bound to a cooperative and an enterprise clerk to an enterprise",
    )
    NAME_REQUIRED = ("industry.name_required", "请填写名称", "A name is required")
    NOT_A_VILLAGE = (
        "industry.not_a_village",
        "{code} 不是本区县现有的村",
        "{code} is not a current village of the county",
    )
    HOUSEHOLD_OTHER_COUNTY = (
        "industry.household_other_county",
        "农户 {household} 不在本区县",
        "Household {household} is not in this county",
    )
    ALREADY_MEMBER = (
        "industry.already_member",
        "农户 {household} 已是合作社“{cooperative}”的社员",
        "Household {household} is already a member of '{cooperative}'",
    )
