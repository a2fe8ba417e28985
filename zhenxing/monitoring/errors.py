"""Every error code of the monitoring app, in Chinese and English: one enum, one meaning per code.

Codes are `monitoring.<name>`. Groups: the case procedure and its inputs; leads and public
declarations; notices and objections; the risk-elimination guard's refusal reasons
(`ELIMINATION_*`, listed together in one `ELIMINATION_REFUSED`); department alert files
(`ALERT_*`, reported per row and column); parameters.
"""

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
    AMOUNT_BAD = (
        "monitoring.amount_bad",
        "“{field_zh}”应为 0 至 {high} 元之间、最多两位小数的金额",
        "'{field_en}' must be an amount from 0 to {high} yuan with at most two decimals",
    )
    CASE_CLOSED = ("monitoring.case_closed", "该流程已办结", "The case is already decided")
    CASE_MOVED = (
        "monitoring.case_moved",
        "该流程已由他人办理到下一步，请刷新后重试",
        "Someone else has moved the case on meanwhile; reload and try again",
    )
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
    DECLARATION_CLOSED = (
        "monitoring.declaration_closed",
        "该申报已处理",
        "The declaration has already been handled",
    )
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
    NOTICE_EMPTY = (
        "monitoring.notice_empty",
        "请选择要公示的农户",
        "Choose the cases the notice covers",
    )
    NOTICE_BY_PUBLISH = (
        "monitoring.notice_by_publish",
        "公示须在“发布公示”页面为全村一并发布",
        "A notice is published for the village on the 'publish notice' page",
    )
    NO_NOTICE = (
        "monitoring.no_notice",
        "该流程还没有公示",
        "The case has no notice",
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
    PARAMETER_MISSING = (
        "monitoring.parameter_missing",
        "{year} 年 {region} 缺少参数 {name}",
        "Parameter {name} is missing for {year} in {region}",
    )

    # ------------------------------------------------ risk-elimination refusal reasons
    ELIMINATION_NOT_MONITORED = (
        "monitoring.elimination_not_monitored",
        "该户不是监测对象，无需风险消除",
        "The household is not monitored; there is no risk to eliminate",
    )
    ELIMINATION_NO_LABOUR = (
        "monitoring.elimination_no_labour",
        "该户无劳动能力：落实兜底保障后继续监测，不标注风险消除",
        "The household has no labour capacity: it stays monitored with social-security "
        "support and is never marked as eliminated",
    )
    ELIMINATION_INCOME_MISSING = (
        "monitoring.elimination_income_missing",
        "{month} 没有人均纯收入记录（需连续 {months} 个月）",
        "No per-capita net income is recorded for {month} ({months} consecutive months needed)",
    )
    ELIMINATION_INCOME_BELOW = (
        "monitoring.elimination_income_below",
        "{month} 人均纯收入 {amount} 元，未高于当年监测标准 {threshold} 元",
        "Per-capita net income in {month} was {amount} yuan, not above the year's threshold "
        "of {threshold} yuan",
    )
    ELIMINATION_FOOD_CLOTHING = (
        "monitoring.elimination_food_clothing",
        "“两不愁”未保障（吃或穿）",
        "Food or clothing is not secure",
    )
    ELIMINATION_EDUCATION = (
        "monitoring.elimination_education",
        "有 6–15 周岁儿童失学辍学，义务教育未保障",
        "A child aged 6-15 is out of school: compulsory education is not secured",
    )
    ELIMINATION_MEDICAL = (
        "monitoring.elimination_medical",
        "有成员未参加基本医疗保险，基本医疗未保障",
        "A member has no basic medical insurance: basic medical care is not secured",
    )
    ELIMINATION_HOUSING = (
        "monitoring.elimination_housing",
        "住房安全等级为 {grade} 级，住房安全未保障",
        "The house is graded {grade}: housing is not safe",
    )
    ELIMINATION_WATER = (
        "monitoring.elimination_water",
        "饮水安全未达标（水量、水质、方便程度或供水保证率）",
        "Drinking water is not secured (quantity, quality, convenience or supply guarantee)",
    )
    ELIMINATION_OPEN_RISK = (
        "monitoring.elimination_open_risk",
        "还有 {count} 条未处理的风险线索或在办的识别流程",
        "{count} risk lead(s) or identification case(s) are still open",
    )
    ELIMINATION_NO_MEASURE = (
        "monitoring.elimination_no_measure",
        "没有已完成的帮扶措施",
        "No assistance measure has been completed",
    )

    # ------------------------------------------------ department alert files
    ALERT_BAD_SOURCE = (
        "monitoring.alert_bad_source",
        "未知的预警部门“{source}”",
        "Unknown alert source '{source}'",
    )
    ALERT_NO_HEADER = (
        "monitoring.alert_no_header",
        "第一行应为表头，必须包含：身份证号、姓名、事件日期",
        "The first row must be a header with: ID number, name, event date",
    )
    ALERT_NO_ROWS = ("monitoring.alert_no_rows", "文件中没有数据行", "The file has no data rows")
    ALERT_TOO_MANY_ROWS = (
        "monitoring.alert_too_many_rows",
        "数据行超过 {limit} 行，请分开导入",
        "More than {limit} rows; split the file",
    )
    ALERT_UNREADABLE = ("monitoring.alert_unreadable", "文件无法读取", "The file cannot be read")
    ALERT_NAME_EMPTY = ("monitoring.alert_name_empty", "姓名为空", "The name is empty")
    ALERT_DATE_BAD = (
        "monitoring.alert_date_bad",
        "日期应为 YYYY-MM-DD 格式的有效日期，且不晚于今天",
        "The date must be a real date as YYYY-MM-DD, not after today",
    )
    ALERT_AMOUNT_BAD = (
        "monitoring.alert_amount_bad",
        "金额应为 0 至 {high} 元之间、最多两位小数的数",
        "The amount must be a number from 0 to {high} yuan with at most two decimals",
    )
    ALERT_TOO_LONG = (
        "monitoring.alert_too_long",
        "内容过长（最多 {max} 字）",
        "Too long (at most {max} characters)",
    )
    ALERT_DUPLICATE = (
        "monitoring.alert_duplicate",
        "与第 {row} 行重复（同一人、同一日期）",
        "Duplicate of row {row} (same person and date)",
    )
    ALERT_UNMATCHED = (
        "monitoring.alert_unmatched",
        "登记库中没有该身份证号的成员（或不在您的辖区），未生成线索",
        "No registered member (in your area) has this ID number; no lead created",
    )
    ALERT_NAME_MISMATCH = (
        "monitoring.alert_name_mismatch",
        "身份证号与登记库一致，但姓名不一致，需人工核实，未生成线索",
        "The ID number matches a member but the name does not; check by hand; no lead created",
    )
    ALERT_NOT_ACTIVE = (
        "monitoring.alert_not_active",
        "该成员已迁出或死亡，需人工核实，未生成线索",
        "The member has moved out or died; check by hand; no lead created",
    )
    ALERT_REFUSED = (
        "monitoring.alert_refused",
        "有 {rows} 行格式错误，未生成任何线索；请修正后重新导入，或选择跳过错误行",
        "{rows} row(s) are invalid and no lead was created; fix them, or choose to skip them",
    )
