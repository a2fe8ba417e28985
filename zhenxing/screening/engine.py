"""The set-based run: every household judged by one `INSERT … SELECT`.

The statement has three layers, innermost first:

1. the snapshot: every indicator of every household of the county, computed from members,
   facts, income and spending lines (pre-aggregated, joined once);
2. the flags: one flat boolean column per rule, each compiled from its rule by the ORM
   (architecture §5), for every rule set of the run's plan;
3. the decision: class, flag bits, risk bits and suggested monitoring category, derived from
   the flag columns of the rule set that judges the household's town.

The result row keeps the snapshot beside the decision: the evidence the decision saw, read
again by the explanation. A second, small `GROUP BY` writes the run's area counts.

Money columns are integer fen; per-capita income rounds half up to the fen in integer arithmetic.
PostgreSQL's SUM of bigint is numeric, so every money sum is cast back to BIGINT: otherwise the
per-capita division would be a decimal division and the half-up rule would be lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection

from zhenxing.screening.compiler import Compiled
from zhenxing.screening.indicators import INDICATORS
from zhenxing.screening.models import RISK_BITS, AreaCount, Result

# The snapshot's columns, in the order of `_SNAPSHOT_SELECT`.
# `monitoring_type` is no rule's input: it decides only whether the class applies (below).
SNAPSHOT_COLUMNS = [
    "household_id", "county_code", "town_code", "village_code", "monitoring_type", *INDICATORS
]  # fmt: skip

_PER_CAPITA = """
    CASE WHEN COALESCE(m.member_count, 0) = 0 THEN 0
         WHEN COALESCE(i.net, 0) >= 0
              THEN (2 * COALESCE(i.net, 0) + m.member_count) / (2 * m.member_count)
         ELSE -((2 * (-i.net) + m.member_count) / (2 * m.member_count)) END
"""

# Only column names from the model are interpolated; every value is a query parameter.
_SNAPSHOT_SELECT = f"""
SELECT h.id AS household_id, h.county_code AS county_code, h.town_code AS town_code,
       h.village_code AS village_code, h.monitoring_type AS monitoring_type,
       h.category AS category,
       COALESCE(m.member_count, 0) AS member_count,
       COALESCE(i.wage, 0) AS income_wage, COALESCE(i.business, 0) AS income_business,
       COALESCE(i.property, 0) AS income_property, COALESCE(i.transfer, 0) AS income_transfer,
       COALESCE(i.cost, 0) AS production_cost, COALESCE(i.industry, 0) AS industry_income,
       COALESCE(i.net, 0) AS net_income,
       {_PER_CAPITA} AS per_capita_net_income,
       COALESCE(s.medical, 0) AS rigid_medical, COALESCE(s.education, 0) AS rigid_education,
       COALESCE(f.food_secure, TRUE) AS food_secure,
       COALESCE(f.clothing_secure, TRUE) AS clothing_secure,
       COALESCE(f.house_grade, '') AS house_grade, COALESCE(f.water_litres, 0) AS water_litres,
       COALESCE(f.water_scarce_area, FALSE) AS water_scarce_area,
       COALESCE(f.water_quality, 'unassessed') AS water_quality,
       COALESCE(f.water_piped, FALSE) AS water_piped,
       COALESCE(f.water_trip_minutes, 0) AS water_trip_minutes,
       COALESCE(f.water_horizontal_m, 0) AS water_horizontal_m,
       COALESCE(f.water_vertical_m, 0) AS water_vertical_m,
       COALESCE(f.water_outage_days, 0) AS water_outage_days,
       COALESCE(m.school_age, 0) AS school_age_children,
       COALESCE(m.out_of_school, 0) AS children_out_of_school,
       COALESCE(m.uninsured, 0) AS uninsured_members,
       COALESCE(m.no_critical_cover, 0) AS no_critical_illness_cover,
       COALESCE(m.chronic, 0) AS chronic_ill_members,
       COALESCE(m.serious, 0) AS serious_ill_members,
       COALESCE(m.disabled, 0) AS disabled_members,
       COALESCE(m.severely_disabled, 0) AS severely_disabled_members,
       COALESCE(m.labour, 0) AS labour_members,
       COALESCE(m.weak_labour, 0) AS weak_labour_members,
       COALESCE(m.employed, 0) AS employed_members, COALESCE(m.dibao, 0) AS dibao_members,
       COALESCE(m.tekun, 0) AS tekun_members
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
"""  # noqa: S608 — interpolates only the module's _PER_CAPITA text; values are parameters


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _positional(sql: str, values: dict[str, Any]) -> tuple[str, list[Any]]:
    """`%(name)s` placeholders to `%s` with their values in order, so the snapshot can sit in
    one statement with the ORM's positional parameters."""
    names = re.findall(r"%\((\w+)\)s", sql)
    return re.sub(r"%\((\w+)\)s", "%s", sql), [values[name] for name in names]


def snapshot_select(*, county_code: str, year: int, as_of: date) -> tuple[str, list[Any]]:
    """The snapshot of every household of the county, one row each (`SNAPSHOT_COLUMNS`)."""
    return _positional(
        _SNAPSHOT_SELECT,
        {
            "county": county_code,
            "year": year,
            # Aged 6–15 on `as_of`: born after as_of − 16 years and on or before as_of − 6 years.
            "school_from": _years_before(as_of, 16),
            "school_to": _years_before(as_of, 6),
        },
    )


@contextmanager
def bulk_session() -> Iterator[None]:
    """Inside the run's transaction, on PostgreSQL: room to sort and hash a million rows in
    memory (the default work_mem is 4 MB), and no JIT, which costs about a second per statement
    and gains nothing on these simple expressions. The snapshot joins four tables that all come
    in household order, so merge joins over the ordered aggregates beat hashing a million
    groups (about 4 s instead of 7 s at a million households); hashing comes back for the
    statements after it."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL enable_hashagg = off")
        cursor.execute("SET LOCAL enable_hashjoin = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_hashagg")
            cursor.execute("RESET enable_hashjoin")


@dataclass(frozen=True)
class JudgedRule:
    position: int
    compiled: Compiled
    critical: bool
    risk_type: str
    in_income_range: bool


@dataclass(frozen=True)
class JudgedGroup:
    """One rule set of the plan and the towns it judges (None: every other town)."""

    rule_set_id: int
    rules: Sequence[JudgedRule]
    towns: Sequence[str] | None


def _flag_sql(rule: JudgedRule) -> tuple[str, list[Any]]:
    """The rule's compiled expression as SQL over the columns of a `Result` row."""
    query = Result.objects.all().query
    compiler = query.get_compiler(connection=connection)
    resolved = rule.compiled.expression.resolve_expression(query)
    sql, params = compiler.compile(resolved)
    sql, params = resolved.select_format(compiler, sql, params)
    return sql, list(params)


def _any(columns: Sequence[str]) -> str:
    return "(" + " OR ".join(f"t.{c}" for c in columns) + ")" if columns else "(1 = 0)"


def _bits(pairs: Sequence[tuple[str, int]]) -> str:
    if not pairs:
        return "0"
    return " | ".join(f"(CASE WHEN t.{c} THEN {bit} ELSE 0 END)" for c, bit in pairs)


# Which households the class applies to: exited, or under monitoring.
CLASSED = "(t.category = 'exited' OR t.monitoring_type <> '')"


def _decision(group: JudgedGroup, prefix: str) -> dict[str, str]:
    """Class, flag bits, risk bits, rule set and suggested category from the group's flag
    columns only, so no generated expression nests another."""
    pairs = [(f"{prefix}r{rule.position}", rule) for rule in group.rules]
    crit = _any([c for c, r in pairs if r.critical])
    warn = _any([c for c, r in pairs if not r.critical])
    rng = _any([c for c, r in pairs if r.in_income_range])
    return {
        # The class (稳定/巩固/临界) sorts exited households and households under monitoring
        # (domain.md §1.4); every other household gets only the monitoring-risk judgement
        # (the suggested category below) and no class.
        "stability": f"""CASE WHEN NOT {CLASSED} THEN ''
            WHEN {crit} THEN 'marginal' WHEN {warn} THEN 'consolidating'
            ELSE 'stable' END""",
        "flags": _bits([(c, 1 << r.position) for c, r in pairs]),
        "risk_mask": _bits([(c, RISK_BITS[r.risk_type]) for c, r in pairs]),
        "rule_set_id": str(int(group.rule_set_id)),
        "suggested_category": f"""CASE
            WHEN {crit} AND {rng} AND t.category = 'exited' THEN 'unstable_exited'
            WHEN {crit} AND {rng} THEN 'marginal'
            WHEN {crit} THEN 'sudden_hardship'
            ELSE '' END""",
    }


def _fence() -> str:
    """Keeps a derived table from being merged into the query around it. Merged, every
    reference to a column would repeat its expression: the per-capita CASE once per income
    rule, each rule once per decision column that reads it (about a second at a million rows)."""
    return "OFFSET 0" if connection.vendor == "postgresql" else "LIMIT -1 OFFSET 0"


def judge_run(
    *, run_id: int, county_code: str, year: int, as_of: date, groups: Sequence[JudgedGroup]
) -> int:
    """Snapshot, flags and decision for every household of the county, in one statement.

    `groups` is the plan: the first without towns is the county default; each other one judges
    its own towns. Every group's flags are computed for every row (cheap beside the snapshot);
    the decision columns pick the group by town. Returns the number of households judged.
    """
    default = next(g for g in groups if g.towns is None)
    own = [g for g in groups if g.towns is not None]
    snapshot_sql, snapshot_params = snapshot_select(county_code=county_code, year=year, as_of=as_of)
    flag_columns: list[str] = []
    flag_params: list[Any] = []
    for index, group in enumerate([default, *own]):
        for rule in group.rules:
            sql, params = _flag_sql(rule)
            flag_columns.append(f"{sql} AS g{index}r{rule.position}")
            flag_params.extend(params)
    decisions = [_decision(g, f"g{i}") for i, g in enumerate([default, *own])]
    picked: list[str] = []
    pick_params: list[Any] = []
    for column in ("stability", "flags", "risk_mask", "rule_set_id", "suggested_category"):
        if not own:
            picked.append(decisions[0][column])
            continue
        whens = []
        for group, decision in zip(own, decisions[1:], strict=True):
            towns = list(group.towns or [])
            whens.append(
                f"WHEN t.town_code IN ({', '.join(['%s'] * len(towns))}) THEN {decision[column]}"
            )
            pick_params.extend(towns)
        picked.append(f"CASE {' '.join(whens)} ELSE {decisions[0][column]} END")
    columns = ["run_id", *SNAPSHOT_COLUMNS, "stability", "flags", "risk_mask", "rule_set_id",
               "suggested_category"]  # fmt: skip
    # The snapshot is named after the table the rules were compiled against, so the ORM's
    # column references ("screening_result"."per_capita_net_income") read the snapshot.
    fence = _fence()
    statement = f"""
        INSERT INTO screening_result ({", ".join(columns)})
        SELECT %s, {", ".join(f"t.{c}" for c in SNAPSHOT_COLUMNS)}, {", ".join(picked)}
        FROM (
            SELECT screening_result.*, {", ".join(flag_columns)}
            FROM ({snapshot_sql} {fence}) screening_result
            {fence}
        ) t
    """  # noqa: S608 — only generated names are interpolated; values are parameters
    params = [run_id, *pick_params, *flag_params, *snapshot_params]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return int(cursor.rowcount)


def count_areas(*, run_id: int) -> None:
    """The run's households per village, class and suggested category (one GROUP BY)."""
    table = AreaCount._meta.db_table
    statement = f"""
        INSERT INTO {table} (run_id, county_code, town_code, village_code, stability,
            suggested_category, households)
        SELECT run_id, county_code, town_code, village_code, stability, suggested_category,
            COUNT(*)
        FROM screening_result WHERE run_id = %s
        GROUP BY run_id, county_code, town_code, village_code, stability, suggested_category
    """  # noqa: S608 — the table name comes from the model
    with connection.cursor() as cursor:
        cursor.execute(statement, [run_id])


def explain_flags(
    *, run_id: int, household_id: int, rules: Sequence[JudgedRule]
) -> dict[int, bool]:
    """The same compiled expressions, evaluated on one household's stored snapshot."""
    columns = {f"r{rule.position}": rule.compiled.expression for rule in rules}
    row = (
        Result.objects.filter(run_id=run_id, household_id=household_id)
        .annotate(**columns)
        .values(*columns)
        .get()
    )
    return {rule.position: bool(row[f"r{rule.position}"]) for rule in rules}
