"""Every error code of the supervision app, in Chinese and English (`supervision.<name>`)."""

from __future__ import annotations

from zhenxing.core.errors import ErrorCode


class SupervisionErrorCode(ErrorCode):
    REQUIRED = ("supervision.required", "请填写“{field_zh}”", "'{field_en}' is required")
    BAD_VALUE = ("supervision.bad_value", "“{field_zh}”的取值无效", "'{field_en}' is invalid")
    DEADLINE_BEFORE_VISIT = (
        "supervision.deadline_before_visit",
        "“整改期限”不能早于督战走访日期（{visited}）",
        "'Deadline' may not be before the visit ({visited})",
    )
    VERIFIER_IS_OWNER = (
        "supervision.verifier_is_owner",
        "四眼原则：整改由责任人或整改人提交，须由另一人验收",
        "Four eyes: the owner or the rectifier may not verify the rectification",
    )
    NO_EVIDENCE = (
        "supervision.no_evidence",
        "没有整改佐证不能销号：请填写“整改情况”",
        "A problem cannot close without evidence: fill in 'Rectification'",
    )
    WRONG_STATUS = (
        "supervision.wrong_status",
        "问题处于“{status}”，不能执行此操作",
        "The problem is '{status_en}'; this step is not possible",
    )
    OVER_TARGET = (
        "supervision.over_target",
        "“进度”{value}{unit} 超过目标 {target}{unit} 的 100%，请在“说明”中写明原因",
        "'Progress' {value} {unit} exceeds 100 % of the target {target} {unit}: give a note",
    )
    MEMBER_ELSEWHERE = (
        "supervision.member_elsewhere",
        "“人员编号”{staff_no} 在 {start} 起已在其他村（{village}）驻村，同一时间只能驻一个村",
        "'Staff number' {staff_no} already serves in another village ({village}) from {start}",
    )
    TOWN_HAS_GROUP = (
        "supervision.town_has_group",
        "“乡镇”{town} 在 {since} 起已由“{group}”定点帮扶，同一时期不能再定点第二个扶贫集团",
        "'Town' {town} is already assigned to '{group}' from {since} for an overlapping period",
    )
    DATES = (
        "supervision.dates",
        "“{field_zh}”不能早于开始日期",
        "'{field_en}' may not be before the start date",
    )
    NOT_IN_COUNTY = (
        "supervision.not_in_county",
        "“{field_zh}”不在本区县",
        "'{field_en}' is not in this county",
    )
