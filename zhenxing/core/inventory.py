"""The personal-data inventory (security.md D4): every field that holds personal information,
why it is kept and how long. A test fails when a model gains a personal field not listed here.

Holds:
- `INVENTORY`: personal fields → purpose, retention, protection.
- `NOT_PERSONAL`: fields the scans would flag that cannot hold personal details, with the reason.
- `HOUSEHOLD_APPS`, `is_structural`: the free-text rule below.

Two scans (core/tests/test_inventory.py) keep this complete:
1. a field whose name says it is personal (name, phone, id, health, ...) in any app;
2. free text in the apps that hold rows of households, cases, parties or seasons
   (`HOUSEHOLD_APPS`): every TextField, JSONField and CharField without choices — a note, a
   reason, a summary may carry health and hardship details ("住院化疗，欠款5万") whatever its
   name — is listed in `INVENTORY` or in `NOT_PERSONAL`. Only machine-made columns are exempt by
   name (`is_structural`: region codes, natural keys, hashes).

Retention is counted from the end of the household's registration (moved away, dissolved) or,
for audit and access records, from the event; the registry must keep households for the whole
monitoring period the national policy sets (2021–2025 and its extension) plus the archive term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class PersonalField:
    purpose: str
    retention: str
    protection: str


_REGISTRY = "登记期满后 30 年（扶贫档案保管期）/ 30 years after registration ends (archive term)"
_AUDIT = "至少 1 年，按审计要求延长 / at least 1 year, longer as audit requires"
_LEDGER = "会计档案保管期 30 年 / 30 years (accounting archive term)"
# Free text typed by staff about a household or case: the same term as the record it explains.
_FREE_TEXT = "scoped; free text, may hold health or hardship details; never in notices"

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
    # --- free text that can carry health and hardship details (rule 2 above) ---
    "households.IncomeLine.source": PersonalField(
        "收入来源 where an income came from (may name an employer)", _REGISTRY, "scoped"
    ),
    "households.SpendingLine.source": PersonalField(
        "支出来源 where rigid spending went (may name a hospital or school)",
        _REGISTRY,
        "scoped; never in notices",
    ),
    "screening.Result.category": PersonalField(
        "农户类别 the household's class in a run", _REGISTRY, "scoped; kept with the run"
    ),
    "screening.Result.suggested_category": PersonalField(
        "建议类别 the class a run suggests", _REGISTRY, "scoped; kept with the run"
    ),
    "screening.Result.house_grade": PersonalField(
        "住房安全等级 housing safety evidence", _REGISTRY, "scoped; kept with the run"
    ),
    "screening.Result.water_quality": PersonalField(
        "饮水安全 drinking-water evidence", _REGISTRY, "scoped; kept with the run"
    ),
    "monitoring.Lead.detail": PersonalField(
        "线索内容 what a lead reports (illness, accident, debt)", _REGISTRY, _FREE_TEXT
    ),
    "monitoring.Lead.closed_reason": PersonalField(
        "线索处理说明 why a lead was closed", _REGISTRY, _FREE_TEXT
    ),
    "monitoring.Case.outcome_reason": PersonalField(
        "办结说明 why a case was closed (e.g. the illness that led to it)", _REGISTRY, _FREE_TEXT
    ),
    "monitoring.CaseStep.notes": PersonalField(
        "核实与审批记录 findings of a visit or review", _REGISTRY, _FREE_TEXT
    ),
    "monitoring.CaseStep.data": PersonalField(
        "步骤记录 what a step decided (risk types, consent)", _REGISTRY, "scoped"
    ),
    "monitoring.CaseStep.attachments": PersonalField(
        "附件清单 names and hashes of signed papers (a name may name a person)",
        _REGISTRY,
        "scoped; the papers stay in the archive",
    ),
    "monitoring.Objection.summary": PersonalField(
        "公示异议 what an objector said", _REGISTRY, _FREE_TEXT
    ),
    "monitoring.Objection.resolution": PersonalField(
        "异议处理结果 how an objection was resolved", _REGISTRY, _FREE_TEXT
    ),
    "monitoring.Measure.note": PersonalField(
        "帮扶措施说明 what a measure does for the household", _REGISTRY, _FREE_TEXT
    ),
    "monitoring.Declaration.what_happened": PersonalField(
        "自主申报情况 what the declarant reports (illness, disaster, job loss)",
        _REGISTRY,
        _FREE_TEXT,
    ),
    "industry.IndustryMeasure.description": PersonalField(
        "产业帮扶措施说明 what an industry measure does for the household", _REGISTRY, "scoped"
    ),
    "ledger.Entry.memo": PersonalField(
        "记账摘要 what an entry is for (a reversal's memo is typed and may name a household)",
        _LEDGER,
        "district and county books only",
    ),
    "ledger.PendingEntry.memo": PersonalField(
        "待审批分录摘要 memo of an entry awaiting approval",
        _LEDGER,
        "district and county books only",
    ),
    "audit.AuditEvent.detail": PersonalField(
        "审计说明 what an event did, with the unmask reason typed by the user",
        _AUDIT,
        "append-only",
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
    "assistance.Visit.met": PersonalField(
        "走访见到的人 who was met at a visit", _REGISTRY, _FREE_TEXT
    ),
    "assistance.Visit.checked": PersonalField(
        "走访核查内容 what a visit checked", _REGISTRY, _FREE_TEXT
    ),
    "assistance.Visit.findings": PersonalField(
        "走访发现 what a visit found (may name an illness or hardship)", _REGISTRY, _FREE_TEXT
    ),
    "assistance.Visit.differs": PersonalField(
        "与记录不符之处 what differs from the record", _REGISTRY, _FREE_TEXT
    ),
    "assistance.Visit.photo": PersonalField(
        "走访照片 photo evidence of a visit", _REGISTRY, "private upload folder; scoped"
    ),
    "assistance.Measure.evidence": PersonalField(
        "帮扶措施佐证 evidence of a measure", _REGISTRY, _FREE_TEXT
    ),
    "assistance.Measure.note": PersonalField(
        "帮扶措施备注 note on a measure", _REGISTRY, _FREE_TEXT
    ),
    "assistance.PlanItem.note": PersonalField(
        "帮扶计划备注 note on a plan item", _REGISTRY, _FREE_TEXT
    ),
    "assistance.Discrepancy.detail": PersonalField(
        "六统一差异 what differs between the records", _REGISTRY, _FREE_TEXT
    ),
    "assistance.Discrepancy.resolution": PersonalField(
        "差异处理说明 how a discrepancy was resolved", _REGISTRY, _FREE_TEXT
    ),
    "supervision.Commander.name": PersonalField(
        "督战指挥长姓名 name of a supervising commander", _REGISTRY, "staff directory; scoped"
    ),
    "supervision.WorkTeamMember.name": PersonalField(
        "驻村工作队员姓名 name of a work-team member", _REGISTRY, "staff directory; scoped"
    ),
    "supervision.Problem.owner_name": PersonalField(
        "问题整改责任人 who must put a problem right", _REGISTRY, "scoped"
    ),
    "supervision.Project.owner_name": PersonalField(
        "项目责任人 who answers for a project", _REGISTRY, "scoped"
    ),
    "supervision.ResponsibilityItem.owner_name": PersonalField(
        "责任清单责任人 who answers for an item", _REGISTRY, "scoped"
    ),
    "supervision.Evidence.file_name": PersonalField(
        "整改佐证文件名 name of an evidence file (may name a person)", _REGISTRY, "scoped"
    ),
    "supervision.Finding.text": PersonalField(
        "督战发现 what a supervision visit found (may describe a household's hardship)",
        _REGISTRY,
        _FREE_TEXT,
    ),
    "supervision.Problem.title": PersonalField(
        "督战问题 the problem found (may name a household)", _REGISTRY, _FREE_TEXT
    ),
    "supervision.Problem.rectification": PersonalField(
        "整改情况 how a problem was put right", _REGISTRY, _FREE_TEXT
    ),
    "supervision.Problem.verification_note": PersonalField(
        "核验说明 the verifier's note", _REGISTRY, _FREE_TEXT
    ),
    "supervision.ProgressReport.note": PersonalField(
        "进度说明 a progress report's note", _REGISTRY, _FREE_TEXT
    ),
    "supervision.SupervisionVisit.summary": PersonalField(
        "督战走访概况 summary of a supervision visit", _REGISTRY, _FREE_TEXT
    ),
    "supervision.SupervisionVisit.checked": PersonalField(
        "督战核查内容 what a visit checked", _REGISTRY, _FREE_TEXT
    ),
    "supervision.SupervisionVisit.companions": PersonalField(
        "陪同人员 who went along (names)", _REGISTRY, _FREE_TEXT
    ),
    "supervision.ResponsibilityItem.title": PersonalField(
        "责任事项 a responsibility item's text", _REGISTRY, _FREE_TEXT
    ),
    "supervision.WorkTeamMember.staff_no": PersonalField(
        "队员工号 a team member's staff number", _REGISTRY, _FREE_TEXT
    ),
    "supervision.Evidence.stored": PersonalField(
        "佐证文件存储名 stored name of an evidence file", _REGISTRY, _FREE_TEXT
    ),
}


# Free-text or personal-sounding fields that cannot hold details about a person, and why.
NOT_PERSONAL: dict[str, str] = {
    "accounts.User.username_key": "derived lookup key of the inventoried user name",
    "screening.RuleSet.name": "name of a rule set, written by the district",
    "screening.RuleSet.source": "rule text (YAML) written by the district; about rules, not people",
    "screening.RuleSet.note": "note on a rule set version",
    "screening.Rule.code": "rule code",
    "screening.Rule.look": "rule heading (看)",
    "screening.Rule.question": "rule heading (问)",
    "screening.Rule.expression": "rule DSL expression over parameters and snapshot columns",
    "screening.Rule.reason_zh": "reason template of a rule, the same for every household",
    "screening.Rule.reason_en": "reason template of a rule, the same for every household",
    "screening.Parameter.name": "parameter name",
    "supervision.AssistanceGroup.lead_unit": "lead unit of an assistance group",
    "supervision.CheckItem.code": "check item code",
    "supervision.Commander.title": "a commander's official post",
    "supervision.Project.code": "project code",
    "supervision.Project.unit": "unit of a target (km, seats, …)",
    "supervision.ResponseDeadline.source": "the policy a deadline comes from",
    "supervision.VillageStandard.code": "standard code",
    "supervision.VillageStandard.fact": "which village fact a standard reads",
    "supervision.WorkTeamMember.home_unit": "a member's home organisation",
    "supervision.AssistanceGroup.name": "name of an assistance group (扶贫集团)",
    "supervision.MemberUnit.name": "name of a member unit (an organisation)",
    "supervision.Department.name": "name of a line department",
    "supervision.CheckItem.name": "name of a supervision check item",
    "supervision.Milestone.name": "name of a project milestone",
    "supervision.Project.name": "name of an infrastructure project",
    "supervision.VillageStandard.name": "name of a village public-service standard",
    "assistance.Discrepancy.document": "which printed document (archive, board, handbook)",
    "assistance.MeasureKind.code": "catalogue code of a kind of measure",
    "assistance.Parameter.label": "parameter label",
    "assistance.PlanItem.rule_code": "code of the plan rule that proposed the item",
    "assistance.PlanRule.code": "plan rule code",
    "assistance.PlanRule.reason_zh": "reason template of a plan rule, the same for every household",
    "assistance.PlanRule.risk_type": "risk type code a plan rule answers",
    "screening.Result.monitoring_type": "a suggested monitored-type code",
    "households.CadrePairing.unit": "the cadre's work unit, an organisation's name",
    "assistance.MeasureKind.name_zh": "name of a kind of measure in the catalogue",
    "assistance.MeasureKind.name_en": "name of a kind of measure in the catalogue",
    "assistance.Parameter.name": "parameter name",
    "screening.Parameter.value": "a threshold value",
    "screening.Parameter.label": "parameter label",
    "screening.Parameter.source": "the policy a threshold comes from",
    "screening.Run.plan": "the rules and parameters a run used",
    "screening.Run.counts": "counts per class and town, no household",
    "screening.AreaCount.suggested_category": "a class code of an area's counts, no household",
    "monitoring.Notice.kind": "notice kind code",
    "monitoring.Notice.title": "built from the village name and the notice kind",
    "industry.Enterprise.title": "an enterprise's registered name",
    "industry.Cooperative.title": "a cooperative's registered name",
    "industry.PurchasePoint.title": "a purchase point's name",
    "industry.Season.crop": "crop name",
    "industry.IndustryMeasure.kind": "measure kind code",
    "industry.Delivery.note": "a cooperative's delivery to an enterprise; no household is party",
    "industry.SettlementRun.totals": "season totals, no household",
    "ledger.Account.code": "account code built from chart, season and party ids",
    "ledger.Account.chart": "chart code",
    "ledger.Account.title_zh": "chart title, from the fixed chart of accounts",
    "ledger.Account.title_en": "chart title, from the fixed chart of accounts",
    "ledger.Account.owner_type": "owner type code",
    "ledger.Account.party_type": "party type code",
    "ledger.Entry.kind": "entry kind code",
    "ledger.PendingEntry.kind": "entry kind code",
    "ledger.PendingEntry.lines": "account codes and amounts of the proposed postings",
    "monitoring.CaseStep.action": "step code",
    "monitoring.CaseStep.from_state": "state code",
    "monitoring.CaseStep.to_state": "state code",
    "monitoring.CaseStep.role": "role code",
}

# Apps holding rows of households, cases, parties or seasons: all their free text is inventoried.
HOUSEHOLD_APPS = (
    "households",
    "screening",
    "assistance",
    "monitoring",
    "supervision",
    "industry",
    "ledger",
)

_STRUCTURAL = re.compile(
    r"(county|town|village|group|region)_code|(natural|dedupe|reverses)_key|\w+_hash|source_ref"
)


def is_structural(field_name: str) -> bool:
    """Machine-made columns: region codes, natural keys, hashes, references to other records."""
    return bool(_STRUCTURAL.fullmatch(field_name))
