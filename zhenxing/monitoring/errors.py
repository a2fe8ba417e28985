"""Why the monitoring procedure refused something, in Chinese and English."""

from __future__ import annotations

from zhenxing.core.errors import ErrorCode


class MonitoringErrorCode(ErrorCode):
    NO_SUCH_STEP = (
        "monitoring.no_such_step",
        "流程处于“{state}”，不能执行“{action}”",
        "The case is '{state_en}'; '{action_en}' is not a step from there",
    )
    ROLE = (
        "monitoring.role",
        "您的角色不能执行“{action}”",
        "Your role may not take the step '{action_en}'",
    )
    SAME_PERSON = (
        "monitoring.same_person",
        "四眼原则：上一步由您提交，须由另一人审核（{action}）",
        "Four eyes: you submitted the previous step, so someone else must review it ({action_en})",
    )
    REQUIRED = (
        "monitoring.required",
        "请填写“{field_zh}”",
        "'{field_en}' is required",
    )
    BAD_VALUE = (
        "monitoring.bad_value",
        "“{field_zh}”的取值无效",
        "'{field_en}' has an invalid value",
    )
    CASE_CLOSED = ("monitoring.case_closed", "该流程已办结", "The case is already decided")
    CASE_OPEN = (
        "monitoring.case_open",
        "该户已有在办的{kind}流程",
        "The household already has an open {kind_en} case",
    )
    ALREADY_MONITORED = (
        "monitoring.already_monitored",
        "该户已是监测对象",
        "The household is already monitored",
    )
    NOT_MONITORED = (
        "monitoring.not_monitored",
        "该户不是监测对象",
        "The household is not monitored",
    )
    LEAD_CLOSED = ("monitoring.lead_closed", "该线索已处理", "The lead has already been handled")
    NO_PUBLISHED_RUN = (
        "monitoring.no_published_run",
        "还没有已发布的排查结果",
        "There is no published screening run",
    )
    NOTICE_TOO_SHORT = (
        "monitoring.notice_too_short",
        "公示期不足 {days} 个整天：最早可截止于 {earliest}",
        "A notice runs at least {days} full days: the earliest last day is {earliest}",
    )
    NOTICE_MIXED = (
        "monitoring.notice_mixed",
        "一次公示只能包含同一村、同一类别、均已完成民主评议的流程",
        "One notice covers cases of one village and one kind, all after village evaluation",
    )
    NOTICE_RUNNING = (
        "monitoring.notice_running",
        "公示期至 {end} 结束，期满后才能进入下一步",
        "The notice runs until {end}; the case moves on only after it",
    )
    OBJECTIONS_OPEN = (
        "monitoring.objections_open",
        "公示期间收到的 {count} 条异议尚未处理完毕",
        "{count} objection(s) received during the notice are not resolved",
    )
    OUTSIDE_NOTICE = (
        "monitoring.outside_notice",
        "只能记录公示期间（{start} 至 {end}）收到的异议",
        "Only objections received during the notice ({start} to {end}) are recorded",
    )
    OBJECTION_RESOLVED = (
        "monitoring.objection_resolved",
        "该异议已处理",
        "The objection is already resolved",
    )
    ELIMINATION_REFUSED = (
        "monitoring.elimination_refused",
        "不能标注风险消除：{reasons_zh}",
        "Risk elimination refused: {reasons_en}",
    )
    RATE_LIMITED = (
        "monitoring.rate_limited",
        "提交过于频繁，请稍后再试",
        "Too many submissions; please try again later",
    )
