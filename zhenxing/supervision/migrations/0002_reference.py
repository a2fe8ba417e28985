"""The shared catalogues: what a visit checks, the village standards, response deadlines."""

from django.db import migrations

CHECKS = [
    ("medical", "就医", "medical", True),
    ("schooling", "就学", "education", True),
    ("housing", "住房", "housing", True),
    ("water", "饮水", "water", True),
    ("food_clothing", "吃穿", "food_clothing", True),
    ("income", "收入与就业", "income", True),
    ("assistance", "帮扶措施落实", "organisation", False),
    ("work_team", "驻村工作", "organisation", False),
    ("records", "档案与“六统一”", "organisation", False),
]
STANDARDS = [
    ("clinic", "一个标准化村卫生室", "clinics", 1),
    ("doctor", "一至两名合格村医", "doctors", 1),
    ("waste", "生活垃圾分类覆盖", "waste_sorting", 1),
]
DEADLINES = [
    ("verify", 3, "入户核实：风险研判后 3 日内（domain.md §3.5）"),
    ("measure", 30, "本系统设定：识别后及时落实帮扶措施"),
]


def load(apps, schema_editor):
    CheckItem = apps.get_model("supervision", "CheckItem")
    VillageStandard = apps.get_model("supervision", "VillageStandard")
    ResponseDeadline = apps.get_model("supervision", "ResponseDeadline")
    for i, (code, name, pillar, hardship) in enumerate(CHECKS):
        CheckItem.objects.update_or_create(
            code=code,
            defaults={"name": name, "pillar": pillar, "household_hardship": hardship, "sort": i},
        )
    for i, (code, name, fact, minimum) in enumerate(STANDARDS):
        VillageStandard.objects.update_or_create(
            code=code, defaults={"name": name, "fact": fact, "minimum": minimum, "sort": i}
        )
    for stage, days, source in DEADLINES:
        ResponseDeadline.objects.update_or_create(
            county_code="", stage=stage, defaults={"days": days, "source": source}
        )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
