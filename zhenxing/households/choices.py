"""Enumerations of the registry. Stored values are short English codes; labels are zh + en.

The roster import accepts either the code or the Chinese label of each choice.
"""

from __future__ import annotations

from django.db import models


class Category(models.TextChoices):
    EXITED = "exited", "脱贫户 Exited household"
    GENERAL = "general", "一般农户 General household"


class MonitoringType(models.TextChoices):
    """Set by the monitoring procedure, never by the registry (domain.md §3.2)."""

    UNSTABLE_EXITED = "unstable_exited", "脱贫不稳定户 Unstable exited household"
    MARGINAL = "marginal", "边缘易致贫户 Marginal household at risk"
    SUDDEN_HARDSHIP = "sudden_hardship", "突发严重困难户 Household in sudden hardship"


class Relation(models.TextChoices):
    HEAD = "head", "户主 Head"
    SPOUSE = "spouse", "配偶 Spouse"
    CHILD = "child", "子女 Child"
    PARENT = "parent", "父母 Parent"
    GRANDCHILD = "grandchild", "孙子女 Grandchild"
    SIBLING = "sibling", "兄弟姐妹 Sibling"
    CHILD_IN_LAW = "child_in_law", "儿媳女婿 Child-in-law"
    OTHER = "other", "其他 Other"


class Sex(models.TextChoices):
    MALE = "M", "男 Male"
    FEMALE = "F", "女 Female"


class Education(models.TextChoices):
    PRESCHOOL = "preschool", "学龄前 Pre-school"
    PRIMARY = "primary", "小学 Primary"
    JUNIOR = "junior", "初中 Junior secondary"
    SENIOR = "senior", "高中 Senior secondary"
    VOCATIONAL = "vocational", "中职 Vocational secondary"
    COLLEGE = "college", "大专 College"
    UNIVERSITY = "university", "本科及以上 University"
    NONE = "none", "文盲或半文盲 None"


class SchoolStatus(models.TextChoices):
    """For children of compulsory-school age (6–15, domain.md §4)."""

    IN_SCHOOL = "in_school", "在校 In school"
    HOME_TUITION = "home_tuition", "送教上门 Home tuition"
    EXEMPT = "exempt", "因病免学 Exempt for health"
    OUT_OF_SCHOOL = "out_of_school", "失学辍学 Out of school"
    NOT_APPLICABLE = "", "不适用 Not applicable"


class Health(models.TextChoices):
    HEALTHY = "healthy", "健康 Healthy"
    CHRONIC = "chronic", "长期慢性病 Chronic illness"
    SERIOUS = "serious", "患有大病 Serious illness"
    DISABLED = "disabled", "残疾 Disability"


class Labour(models.TextChoices):
    ORDINARY = "ordinary", "普通劳动力 Ordinary"
    SKILLED = "skilled", "技能劳动力 Skilled"
    WEAK = "weak", "弱劳动力或半劳动力 Weak"
    NONE = "none", "无劳动力 None"


class WorkPlace(models.TextChoices):
    NONE = "", "未务工 Not working away"
    IN_COUNTY = "in_county", "县内 In the county"
    IN_PROVINCE = "in_province", "省内县外 In the province"
    OUT_PROVINCE = "out_province", "省外 Outside the province"


class MemberStatus(models.TextChoices):
    ACTIVE = "active", "在户 In the household"
    MOVED_OUT = "moved_out", "迁出 Moved out"
    DECEASED = "deceased", "死亡 Deceased"


class HouseGrade(models.TextChoices):
    A = "A", "A级 安全 Safe"
    B = "B", "B级 基本安全 Basically safe"
    C = "C", "C级 局部危险 Partly dangerous"
    D = "D", "D级 整栋危房 Dangerous"


class WaterQualityBasis(models.TextChoices):
    LAB_TEST = "lab_test", "检测报告 Laboratory test"
    ON_SITE = "on_site", "现场查看 On-site assessment"
    UNASSESSED = "unassessed", "未评价 Not assessed"
    FAILED = "failed", "不达标 Failed"


class IncomeKind(models.TextChoices):
    WAGE = "wage", "工资性收入 Wage income"
    BUSINESS = "business", "生产经营性收入 Business income"
    PROPERTY = "property", "财产性收入 Property income"
    TRANSFER = "transfer", "转移性收入 Transfer income"


class SpendingKind(models.TextChoices):
    MEDICAL = "medical", "合规自付医疗支出 Out-of-pocket medical"
    EDUCATION = "education", "教育支出 Education"
