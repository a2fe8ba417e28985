from __future__ import annotations

from zhenxing.core.errors import ErrorCode


class ScreeningErrorCode(ErrorCode):
    USED_VERSION = (
        "screening.used_version",
        "规则集 {name} v{version} 已被排查使用，不能修改；请另存为新版本",
        "Rule set {name} v{version} has been used by a run and cannot change; save a new version",
    )
    NO_RULE_SET = (
        "screening.no_rule_set",
        "{year} 年 {region} 没有已发布的规则集",
        "No published rule set for {year} in {region}",
    )
    MISSING_PARAMETERS = (
        "screening.missing_parameters",
        "{year} 年 {region} 缺少参数：{names}",
        "Parameters missing for {year} in {region}: {names}",
    )
    WRONG_KIND = (
        "screening.wrong_kind",
        "参数 {name} 应为{expected}类型，实际为{actual}",
        "Parameter {name} must be of kind {expected}, not {actual}",
    )
    BAD_STATUS = (
        "screening.bad_status",
        "排查状态为“{status}”，不能{action}",
        "The run is '{status}' and cannot be {action_en}",
    )
    NOT_A_COUNTY = (
        "screening.not_a_county",
        "排查须按区县进行（{code} 不是区县代码）",
        "A screening runs over a county ({code} is not a county code)",
    )
