"""The personal-data inventory (security.md D4): every field that holds personal information,
why it is kept and how long. A test fails when a model gains a personal field not listed here.

Retention is counted from the end of the household's registration (moved away, dissolved) or,
for audit and access records, from the event; the registry must keep households for the whole
monitoring period the national policy sets (2021–2025 and its extension) plus the archive term.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PersonalField:
    purpose: str
    retention: str
    protection: str


_REGISTRY = "登记期满后 30 年（扶贫档案保管期）/ 30 years after registration ends (archive term)"
_AUDIT = "至少 1 年，按审计要求延长 / at least 1 year, longer as audit requires"

INVENTORY: dict[str, PersonalField] = {
    "households.Household.household_no": PersonalField(
        "识别农户 identify the household", _REGISTRY, "scoped"
    ),
    "households.Household.address": PersonalField(
        "入户走访 visits", _REGISTRY, "scoped; notices show the village only"
    ),
    "households.Household.head_name": PersonalField(
        "识别户主 identify the head", _REGISTRY, "scoped"
    ),
    "households.Household.phone_cipher": PersonalField(
        "联系农户 contact the household", _REGISTRY, "AES-GCM; masked 3+4"
    ),
    "households.Household.phone_index": PersonalField(
        "按电话精确查找 exact search", _REGISTRY, "HMAC blind index"
    ),
    "households.Household.bank_cipher": PersonalField(
        "发放补贴与收购款 pay subsidies and purchases", _REGISTRY, "AES-GCM; masked last 4"
    ),
    "households.Household.bank_index": PersonalField(
        "查重 duplicate detection", _REGISTRY, "HMAC blind index"
    ),
    "households.Member.name": PersonalField("识别成员 identify the person", _REGISTRY, "scoped"),
    "households.Member.name_pinyin": PersonalField("姓名检索 name search", _REGISTRY, "scoped"),
    "households.Member.name_initials": PersonalField("姓名检索 name search", _REGISTRY, "scoped"),
    "households.Member.id_cipher": PersonalField(
        "身份核验与部门比对 identity checks, department matching",
        _REGISTRY,
        "AES-GCM; masked 6+4; never in notices",
    ),
    "households.Member.id_index": PersonalField(
        "精确查找与查重 exact search, duplicates", _REGISTRY, "HMAC blind index"
    ),
    "households.Member.sex": PersonalField("统计 statistics", _REGISTRY, "scoped"),
    "households.Member.birth_date": PersonalField(
        "年龄相关政策（义务教育、养老）age-based policies", _REGISTRY, "scoped"
    ),
    "households.Member.health": PersonalField(
        "返贫风险研判 risk screening", _REGISTRY, "scoped; never in notices"
    ),
    "households.Member.disability_grade": PersonalField(
        "残疾帮扶 disability assistance", _REGISTRY, "scoped; never in notices"
    ),
    "households.Member.dibao": PersonalField(
        "兜底保障衔接 social-assistance linkage", _REGISTRY, "scoped"
    ),
    "households.Member.tekun": PersonalField(
        "兜底保障衔接 social-assistance linkage", _REGISTRY, "scoped"
    ),
    "households.IncomeLine.amount": PersonalField(
        "收入监测 income monitoring", _REGISTRY, "scoped"
    ),
    "households.SpendingLine.amount": PersonalField(
        "刚性支出监测 rigid-spending monitoring", _REGISTRY, "scoped"
    ),
    "screening.Result.dibao_members": PersonalField(
        "排查证据 evidence a screening saw", _REGISTRY, "scoped; kept with the run"
    ),
    "screening.Result.tekun_members": PersonalField(
        "排查证据 evidence a screening saw", _REGISTRY, "scoped; kept with the run"
    ),
    "monitoring.Declaration.name": PersonalField(
        "核对自主申报人 match a self-declaration",
        _REGISTRY,
        "scoped to the village; never shown publicly",
    ),
    "monitoring.Declaration.id_cipher": PersonalField(
        "核对自主申报人 match a self-declaration", _REGISTRY, "AES-GCM; masked 6+4"
    ),
    "monitoring.Declaration.id_index": PersonalField(
        "匹配登记成员 match a registered member", _REGISTRY, "HMAC blind index"
    ),
    "monitoring.Declaration.phone_cipher": PersonalField(
        "回访申报人 call the declarant back", _REGISTRY, "AES-GCM; masked 3+4"
    ),
    "monitoring.Declaration.ip_index": PersonalField(
        "公开申报限流 rate limit of the public form",
        "申报后 1 年 / 1 year after the declaration",
        "HMAC of the address; the address itself is not stored",
    ),
    "monitoring.AlertImport.file_name": PersonalField(
        "导入记录 import record (a file name may name a person)", _AUDIT, "scoped to the county"
    ),
    "accounts.User.username": PersonalField(
        "登录 sign-in", "账户注销后 1 年 / 1 year after closing", "—"
    ),
    "accounts.User.full_name": PersonalField(
        "责任到人 accountability", "账户注销后 1 年 / 1 year after closing", "—"
    ),
    "audit.AuditEvent.actor_username": PersonalField("审计 audit", _AUDIT, "append-only"),
    "audit.AuditEvent.ip": PersonalField("审计 audit", _AUDIT, "append-only"),
}
