"""Reads of screening runs and results, scoped to the actor, and the explanation of one result.

Holds: `runs_visible`, `run_get`, `results_visible`, `results_summary`, `village_households`,
`run_latest_published`, `explain`, `compare_runs`, `changed_households`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from zhenxing.core.money import fen_to_yuan
from zhenxing.core.scope import ScopeKind, get_in_scope, scope_of
from zhenxing.households.selectors import filter_by_household_scope
from zhenxing.screening.dsl import Type
from zhenxing.screening.engine import explain_flags
from zhenxing.screening.indicators import INDICATORS
from zhenxing.screening.loader import template_names
from zhenxing.screening.models import AreaCount, Result, RiskType, Rule, Run, Severity
from zhenxing.screening.services import _judged_rules, plan_groups


def runs_visible(actor: Any) -> QuerySet[Run]:
    """Runs of the actor's county (a run covers a whole county; results are scoped below)."""
    scope = scope_of(actor)
    if scope.kind not in (ScopeKind.REGION, ScopeKind.PAIRED) or not scope.county_code:
        return Run.objects.none()
    return Run.objects.filter(county_code=scope.county_code)


def run_get(actor: Any, pk: int) -> Run:
    return get_in_scope(runs_visible(actor), object_type="screening.run", pk=pk)


def results_visible(actor: Any, run: Run) -> QuerySet[Result]:
    return filter_by_household_scope(Result.objects.filter(run=run), actor)


def _area_counts(actor: Any, run: Run) -> QuerySet[AreaCount] | None:
    """The run's area counts within the actor's region; None when the actor's scope is not a
    region (a cadre's pairings are counted from the results themselves)."""
    scope = scope_of(actor)
    if scope.kind != ScopeKind.REGION:
        return None
    return AreaCount.objects.filter(run=run).filter(scope.region_q())


def results_summary(actor: Any, run: Run, *, level: str, code: str = "") -> list[dict[str, Any]]:
    """Counts by class for each town (level "town") or village (level "village") in scope,
    from the area counts (a few hundred rows) where the scope is a region."""
    column = "town_code" if level == "town" else "village_code"
    counts = _area_counts(actor, run)
    rows: QuerySet[Any]
    if counts is not None:
        rows = counts

        def n(condition: Q) -> Any:
            return Coalesce(Sum("households", filter=condition), 0)
    else:
        rows = results_visible(actor, run)

        def n(condition: Q) -> Any:
            return Count("household", filter=condition)

    if code:
        rows = rows.filter(**{("county_code" if level == "town" else "town_code"): code})
    rows = (
        rows.values(column)
        .annotate(
            total=n(Q()),
            # The class is for exited and monitored households; the others are counted apart,
            # with only their monitoring-risk judgement (suggested category or none).
            classed=n(~Q(stability="")),
            stable=n(Q(stability="stable")),
            consolidating=n(Q(stability="consolidating")),
            marginal=n(Q(stability="marginal")),
            suggested=n(~Q(suggested_category="")),
            ordinary=n(Q(stability="")),
            ordinary_suggested=n(Q(stability="") & ~Q(suggested_category="")),
        )
        .order_by(column)
    )
    return [{"code": r[column], **{k: v for k, v in r.items() if k != column}} for r in rows]


def village_households(
    actor: Any, run: Run, village_code: str, stability: str | None = None
) -> int | None:
    """How many of a village's results (of one class; "" = households without a class) the
    actor sees, from the area counts (None: count the results). Saves the village list a
    second pass over the run's results."""
    counts = _area_counts(actor, run)
    if counts is None:
        return None
    counts = counts.filter(village_code=village_code)
    if stability is not None:
        counts = counts.filter(stability=stability)
    return int(counts.aggregate(n=Coalesce(Sum("households"), 0))["n"])


def run_latest_published(county_code: str, *, excluding: int | None = None) -> Run | None:
    """The county's latest published screening run: the one every app reads a household's
    current class and suggestions from. Ties on the publication instant go to the later run."""
    runs = Run.objects.filter(county_code=county_code, status="published", what_if=False)
    if excluding is not None:
        runs = runs.exclude(pk=excluding)
    return runs.order_by("-published_at", "-pk").first()


# ---------------------------------------------------------------- explanation


@dataclass(frozen=True)
class RuleOutcome:
    code: str
    look: str
    question: str
    severity: str
    risk_type: str
    expression: str
    inputs: dict[str, str]
    parameters: dict[str, str]
    fired: bool
    reason_zh: str
    reason_en: str

    @property
    def input_rows(self) -> list[tuple[str, str, str]]:
        """(label, name, value) of each input, for people who do not read column names."""
        return [(INDICATORS[n].zh, n, v) for n, v in self.inputs.items() if n in INDICATORS]

    @property
    def severity_label(self) -> str:
        return str(Severity(self.severity).label)

    @property
    def risk_label(self) -> str:
        return str(RiskType(self.risk_type).label)


def display(kind: Type, value: Any) -> str:
    if kind == Type.MONEY:
        yuan = fen_to_yuan(int(value)) if not isinstance(value, Decimal) else value
        return f"{yuan:,.2f}"
    if kind == Type.BOOL:
        return "是" if value else "否"
    return str(value)


def explain(run: Run, result: Result) -> list[RuleOutcome]:
    """Every rule of the set that judged this household: inputs, parameters, outcome.

    The outcome comes from evaluating the same compiled expressions on the snapshot stored in
    the result row, so the explanation cannot disagree with the run.
    """
    group = next(
        g
        for g in plan_groups(run)
        if g.rule_set.pk == result.rule_set_id and (g.towns is None or result.town_code in g.towns)
    )
    judged = _judged_rules(group.rule_set, group.params)
    fired = explain_flags(run_id=run.pk, household_id=result.household_id, rules=judged)
    values = {name: display(d.type, getattr(result, name)) for name, d in INDICATORS.items()}
    params = {name: display(p.type, p.value) for name, p in group.params.items()}
    outcomes = []
    for rule, judged_rule in zip(
        Rule.objects.filter(rule_set=group.rule_set).order_by("position"), judged, strict=True
    ):
        names = judged_rule.compiled.indicators | template_names(rule.reason_zh)
        inputs = {n: values[n] for n in sorted(names) if n in values}
        wanted = judged_rule.compiled.params | template_names(rule.reason_zh)
        used = {n: params[n] for n in sorted(wanted) if n in params}
        merged = {**values, **params}
        outcomes.append(
            RuleOutcome(
                code=rule.code,
                look=rule.look,
                question=rule.question,
                severity=rule.severity,
                risk_type=rule.risk_type,
                expression=rule.expression,
                inputs=inputs,
                parameters=used,
                fired=fired[rule.position],
                reason_zh=rule.reason_zh.format_map(merged),
                reason_en=rule.reason_en.format_map(merged),
            )
        )
    return outcomes


def fired_reasons(run: Run, result: Result) -> list[RuleOutcome]:
    return [o for o in explain(run, result) if o.fired]


# ---------------------------------------------------------------- what-if


def _with_before(actor: Any, trial: Run, base: Run) -> QuerySet[Result]:
    before = Result.objects.filter(run=base, household_id=OuterRef("household_id"))
    return results_visible(actor, trial).annotate(
        before=Subquery(before.values("stability")[:1]),
        before_flags=Subquery(before.values("flags")[:1]),
    )


def _changed(rows: QuerySet[Result]) -> QuerySet[Result]:
    return rows.filter(Q(before__isnull=True) | ~Q(before=F("stability")))


def compare_runs(actor: Any, trial: Run, base: Run, *, level: str = "town") -> list[dict[str, Any]]:
    """Class changes from `base` to `trial`, counted per town or village in the actor's scope."""
    column = "town_code" if level == "town" else "village_code"
    rows = (
        _changed(_with_before(actor, trial, base))
        .values(column, "before", "stability")
        .annotate(households=Count("household"))
        .order_by(column, "before", "stability")
    )
    return [
        {
            "code": r[column],
            "before": r["before"] or "",
            "after": r["stability"],
            "households": r["households"],
        }
        for r in rows
    ]


def changed_households(actor: Any, trial: Run, base: Run, *, code: str = "") -> QuerySet[Result]:
    """Households whose class differs between the runs (optionally in one town or village)."""
    rows = _changed(_with_before(actor, trial, base))
    if len(code) == 9:
        rows = rows.filter(town_code=code)
    elif len(code) == 12:
        rows = rows.filter(town_code=code[:9], village_code=code)
    return rows.select_related("household").order_by("town_code", "village_code", "household_id")


def flag_codes(rule_set_id: int, flags: int) -> list[str]:
    """The codes of the rules whose bits are set."""
    return [
        code
        for position, code in Rule.objects.filter(rule_set_id=rule_set_id)
        .order_by("position")
        .values_list("position", "code")
        if flags >> position & 1
    ]
