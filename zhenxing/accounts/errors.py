from __future__ import annotations

from zhenxing.core.errors import ErrorCode


class AccountErrorCode(ErrorCode):
    USERNAME_TAKEN = (
        "account.username_taken",
        "用户名“{username}”已被使用（不区分大小写和全角半角）",
        "User name '{username}' is taken (case and width are ignored)",
    )
    USERNAME_INVALID = (
        "account.username_invalid",
        "用户名须为 3–150 个字符，不含空白或控制字符",
        "A user name has 3-150 characters with no spaces or control characters",
    )
    PASSWORD_WEAK = (
        "account.password_weak",
        "密码不符合要求：{reasons_zh}",
        "Weak password: {reasons_en}",
    )
    UNKNOWN_ROLE = ("account.unknown_role", "未知角色“{role}”", "Unknown role '{role}'")
    REGION_REQUIRED = (
        "account.region_required",
        "角色“{role}”必须绑定{level}级区划",
        "Role '{role}' must be bound to a {level_en} division",
    )
    REGION_WRONG_LEVEL = (
        "account.region_wrong_level",
        "角色“{role}”应绑定{level}级区划，而 {code} 是{actual}级",
        "Role '{role}' must be bound to a {level_en} division; {code} is a {actual_en}",
    )
    NOT_ALLOWED = (
        "account.not_allowed",
        "您无权执行此操作：{action}",
        "You are not allowed to do this: {action}",
    )
    SELF_GRANT = (
        "account.self_grant",
        "不能变更自己的角色",
        "You cannot change your own role",
    )
    ENROLMENT_NOT_PRIVILEGED = (
        "account.enrolment_not_privileged",
        "账户“{username}”的角色不需要动态口令",
        "Account '{username}' has a role that needs no one-time code",
    )
