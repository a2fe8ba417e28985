"""The shipped reference data: the measure catalogue (domain.md §3.7), the 分类施策 plan rules
(domain.md §1.4), the visit schedules by class and the households-per-officer limit (§1.5).
Districts change them as data; nothing here is read from code."""

from decimal import Decimal

from django.db import migrations

# code, zh, en, group, developmental, per_person, involves_money, max amount in fen
KINDS = [
    ("industry", "产业帮扶", "Industry support", "developmental", True, False, True, 5_000_000),
    (
        "protection_agreement",
        "保护价收购协议",
        "Protection-price agreement",
        "developmental",
        True,
        False,
        False,
        None,
    ),
    (
        "floor_topup",
        "保底收购补差",
        "Floor-price top-up",
        "developmental",
        True,
        False,
        True,
        5_000_000,
    ),
    ("employment", "就业帮扶", "Employment support", "developmental", True, True, False, None),
    ("job_matching", "岗位对接", "Job matching", "developmental", True, True, False, None),
    ("public_job", "公益岗位", "Public-welfare job", "developmental", True, True, True, 3_000_000),
    (
        "work_for_relief",
        "以工代赈",
        "Work for relief",
        "developmental",
        True,
        True,
        True,
        3_000_000,
    ),
    ("skills_training", "技能培训", "Skills training", "developmental", True, True, True, 100_000),
    (
        "transport_subsidy",
        "务工交通补助",
        "Migrant transport subsidy",
        "developmental",
        True,
        True,
        True,
        80_000,
    ),
    ("micro_credit", "小额信贷", "Micro-credit", "developmental", True, False, True, 5_000_000),
    ("dividend", "股权分红", "Equity dividend", "developmental", True, False, True, 10_000_000),
    (
        "property_income",
        "三变资产收益",
        "Property income (三变)",
        "developmental",
        True,
        False,
        True,
        10_000_000,
    ),
    (
        "yulu",
        "雨露计划",
        "Vocational-school subsidy (雨露计划)",
        "guarantee",
        False,
        True,
        True,
        400_000,
    ),
    (
        "education_support",
        "控辍保学与教育资助",
        "School attendance and education aid",
        "guarantee",
        False,
        True,
        True,
        1_000_000,
    ),
    (
        "medical_insurance",
        "医保参保资助",
        "Medical insurance subsidy",
        "guarantee",
        False,
        True,
        True,
        100_000,
    ),
    (
        "medical",
        "医疗保障与救助",
        "Medical cover and aid",
        "guarantee",
        False,
        False,
        True,
        10_000_000,
    ),
    (
        "family_doctor",
        "家庭医生签约",
        "Family-doctor contract",
        "guarantee",
        False,
        True,
        False,
        None,
    ),
    ("housing", "危房改造", "House renovation", "guarantee", False, False, True, 5_000_000),
    ("water", "饮水安全保障", "Drinking-water safety", "guarantee", False, False, True, 2_000_000),
    ("dibao", "低保", "Minimum living allowance", "backstop", False, False, True, 5_000_000),
    ("tekun", "特困供养", "Extreme-poverty support", "backstop", False, True, True, 5_000_000),
    ("relief", "临时救助", "Temporary relief", "backstop", False, False, True, 5_000_000),
    ("disability", "残疾人补贴", "Disability allowance", "backstop", False, True, True, 1_000_000),
    (
        "social_backstop",
        "社会保障兜底",
        "Social-security backstop",
        "backstop",
        False,
        True,
        False,
        None,
    ),
    (
        "motivation",
        "志智双扶",
        "Motivation and skills support (志智双扶)",
        "support",
        False,
        False,
        False,
        None,
    ),
    ("role_model", "示范带动", "Role-model duty", "support", False, False, False, None),
    ("other", "其他", "Other", "support", False, False, True, 10_000_000),
]

# The response to each risk the screening found: risk type → (measure kind, for whom).
RISK_RESPONSES = [
    ("income_shortfall", "industry", "household", "收入不足：产业帮扶增收"),
    ("illness", "medical", "household", "因病：医疗保障与救助"),
    ("disability", "disability", "unable", "因残：残疾人补贴"),
    ("schooling", "yulu", "household", "因学：雨露计划等教育资助"),
    ("unstable_employment", "employment", "able", "务工不稳：就业帮扶"),
    ("lack_of_labour", "dibao", "household", "缺劳力：低保兜底"),
    ("housing_safety", "housing", "household", "住房不安全：危房改造"),
    ("drinking_water", "water", "household", "饮水不安全：饮水安全保障"),
    ("education_guarantee", "education_support", "household", "义务教育：控辍保学"),
    ("medical_guarantee", "medical_insurance", "household", "基本医疗：医保参保资助"),
    ("natural_disaster", "relief", "household", "因灾：临时救助"),
    ("accident", "relief", "household", "意外事故：临时救助"),
    ("industry_failure", "industry", "household", "产业失败：产业帮扶"),
]

# target, code, kind, for whom, due days, reason (the class rules of domain.md §1.4)
CLASS_RULES = [
    ("stable", "S_MODEL", "role_model", "household", 180, "稳定户：邀请示范带动、回馈乡里"),
    (
        "consolidating",
        "C_MOTIVATION",
        "motivation",
        "household",
        90,
        "巩固户：志智双扶，激发内生动力",
    ),
    ("consolidating", "C_TRAINING", "skills_training", "able", 120, "巩固户：技能培训"),
    ("consolidating", "C_JOBS", "job_matching", "able", 120, "巩固户：岗位对接"),
    ("marginal", "M_DIVIDEND", "dividend", "household", 180, "临界户：入股分红不低于5%"),
    ("marginal", "M_PROPERTY", "property_income", "household", 180, "临界户：“三变”资产收益"),
    (
        "marginal",
        "M_PUBLIC_JOB",
        "public_job",
        "able",
        60,
        "临界户：有劳动能力的成员优先安排公益岗位",
    ),
    (
        "marginal",
        "M_BACKSTOP",
        "social_backstop",
        "unable",
        60,
        "临界户：无劳动能力的成员社会保障兜底",
    ),
    (
        "monitored",
        "W_BACKSTOP",
        "social_backstop",
        "unable",
        60,
        "监测对象：无劳动能力的成员社会保障兜底",
    ),
]

SCHEDULES = [("monitored", 30), ("marginal", 30), ("consolidating", 90), ("stable", 180)]


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    kind = apps.get_model("assistance", "MeasureKind")
    rule = apps.get_model("assistance", "PlanRule")
    schedule = apps.get_model("assistance", "VisitSchedule")
    parameter = apps.get_model("assistance", "Parameter")
    for position, (code, zh, en, group, dev, person, money, limit) in enumerate(KINDS):
        kind.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": zh, "name_en": en, "group": group, "developmental": dev,
                "per_person": person, "involves_money": money,
                "max_amount": None if limit is None else Decimal(limit) / 100,
                "position": position,
            },
        )  # fmt: skip
    rows = list(CLASS_RULES)
    for target, prefix in (("consolidating", "C"), ("marginal", "M"), ("monitored", "W")):
        for risk, code, who, reason in RISK_RESPONSES:
            rows.append((target, f"{prefix}_{risk.upper()}", code, who, 90, reason, risk))
    for position, row in enumerate(rows):
        target, code, kind_code, who, due, reason, *risk = row
        rule.objects.update_or_create(
            year=2021,
            code=code,
            defaults={
                "position": position, "target": target, "risk_type": risk[0] if risk else "",
                "who": who, "kind_id": kind_code, "due_days": due, "reason_zh": reason,
            },
        )  # fmt: skip
    for target, days in SCHEDULES:
        schedule.objects.update_or_create(target=target, defaults={"interval_days": days})
    parameter.objects.update_or_create(
        region_code="",
        name="officer_max_households",
        defaults={"value": 200, "label": "每名村信息员联系农户上限 Households per officer"},
    )


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
