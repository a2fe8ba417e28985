"""The catalogue of audited events (security.md C1). Every `record()` names one of these."""

from __future__ import annotations

import enum


class AuditEventType(enum.StrEnum):
    LOGIN_OK = "login.ok"
    LOGIN_FAILED = "login.failed"
    LOCKOUT = "login.lockout"
    LOGOUT = "logout"
    SESSION_EXPIRED = "session.expired"
    OTP_ENROLLED = "otp.enrolled"
    OTP_FAILED = "otp.failed"
    OTP_ENROLMENT_ISSUED = "otp.enrolment_issued"
    PASSWORD_CHANGE = "password.change"  # noqa: S105 — an event name, not a password
    PASSWORD_RESET = "password.reset"  # noqa: S105 — an event name, not a password
    USER_CREATE = "user.create"
    USER_DEACTIVATE = "user.deactivate"
    ROLE_CHANGE = "role.change"
    ACCOUNT_UNLOCK = "account.unlock"
    PERMISSION_DENIED = "permission.denied"
    SCOPE_DENIED = "scope.denied"
    RATE_LIMITED = "ratelimit.refused"
    UNMASK = "pii.unmask"
    EXPORT = "export"
    IMPORT = "import"
    REGISTRY_CREATE = "registry.create"
    REGISTRY_EDIT = "registry.edit"
    APPROVAL = "approval"
    NOTICE_PUBLISH = "notice.publish"
    CASE_STEP = "case.step"
    MONITORING_RECORD = "monitoring.record"
    POSTING = "ledger.post"
    REVERSAL = "ledger.reverse"
    CONFIG_CHANGE = "config.change"
    REGION_CHANGE = "region.change"
    BACKUP = "backup"
    RESTORE = "restore"
    AUDIT_VERIFY = "audit.verify"
    RETENTION = "retention.purge"
    INDUSTRY_RECORD = "industry.record"
    SETTLEMENT = "industry.settle"
    ASSISTANCE_RECORD = "assistance.record"
    SUPERVISION_RECORD = "supervision.record"
    SUPERVISION_PROGRESS = "supervision.progress"

    @property
    def label_zh(self) -> str:
        return _LABELS_ZH[self]


_LABELS_ZH = {
    AuditEventType.LOGIN_OK: "登录成功",
    AuditEventType.LOGIN_FAILED: "登录失败",
    AuditEventType.LOCKOUT: "账户锁定",
    AuditEventType.LOGOUT: "退出登录",
    AuditEventType.SESSION_EXPIRED: "会话超时",
    AuditEventType.OTP_ENROLLED: "绑定动态口令",
    AuditEventType.OTP_FAILED: "动态口令错误",
    AuditEventType.OTP_ENROLMENT_ISSUED: "签发动态口令绑定链接",
    AuditEventType.PASSWORD_CHANGE: "修改密码",
    AuditEventType.PASSWORD_RESET: "重置密码",
    AuditEventType.USER_CREATE: "创建账户",
    AuditEventType.USER_DEACTIVATE: "停用账户",
    AuditEventType.ROLE_CHANGE: "角色变更",
    AuditEventType.ACCOUNT_UNLOCK: "解除锁定",
    AuditEventType.PERMISSION_DENIED: "越权操作",
    AuditEventType.SCOPE_DENIED: "越界访问",
    AuditEventType.RATE_LIMITED: "访问过于频繁",
    AuditEventType.UNMASK: "查看明文个人信息",
    AuditEventType.EXPORT: "导出",
    AuditEventType.IMPORT: "导入",
    AuditEventType.REGISTRY_CREATE: "登记农户",
    AuditEventType.REGISTRY_EDIT: "修改农户信息",
    AuditEventType.APPROVAL: "审批",
    AuditEventType.NOTICE_PUBLISH: "发布公示",
    AuditEventType.CASE_STEP: "监测流程办理",
    AuditEventType.MONITORING_RECORD: "监测记录",
    AuditEventType.POSTING: "记账",
    AuditEventType.REVERSAL: "冲正",
    AuditEventType.CONFIG_CHANGE: "配置变更",
    AuditEventType.REGION_CHANGE: "区划变更",
    AuditEventType.BACKUP: "备份",
    AuditEventType.RESTORE: "恢复",
    AuditEventType.AUDIT_VERIFY: "审计链校验",
    AuditEventType.RETENTION: "到期数据清理",
    AuditEventType.INDUSTRY_RECORD: "产业链登记",
    AuditEventType.SETTLEMENT: "产季结算",
    AuditEventType.ASSISTANCE_RECORD: "帮扶记录",
    AuditEventType.SUPERVISION_RECORD: "督战记录",
    AuditEventType.SUPERVISION_PROGRESS: "项目进度填报",
}


class Outcome(enum.StrEnum):
    OK = "ok"
    DENIED = "denied"
    FAILED = "failed"
