"""The registry's error codes: every reason a value, a row or a household of a roster (or an
edit form, which validates through the same parsers) is refused, in Chinese and English."""

from __future__ import annotations

from zhenxing.core.errors import ErrorCode


class RosterErrorCode(ErrorCode):
    REQUIRED = ("roster.required", "必填项为空", "This value is required")
    TOO_LONG = ("roster.too_long", "超过 {max} 个字符", "Longer than {max} characters")
    BAD_CHOICE = (
        "roster.bad_choice",
        "“{value}”不是可选值，应为：{options_zh}",
        "'{value}' is not an allowed value; use one of: {options_en}",
    )
    BAD_BOOL = ("roster.bad_bool", "应填“是”或“否”", "Must be 是 (yes) or 否 (no)")
    BAD_INT = ("roster.bad_int", "应为整数", "Must be a whole number")
    OUT_OF_RANGE = (
        "roster.out_of_range",
        "应在 {low} 到 {high} 之间",
        "Must be between {low} and {high}",
    )
    BAD_MONEY = (
        "roster.bad_money",
        "金额应为不小于 0 的数，最多两位小数",
        "An amount is a number ≥ 0 with at most two decimals",
    )
    FORMULA_LIKE = (
        "roster.formula_like",
        "“{column_zh}”以“=”“+”“-”“@”、制表符或回车开头，可能被电子表格当作公式执行，不能导入；"
        "请删去开头的符号",
        "'{column_en}' starts with =, +, -, @, a tab or a carriage return and could run as a "
        "spreadsheet formula; it is not imported; remove the leading character",
    )
    BAD_DATE = (
        "roster.bad_date",
        "日期格式应为 YYYY-MM-DD",
        "A date is written YYYY-MM-DD",
    )
    BAD_NAME = (
        "roster.bad_name",
        "姓名含有数字或不可见字符",
        "A name must not contain digits or invisible characters",
    )
    BAD_HOUSEHOLD_NO = (
        "roster.bad_household_no",
        "户编号只能包含字母、数字和“-”，最多 24 位",
        "A household number has at most 24 letters, digits or '-'",
    )
    EXIT_YEAR_REQUIRED = (
        "roster.exit_year_required",
        "脱贫户须填写 2014–2020 年之间的脱贫年度",
        "An exited household needs an exit year between 2014 and 2020",
    )
    EXIT_YEAR_FORBIDDEN = (
        "roster.exit_year_forbidden",
        "一般农户不填写脱贫年度",
        "A general household has no exit year",
    )
    SCHOOL_STATUS_REQUIRED = (
        "roster.school_status_required",
        "6–15 周岁儿童须填写在校情况",
        "A child aged 6-15 needs a school status",
    )
    DISABILITY_GRADE_REQUIRED = (
        "roster.disability_grade_required",
        "残疾人须填写 1–4 级残疾等级",
        "A disabled person needs a disability grade 1-4",
    )
    DISABILITY_GRADE_FORBIDDEN = (
        "roster.disability_grade_forbidden",
        "健康状况不是“残疾”时不填残疾等级",
        "A disability grade is only given for a disabled person",
    )
    HOUSEHOLD_MISMATCH = (
        "roster.household_mismatch",
        "同一户的“{column}”与第 {first_row} 行不一致",
        "'{column}' differs from row {first_row} of the same household",
    )
    NO_HEAD = ("roster.no_head", "该户没有户主", "The household has no head")
    TWO_HEADS = (
        "roster.two_heads",
        "该户有多个户主（另见第 {first_row} 行）",
        "The household has more than one head (see also row {first_row})",
    )
    HEAD_FACTS_REQUIRED = (
        "roster.head_facts_required",
        "户主行须填写“{column}”",
        "The head's row needs '{column}'",
    )
    DUPLICATE_ID_IN_FILE = (
        "roster.duplicate_id_in_file",
        "身份证号与第 {first_row} 行重复",
        "The ID number repeats row {first_row}",
    )
    DUPLICATE_ID_IN_REGISTRY = (
        "roster.duplicate_id_in_registry",
        "该身份证号已在系统中登记",
        "This ID number is already registered",
    )
    HOUSEHOLD_EXISTS = (
        "roster.household_exists",
        "户编号已在系统中登记",
        "This household number is already registered",
    )
    GROUP_UNKNOWN = (
        "roster.group_unknown",
        "村民小组代码不存在或已撤销",
        "The village group code does not exist or is no longer valid",
    )
    GROUP_OUT_OF_SCOPE = (
        "roster.group_out_of_scope",
        "该村民小组不在您的管辖范围内",
        "This village group is outside your area",
    )
    INCOME_YEAR_REQUIRED = (
        "roster.income_year_required",
        "填写了收入或支出时须填写收入年度",
        "An income year is needed when incomes or spending are given",
    )


__all__ = ["RosterErrorCode"]
