"""The set-based run: snapshot, rule flags, results — a handful of SQL statements per run.

1. `build_snapshot`: one `INSERT … SELECT` computes every indicator for every household of the
   county from members, facts, income and spending lines (pre-aggregated, joined once).
2. `judge_group`: one `INSERT … SELECT` over a derived table whose columns are the rules'
   flags (each one flat expression compiled from its rule, architecture §5); the outer select
   derives class, flag bits, risk bits and the suggested monitoring category from those
   columns into the run's results.

Money columns are integer fen; per-capita income rounds half up to the fen in integer arithmetic.
PostgreSQL's SUM of bigint is numeric, so every money sum is cast back to BIGINT: otherwise the
per-capita division would be a decimal division and the half-up rule would be lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection

from zhenxing.screening.compiler import Compiled
from zhenxing.screening.models import RISK_BITS, SnapshotRow

SNAPSHOT_COLUMNS = [f.column for f in SnapshotRow._meta.concrete_fields if f.column != "id"]

# Per-capita = round_half_up(net / members) in fen, for either sign of net.
_PER_CAPITA = """
    CASE WHEN COALESCE(m.member_count, 0) = 0 THEN 0
         WHEN COALESCE(i.net, 0) >= 0
              THEN (2 * COALESCE(i.net, 0) + m.member_count) / (2 * m.member_count)
         ELSE -((2 * (-i.net) + m.member_count) / (2 * m.member_count)) END
"""

# Only column names from the model are interpolated; every value is a query parameter.
_SNAPSHOT_SQL = f"""
INSERT INTO screening_snapshotrow ({", ".join(SNAPSHOT_COLUMNS)})
SELECT %(run)s, h.id, h.county_code, h.town_code, h.village_code, h.category,
       COALESCE(m.member_count, 0),
       COALESCE(i.wage, 0), COALESCE(i.business, 0), COALESCE(i.property, 0),
       COALESCE(i.transfer, 0), COALESCE(i.cost, 0), COALESCE(i.industry, 0),
       COALESCE(i.net, 0),
       {_PER_CAPITA},
       COALESCE(s.medical, 0), COALESCE(s.education, 0),
       COALESCE(f.food_secure, TRUE), COALESCE(f.clothing_secure, TRUE),
       COALESCE(f.house_grade, ''), COALESCE(f.water_litres, 0),
       COALESCE(f.water_scarce_area, FALSE), COALESCE(f.water_quality, 'unassessed'),
       COALESCE(f.water_piped, FALSE), COALESCE(f.water_trip_minutes, 0),
       COALESCE(f.water_horizontal_m, 0), COALESCE(f.water_vertical_m, 0),
       COALESCE(f.water_outage_days, 0),
       COALESCE(m.school_age, 0), COALESCE(m.out_of_school, 0), COALESCE(m.uninsured, 0),
       COALESCE(m.no_critical_cover, 0), COALESCE(m.chronic, 0), COALESCE(m.serious, 0),
       COALESCE(m.disabled, 0), COALESCE(m.severely_disabled, 0), COALESCE(m.labour, 0),
       COALESCE(m.weak_labour, 0), COALESCE(m.employed, 0), COALESCE(m.dibao, 0),
       COALESCE(m.tekun, 0)
FROM households_household h
LEFT JOIN (
    SELECT household_id,
           COUNT(*) AS member_count,
           SUM(CASE WHEN birth_date > %(school_from)s AND birth_date <= %(school_to)s
                    THEN 1 ELSE 0 END) AS school_age,
           SUM(CASE WHEN birth_date > %(school_from)s AND birth_date <= %(school_to)s
                     AND school_status = 'out_of_school' THEN 1 ELSE 0 END) AS out_of_school,
           SUM(CASE WHEN medical_insurance THEN 0 ELSE 1 END) AS uninsured,
           SUM(CASE WHEN critical_illness_insurance THEN 0 ELSE 1 END) AS no_critical_cover,
           SUM(CASE WHEN health = 'chronic' THEN 1 ELSE 0 END) AS chronic,
           SUM(CASE WHEN health = 'serious' THEN 1 ELSE 0 END) AS serious,
           SUM(CASE WHEN health = 'disabled' THEN 1 ELSE 0 END) AS disabled,
           SUM(CASE WHEN health = 'disabled' AND disability_grade <= 2 THEN 1 ELSE 0 END)
               AS severely_disabled,
           SUM(CASE WHEN labour IN ('ordinary', 'skilled') THEN 1 ELSE 0 END) AS labour,
           SUM(CASE WHEN labour = 'weak' THEN 1 ELSE 0 END) AS weak_labour,
           SUM(CASE WHEN work_months >= 6 THEN 1 ELSE 0 END) AS employed,
           SUM(CASE WHEN dibao THEN 1 ELSE 0 END) AS dibao,
           SUM(CASE WHEN tekun THEN 1 ELSE 0 END) AS tekun
    FROM households_member
    WHERE status = 'active' AND county_code = %(county)s
    GROUP BY household_id
) m ON m.household_id = h.id
LEFT JOIN (
    SELECT l.household_id,
           CAST(SUM(CASE WHEN l.kind = 'wage' THEN l.amount ELSE 0 END) AS BIGINT) AS wage,
           CAST(SUM(CASE WHEN l.kind = 'business' THEN l.amount ELSE 0 END) AS BIGINT)
               AS business,
           CAST(SUM(CASE WHEN l.kind = 'property' THEN l.amount ELSE 0 END) AS BIGINT)
               AS property,
           CAST(SUM(CASE WHEN l.kind = 'transfer' THEN l.amount ELSE 0 END) AS BIGINT)
               AS transfer,
           CAST(SUM(l.cost) AS BIGINT) AS cost,
           CAST(SUM(CASE WHEN l.source_ref <> '' THEN l.amount - l.cost ELSE 0 END) AS BIGINT)
               AS industry,
           CAST(SUM(l.amount - l.cost) AS BIGINT) AS net
    FROM households_incomeline l
    WHERE l.year = %(year)s
    GROUP BY l.household_id
) i ON i.household_id = h.id
LEFT JOIN (
    SELECT household_id,
           CAST(SUM(CASE WHEN kind = 'medical' THEN amount ELSE 0 END) AS BIGINT) AS medical,
           CAST(SUM(CASE WHEN kind = 'education' THEN amount ELSE 0 END) AS BIGINT)
               AS education
    FROM households_spendingline
    WHERE year = %(year)s
    GROUP BY household_id
) s ON s.household_id = h.id
LEFT JOIN households_householdfacts f ON f.household_id = h.id
WHERE h.county_code = %(county)s
"""  # noqa: S608


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def tune_for_bulk() -> None:
    """Inside the run's transaction: give PostgreSQL room to hash a million groups in memory
    instead of spilling them to disk (the default work_mem is 4 MB), and skip JIT compilation,
    which costs about a second per statement and gains nothing on these simple expressions."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL jit = off")


def build_snapshot(*, run_id: int, county_code: str, year: int, as_of: date) -> int:
    """Write one snapshot row per household of the county; returns the row count."""
    params: dict[str, Any] = {
        "run": run_id,
        "county": county_code,
        "year": year,
        # Aged 6–15 on `as_of`: born after as_of − 16 years and on or before as_of − 6 years.
        "school_from": _years_before(as_of, 16),
        "school_to": _years_before(as_of, 6),
    }
    with connection.cursor() as cursor:
        cursor.execute(_SNAPSHOT_SQL, params)
        return int(cursor.rowcount)


@dataclass(frozen=True)
class JudgedRule:
    position: int
    compiled: Compiled
    critical: bool
    risk_type: str
    in_income_range: bool


def _any(columns: Sequence[str]) -> str:
    return "(" + " OR ".join(f"t.{c}" for c in columns) + ")" if columns else "(1 = 0)"


def _bits(pairs: Sequence[tuple[str, int]]) -> str:
    if not pairs:
        return "0"
    return " | ".join(f"(CASE WHEN t.{c} THEN {bit} ELSE 0 END)" for c, bit in pairs)


def judge_group(
    *,
    run_id: int,
    rule_set_id: int,
    rules: Sequence[JudgedRule],
    town_codes: Sequence[str] | None,
    exclude_towns: Sequence[str] = (),
) -> int:
    """Apply one rule set to the snapshot rows of some towns (None = all but `exclude_towns`).

    The inner SELECT (built by the ORM from the compiled rules) yields one flat boolean column
    per rule; the outer statement derives class, flag bits, risk bits and the suggested
    category from those columns only, so no generated expression nests another.
    """
    columns = [f"r{rule.position}" for rule in rules]
    snapshot = SnapshotRow.objects.filter(run_id=run_id)
    if town_codes is not None:
        snapshot = snapshot.filter(town_code__in=list(town_codes))
    if exclude_towns:
        snapshot = snapshot.exclude(town_code__in=list(exclude_towns))
    flagged = snapshot.annotate(
        **{col: rule.compiled.expression for col, rule in zip(columns, rules, strict=True)}
    ).values_list("household_id", "county_code", "town_code", "village_code", "category", *columns)
    select_sql, select_params = flagged.query.sql_with_params()
    pairs = list(zip(columns, rules, strict=True))
    crit = _any([c for c, r in pairs if r.critical])
    warn = _any([c for c, r in pairs if not r.critical])
    rng = _any([c for c, r in pairs if r.in_income_range])
    flag_bits = _bits([(c, 1 << r.position) for c, r in pairs])
    risk_bits = _bits([(c, RISK_BITS[r.risk_type]) for c, r in pairs])
    derive = f"""
        INSERT INTO screening_result (run_id, household_id, county_code, town_code,
            village_code, stability, flags, risk_mask, rule_set_id, suggested_category)
        SELECT %s, t.household_id, t.county_code, t.town_code, t.village_code,
            CASE WHEN {crit} THEN 'marginal' WHEN {warn} THEN 'consolidating'
                 ELSE 'stable' END,
            {flag_bits},
            {risk_bits},
            %s,
            CASE WHEN {crit} AND {rng} AND t.category = 'exited' THEN 'unstable_exited'
                 WHEN {crit} AND {rng} THEN 'marginal'
                 WHEN {crit} THEN 'sudden_hardship'
                 ELSE '' END
        FROM ({select_sql}) t
    """  # noqa: S608 — only generated names are interpolated; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(derive, [run_id, rule_set_id, *select_params])
        return int(cursor.rowcount)


def explain_flags(
    *, run_id: int, household_id: int, rules: Sequence[JudgedRule]
) -> dict[int, bool]:
    """The same compiled expressions, evaluated for one household's snapshot row."""
    columns = {f"r{rule.position}": rule.compiled.expression for rule in rules}
    row = (
        SnapshotRow.objects.filter(run_id=run_id, household_id=household_id)
        .annotate(**columns)
        .values(*columns)
        .get()
    )
    return {rule.position: bool(row[f"r{rule.position}"]) for rule in rules}
