"""Cadre pairings carry their household's region codes (county-keyed, scoped like any
household row) and the cadre's work unit; existing rows take their household's codes."""

import django.db.models.expressions
from django.db import migrations, models

FIELDS = ("county_code", "town_code", "village_code")


def fill_codes(apps, schema_editor):  # type: ignore[no-untyped-def]
    pairing = apps.get_model("households", "CadrePairing")
    historical = apps.get_model("households", "HistoricalCadrePairing")
    household = apps.get_model("households", "Household")
    for model in (pairing, historical):
        for name in FIELDS:
            codes = household.objects.filter(pk=models.OuterRef("household_id")).values(name)
            model.objects.update(**{name: models.Subquery(codes[:1])})


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0002_search_indexes"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="cadrepairing", name="pairing_one_current_cadre"),
        *[
            migrations.AddField(
                model_name=model,
                name=name,
                field=models.CharField(default="", max_length=length, verbose_name=label),
                preserve_default=False,
            )
            for model in ("cadrepairing", "historicalcadrepairing")
            for name, length, label in (
                ("county_code", 6, "区县 County"),
                ("town_code", 9, "乡镇 Town"),
                ("village_code", 12, "村 Village"),
            )
        ],
        *[
            migrations.AddField(
                model_name=model,
                name="unit",
                field=models.CharField(
                    blank=True, max_length=80, verbose_name="工作单位 Work unit"
                ),
            )
            for model in ("cadrepairing", "historicalcadrepairing")
        ],
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="cadrepairing",
            constraint=models.UniqueConstraint(
                condition=models.Q(("until__isnull", True)),
                fields=("county_code", "household"),
                name="pairing_one_current_cadre",
            ),
        ),
        migrations.AddConstraint(
            model_name="cadrepairing",
            constraint=models.CheckConstraint(
                condition=models.Q(("until__isnull", True))
                | models.Q(("until__gte", django.db.models.expressions.F("since"))),
                name="pairing_until_after_since",
            ),
        ),
        migrations.AddIndex(
            model_name="cadrepairing",
            index=models.Index(
                fields=["county_code", "household", "since"], name="pairing_household"
            ),
        ),
        migrations.AddIndex(
            model_name="cadrepairing",
            index=models.Index(fields=["county_code", "cadre", "until"], name="pairing_cadre"),
        ),
    ]
