"""Roles and what kind of scope each one has (security.md B1, B5)."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    DISTRICT_STAFF = "district_staff", "区县工作人员 District staff"
    TOWN_STAFF = "town_staff", "乡镇工作人员 Town staff"
    VILLAGE_OFFICER = "village_officer", "村信息员 Village information officer"
    CADRE = "cadre", "帮扶干部 Cadre"
    COOP_CLERK = "coop_clerk", "合作社记账员 Cooperative clerk"
    ENTERPRISE_CLERK = "enterprise_clerk", "企业记账员 Enterprise clerk"
    SUPERVISOR = "supervisor", "督战人员 Supervisor"
    SYSTEM_ADMIN = "system_admin", "系统管理员 System administrator"
    SECURITY_ADMIN = "security_admin", "安全管理员 Security administrator"
    AUDIT_ADMIN = "audit_admin", "审计管理员 Audit administrator"


# The three separated administrators (三员分立): one role per account keeps them disjoint.
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# A3/A6: these change passwords every 90 days and need a second factor before any page.
PRIVILEGED_ROLES = ADMIN_ROLES | {Role.DISTRICT_STAFF}
# The region level each role is bound to; cadres are bound to a village and to their households.
REGION_LEVEL_BY_ROLE: dict[str, str | None] = {
    Role.DISTRICT_STAFF: "county",
    Role.TOWN_STAFF: "town",
    Role.VILLAGE_OFFICER: "village",
    Role.CADRE: None,  # any level: where the cadre works; households come from pairings
    Role.COOP_CLERK: None,
    Role.ENTERPRISE_CLERK: None,
    Role.SUPERVISOR: None,  # a district or a town under supervision
    Role.SYSTEM_ADMIN: None,
    Role.SECURITY_ADMIN: None,
    Role.AUDIT_ADMIN: None,
}
