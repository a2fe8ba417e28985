"""Results carry the snapshot they were judged on, keyed by (run, household).

A run now writes one row per household (indicators and decision) instead of a snapshot row and
a result row, and that row's key is its only index: a million-household run writes half as
much. The old results are copied with their snapshots into the new table, which takes the old
table's name, and every existing run gets its area counts.
"""

import django.db.models.deletion
from django.db import migrations, models

COPY_RESULTS = """
INSERT INTO screening_result (run_id, household_id, county_code, town_code, village_code, category, member_count, income_wage, income_business, income_property, income_transfer, production_cost, industry_income, net_income, per_capita_net_income, rigid_medical, rigid_education, food_secure, clothing_secure, house_grade, water_litres, water_scarce_area, water_quality, water_piped, water_trip_minutes, water_horizontal_m, water_vertical_m, water_outage_days, school_age_children, children_out_of_school, uninsured_members, no_critical_illness_cover, chronic_ill_members, serious_ill_members, disabled_members, severely_disabled_members, labour_members, weak_labour_members, employed_members, dibao_members, tekun_members, stability, flags, risk_mask, rule_set_id, suggested_category)
SELECT r.run_id, r.household_id, r.county_code, r.town_code, r.village_code, s.category, s.member_count, s.income_wage, s.income_business, s.income_property, s.income_transfer, s.production_cost, s.industry_income, s.net_income, s.per_capita_net_income, s.rigid_medical, s.rigid_education, s.food_secure, s.clothing_secure, s.house_grade, s.water_litres, s.water_scarce_area, s.water_quality, s.water_piped, s.water_trip_minutes, s.water_horizontal_m, s.water_vertical_m, s.water_outage_days, s.school_age_children, s.children_out_of_school, s.uninsured_members, s.no_critical_illness_cover, s.chronic_ill_members, s.serious_ill_members, s.disabled_members, s.severely_disabled_members, s.labour_members, s.weak_labour_members, s.employed_members, s.dibao_members, s.tekun_members, r.stability, r.flags, r.risk_mask, r.rule_set_id, r.suggested_category
FROM screening_resultbefore r
JOIN screening_snapshotrow s ON s.run_id = r.run_id AND s.household_id = r.household_id
"""

COUNT_AREAS = """
INSERT INTO screening_areacount (run_id, county_code, town_code, village_code, stability,
    suggested_category, households)
SELECT run_id, county_code, town_code, village_code, stability, suggested_category, COUNT(*)
FROM screening_result
GROUP BY run_id, county_code, town_code, village_code, stability, suggested_category
"""


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0002_search_indexes"),
        ("screening", "0002_bulk_tables_lean"),
    ]

    operations = [
        migrations.RenameModel("Result", "ResultBefore"),
        migrations.CreateModel(
            name="Result",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "run",
                        "household",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "run",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="results",
                        to="screening.run",
                    ),
                ),
                (
                    "household",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="households.household",
                    ),
                ),
                ("county_code", models.CharField(max_length=6)),
                ("town_code", models.CharField(max_length=9)),
                ("village_code", models.CharField(max_length=12)),
                ("category", models.CharField(max_length=8)),
                ("member_count", models.IntegerField()),
                ("income_wage", models.BigIntegerField()),
                ("income_business", models.BigIntegerField()),
                ("income_property", models.BigIntegerField()),
                ("income_transfer", models.BigIntegerField()),
                ("production_cost", models.BigIntegerField()),
                ("industry_income", models.BigIntegerField()),
                ("net_income", models.BigIntegerField()),
                ("per_capita_net_income", models.BigIntegerField()),
                ("rigid_medical", models.BigIntegerField()),
                ("rigid_education", models.BigIntegerField()),
                ("food_secure", models.BooleanField()),
                ("clothing_secure", models.BooleanField()),
                ("house_grade", models.CharField(max_length=1)),
                ("water_litres", models.IntegerField()),
                ("water_scarce_area", models.BooleanField()),
                ("water_quality", models.CharField(max_length=10)),
                ("water_piped", models.BooleanField()),
                ("water_trip_minutes", models.IntegerField()),
                ("water_horizontal_m", models.IntegerField()),
                ("water_vertical_m", models.IntegerField()),
                ("water_outage_days", models.IntegerField()),
                ("school_age_children", models.IntegerField()),
                ("children_out_of_school", models.IntegerField()),
                ("uninsured_members", models.IntegerField()),
                ("no_critical_illness_cover", models.IntegerField()),
                ("chronic_ill_members", models.IntegerField()),
                ("serious_ill_members", models.IntegerField()),
                ("disabled_members", models.IntegerField()),
                ("severely_disabled_members", models.IntegerField()),
                ("labour_members", models.IntegerField()),
                ("weak_labour_members", models.IntegerField()),
                ("employed_members", models.IntegerField()),
                ("dibao_members", models.IntegerField()),
                ("tekun_members", models.IntegerField()),
                (
                    "stability",
                    models.CharField(
                        choices=[
                            ("stable", "稳定 Stable"),
                            ("consolidating", "巩固 Consolidating"),
                            ("marginal", "临界 Marginal"),
                        ],
                        max_length=14,
                        verbose_name="稳定性 Class",
                    ),
                ),
                ("flags", models.BigIntegerField(default=0)),
                ("risk_mask", models.BigIntegerField(default=0)),
                (
                    "rule_set",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="screening.ruleset",
                    ),
                ),
                ("suggested_category", models.CharField(blank=True, max_length=16)),
            ],
        ),
        migrations.RunSQL(COPY_RESULTS, migrations.RunSQL.noop),
        migrations.DeleteModel(name="ResultBefore"),
        migrations.DeleteModel(name="SnapshotRow"),
        migrations.CreateModel(
            name="AreaCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("county_code", models.CharField(max_length=6)),
                ("town_code", models.CharField(max_length=9)),
                ("village_code", models.CharField(max_length=12)),
                (
                    "stability",
                    models.CharField(
                        choices=[
                            ("stable", "稳定 Stable"),
                            ("consolidating", "巩固 Consolidating"),
                            ("marginal", "临界 Marginal"),
                        ],
                        max_length=14,
                    ),
                ),
                ("suggested_category", models.CharField(blank=True, max_length=16)),
                ("households", models.IntegerField()),
                (
                    "run",
                    models.ForeignKey(
                        on_delete=models.deletion.CASCADE,
                        related_name="area_counts",
                        to="screening.run",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("run", "village_code", "stability", "suggested_category"),
                        name="areacount_once",
                    )
                ],
            },
        ),
        migrations.RunSQL(COUNT_AREAS, migrations.RunSQL.noop),
    ]
