"""The assistance app's refusals, each naming the field it concerns (zh first)."""

from __future__ import annotations

from zhenxing.core.errors import ErrorCode


class AssistanceErrorCode(ErrorCode):
    REQUIRED = ("assistance.required", "请填写“{label}”", "'{label_en}' is required")
    BAD_VALUE = (
        "assistance.bad_value",
        "“{label}”无效：{why}",
        "'{label_en}' is invalid: {why_en}",
    )
    UNKNOWN_KIND = (
        "assistance.unknown_kind",
        "“帮扶措施”不在措施目录中：{code}",
        "'Measure' is not in the catalogue: {code}",
    )
    MEMBER_ELSEWHERE = (
        "assistance.member_elsewhere",
        "“帮扶对象”{name}不是本户成员",
        "'Member' {name} does not belong to this household",
    )
    AMOUNT_RANGE = (
        "assistance.amount_range",
        "“金额”须在 0 至 {limit} 元之间",
        "'Amount' must be between 0 and {limit} yuan",
    )
    NO_MONEY = (
        "assistance.no_money",
        "“金额”：{kind}不涉及金额",
        "'Amount': {kind} involves no money",
    )
    FUTURE_DATE = (
        "assistance.future_date",
        "“{label}”不能晚于今天",
        "'{label_en}' cannot be later than today",
    )
    BEFORE_HOUSEHOLD = (
        "assistance.before_household",
        "“{label}”早于该户建档日期 {since}",
        "'{label_en}' is before the household was registered ({since})",
    )
    DATE_ORDER = (
        "assistance.date_order",
        "“{label}”不能早于“{other}”",
        "'{label_en}' cannot be before '{other_en}'",
    )
    NOT_CADRE = (
        "assistance.not_cadre",
        "“帮扶干部”{name}不是帮扶干部账户",
        "'Cadre' {name} is not a cadre account",
    )
    NOT_OFFICER = (
        "assistance.not_officer",
        "“信息员”{name}不是村信息员账户",
        "'Officer' {name} is not a village information officer",
    )
    OUT_OF_REACH = (
        "assistance.out_of_reach",
        "“农户”{household}不在{who}的工作范围内",
        "'Household' {household} is outside {who_en}'s area",
    )
    ALREADY_PAIRED = (
        "assistance.already_paired",
        "“帮扶干部”：该户自 {since} 起已由 {name} 结对帮扶，须先结束原结对",
        "'Cadre': the household is paired with {name} since {since}; end that pairing first",
    )
    ALREADY_ASSIGNED = (
        "assistance.already_assigned",
        "“信息员”：该户自 {since} 起已由 {name} 联系，须先结束原联系",
        "'Officer': the household is assigned to {name} since {since}; end that first",
    )
    OVER_QUOTA = (
        "assistance.over_quota",
        "“信息员”{name}已联系 {count} 户，超过上限 {limit} 户",
        "'Officer' {name} already has {count} households, over the limit of {limit}",
    )
    ITEM_CLOSED = (
        "assistance.item_closed",
        "该帮扶计划事项已{status}，不能再修改",
        "This plan item is already {status_en} and cannot be changed",
    )
    NO_RESULT = (
        "assistance.no_result",
        "本县尚无已发布的稳定性排查结果，无法提出帮扶计划",
        "The county has no published screening yet; no plan can be proposed",
    )
    UNKNOWN_HOUSEHOLD = (
        "assistance.unknown_household",
        "“户编号”{household}不存在",
        "'Household number' {household} does not exist",
    )
    UNKNOWN_USER = (
        "assistance.unknown_user",
        "“{label}”{name}不存在",
        "'{label_en}' {name} does not exist",
    )
    ALREADY_RESOLVED = (
        "assistance.already_resolved",
        "该不一致已处理",
        "This discrepancy is already resolved",
    )
