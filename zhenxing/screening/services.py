"""Screening writes: rule set versions, parameters, runs, publication.

Holds:
- `ruleset_create`, `ruleset_edit` (refused once used), `ruleset_publish`.
- `parameter_set`, `parameters_load`.
- `run_plan`: which rule set and parameters judge each town (stops before a run starts when
  anything is missing), `run_start`, `run_execute`, `run_publish`, `run_discard`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from zhenxing.accounts.access import require_allowed
from zhenxing.accounts.models import User
from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record
from zhenxing.core.errors import DomainError
from zhenxing.core.timeutil import business_today
from zhenxing.jobs.services import job_create, job_fail, job_finish, job_progress
from zhenxing.screening import engine, policies
from zhenxing.screening.compiler import ParamValue, compile_rule
from zhenxing.screening.dsl import Type
from zhenxing.screening.errors import ScreeningErrorCode
from zhenxing.screening.loader import (
    ParameterSpec,
    RuleSetSpec,
    parse_parameter_value,
    parse_rule_set,
)
from zhenxing.screening.models import Parameter, Rule, RuleSet, Run, Severity

# ---------------------------------------------------------------- rule sets


def _rules_from(spec: RuleSetSpec, rule_set: RuleSet) -> list[Rule]:
    return [
        Rule(
            rule_set=rule_set,
            position=i,
            code=r.code,
            look=r.look,
            question=r.question,
            expression=r.expression,
            severity=r.severity,
            risk_type=r.risk_type,
            reason_zh=r.reason_zh,
            reason_en=r.reason_en,
        )
        for i, r in enumerate(spec.rules)
    ]


def ruleset_create(
    *,
    actor: User | None,
    year: int,
    region_code: str,
    text: str,
    note: str = "",
    publish: bool = False,
    based_on: RuleSet | None = None,
) -> RuleSet:
    """A new version of the rules for a year and region, from its YAML text (checked first)."""
    require_allowed(policies.can_configure(actor), actor, "ruleset_create")
    spec = parse_rule_set(text)
    with transaction.atomic():
        latest = (
            RuleSet.objects.filter(year=year, region_code=region_code).aggregate(v=Max("version"))[
                "v"
            ]
            or 0
        )
        rule_set = RuleSet.objects.create(
            name=spec.name,
            year=year,
            region_code=region_code,
            version=latest + 1,
            published=publish,
            based_on=based_on,
            source=text,
            note=note,
            created_by=actor,
        )
        Rule.objects.bulk_create(_rules_from(spec, rule_set))
        record(
            AuditEventType.CONFIG_CHANGE,
            actor=actor,
            obj=rule_set,
            username="命令行 CLI",
            detail={"kind": "ruleset_create", "version": rule_set.version, "published": publish},
        )
    return rule_set


def ruleset_edit(*, actor: User | None, rule_set: RuleSet, text: str) -> RuleSet:
    """Replace a draft's rules. A version a run has used never changes (issue: save anew)."""
    require_allowed(policies.can_configure(actor), actor, "ruleset_edit")
    if rule_set.frozen:
        raise DomainError(
            ScreeningErrorCode.USED_VERSION, name=rule_set.name, version=rule_set.version
        )
    spec = parse_rule_set(text)
    with transaction.atomic():
        locked = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
        if locked.frozen:
            raise DomainError(
                ScreeningErrorCode.USED_VERSION, name=locked.name, version=locked.version
            )
        locked.rules.all().delete()
        Rule.objects.bulk_create(_rules_from(spec, locked))
        locked.name, locked.source = spec.name, text
        locked.save(update_fields=["name", "source"])
        record(
            AuditEventType.CONFIG_CHANGE,
            actor=actor,
            obj=locked,
            username="命令行 CLI",
            detail={"kind": "ruleset_edit", "version": locked.version},
        )
    return locked


def ruleset_publish(*, actor: User | None, rule_set: RuleSet) -> RuleSet:
    require_allowed(policies.can_configure(actor), actor, "ruleset_publish")
    with transaction.atomic():
        rule_set.published = True
        rule_set.save(update_fields=["published"])
        record(
            AuditEventType.CONFIG_CHANGE,
            actor=actor,
            obj=rule_set,
            username="命令行 CLI",
            detail={"kind": "ruleset_publish", "version": rule_set.version},
        )
    return rule_set


# ---------------------------------------------------------------- parameters


def parameter_set(
    *,
    actor: User | None,
    year: int,
    region_code: str,
    name: str,
    kind: str,
    value: str,
    label: str = "",
    source: str = "",
) -> Parameter:
    require_allowed(policies.can_configure(actor), actor, "parameter_set")
    amount = parse_parameter_value(kind, value, name)
    with transaction.atomic():
        parameter, _created = Parameter.objects.update_or_create(
            year=year,
            region_code=region_code,
            name=name,
            defaults={"kind": kind, "value": str(amount), "label": label, "source": source},
        )
        record(
            AuditEventType.CONFIG_CHANGE,
            actor=actor,
            obj=parameter,
            username="命令行 CLI",
            detail={
                "kind": "parameter",
                "name": name,
                "year": year,
                "region": region_code,
                "value": str(amount),
            },
        )
    return parameter


def parameters_load(*, actor: User | None, specs: Sequence[ParameterSpec]) -> int:
    with transaction.atomic():
        for spec in specs:
            parameter_set(
                actor=actor,
                year=spec.year,
                region_code=spec.region_code,
                name=spec.name,
                kind=spec.kind,
                value=str(spec.value),
                label=spec.label,
                source=spec.source,
            )
    return len(specs)


# ---------------------------------------------------------------- planning


@dataclass
class PlanGroup:
    rule_set: RuleSet
    towns: list[str] | None  # None = every town without its own group
    params: dict[str, ParamValue] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "rule_set": self.rule_set.pk,
            "towns": self.towns,
            "params": {
                n: {"kind": p.type.value, "value": str(p.value)}
                for n, p in sorted(self.params.items())
            },
        }


def _latest_published(year: int, region: str) -> RuleSet | None:
    return (
        RuleSet.objects.filter(year=year, region_code=region, published=True)
        .order_by("-version")
        .first()
    )


def _params_for(year: int, regions: Sequence[str]) -> dict[str, Parameter]:
    """Parameters for the most specific region first (a town's value overrides the county's)."""
    found: dict[str, Parameter] = {}
    for region in regions:
        for parameter in Parameter.objects.filter(year=year, region_code=region):
            found.setdefault(parameter.name, parameter)
    return found


def _resolve_params(
    rule_set: RuleSet, year: int, regions: Sequence[str], overrides: dict[str, str]
) -> dict[str, ParamValue]:
    spec = parse_rule_set(rule_set.source)
    available = _params_for(year, regions)
    missing = sorted(n for n in spec.parameters if n not in available and n not in overrides)
    if missing:
        raise DomainError(
            ScreeningErrorCode.MISSING_PARAMETERS,
            year=year,
            region=regions[0],
            names=", ".join(missing),
        )
    resolved: dict[str, ParamValue] = {}
    for name, kind in spec.parameters.items():
        if name in overrides:
            resolved[name] = ParamValue(kind, parse_parameter_value(kind, overrides[name], name))
            continue
        parameter = available[name]
        if parameter.kind != kind:
            raise DomainError(
                ScreeningErrorCode.WRONG_KIND, name=name, expected=kind, actual=parameter.kind
            )
        resolved[name] = ParamValue(kind, Decimal(parameter.value))
    return resolved


def run_plan(
    *,
    year: int,
    county_code: str,
    rule_set: RuleSet | None = None,
    param_overrides: dict[str, str] | None = None,
) -> list[PlanGroup]:
    """Which rules and parameter values judge each town; stops on anything missing.

    `rule_set` (what-if) replaces the county default; `param_overrides` replace values for
    every town (what-if of a parameter change).
    """
    if len(county_code) != 6:
        raise DomainError(ScreeningErrorCode.NOT_A_COUNTY, code=county_code)
    overrides = param_overrides or {}
    default = rule_set or _latest_published(year, county_code)
    if default is None:
        raise DomainError(ScreeningErrorCode.NO_RULE_SET, year=year, region=county_code)
    groups = [PlanGroup(default, None, _resolve_params(default, year, [county_code], overrides))]
    # Towns with their own published rules or their own parameter values form their own group.
    towns = set(
        RuleSet.objects.filter(year=year, region_code__startswith=county_code, published=True)
        .exclude(region_code=county_code)
        .values_list("region_code", flat=True)
    ) | set(
        Parameter.objects.filter(year=year, region_code__startswith=county_code)
        .exclude(region_code=county_code)
        .values_list("region_code", flat=True)
    )
    for town in sorted(towns):
        town_rules = default if rule_set else (_latest_published(year, town) or default)
        params = _resolve_params(town_rules, year, [town, county_code], overrides)
        groups.append(PlanGroup(town_rules, [town], params))
    return groups


# ---------------------------------------------------------------- runs


def run_start(
    *,
    actor: User | None,
    year: int,
    county_code: str,
    as_of: date | None = None,
    what_if: bool = False,
    rule_set: RuleSet | None = None,
    param_overrides: dict[str, str] | None = None,
    background: bool = True,
) -> Run:
    """Check the plan and record the run; the background worker executes it (or, with
    `background=False`, the caller does, e.g. the command line)."""
    require_allowed(policies.can_run(actor), actor, "run_start")
    plan = run_plan(
        year=year, county_code=county_code, rule_set=rule_set, param_overrides=param_overrides
    )
    job = job_create(actor=actor, kind="screening")
    run = Run.objects.create(
        year=year,
        county_code=county_code,
        as_of=as_of or business_today(),
        what_if=what_if or rule_set is not None or bool(param_overrides),
        status="running",
        plan={"groups": [g.as_json() for g in plan]},
        job=job,
        created_by=actor,
    )
    run.rule_sets.set({g.rule_set for g in plan})
    from zhenxing.screening.tasks import run_execute_task  # tasks import services

    if background:
        transaction.on_commit(lambda: run_execute_task.enqueue(run.pk))
    return run


def _judged_rules(rule_set: RuleSet, params: dict[str, ParamValue]) -> list[engine.JudgedRule]:
    spec = parse_rule_set(rule_set.source)
    in_range = set(spec.income_range_rules)
    return [
        engine.JudgedRule(
            position=rule.position,
            compiled=compile_rule(rule.expression, params),
            critical=rule.severity == Severity.CRITICAL,
            risk_type=rule.risk_type,
            in_income_range=rule.code in in_range,
        )
        for rule in rule_set.rules.order_by("position")
    ]


def plan_groups(run: Run) -> list[PlanGroup]:
    """The plan stored with a run, as objects (the evidence of what judged whom)."""
    sets = {rs.pk: rs for rs in run.rule_sets.all()}
    return [
        PlanGroup(
            rule_set=sets[g["rule_set"]],
            towns=g["towns"],
            params={
                n: ParamValue(Type(p["kind"]), Decimal(p["value"])) for n, p in g["params"].items()
            },
        )
        for g in run.plan["groups"]
    ]


def run_execute(run_id: int) -> Run:
    """Snapshot, flags, results, area counts: one transaction, so a failed run leaves no rows."""
    run = Run.objects.get(pk=run_id)
    job_id = run.job_id
    try:
        with transaction.atomic():
            # A run is executed once: a second delivery of the task finds it done.
            if Run.objects.select_for_update().get(pk=run_id).status != "running":
                return run
            groups = plan_groups(run)
            judged = [
                engine.JudgedGroup(
                    rule_set_id=g.rule_set.pk,
                    rules=_judged_rules(g.rule_set, g.params),
                    towns=g.towns,
                )
                for g in groups
            ]
            if job_id:
                job_progress(job_id, done=0, total=2, message="快照与规则 snapshot and rules")
            with engine.bulk_session():
                households = engine.judge_run(
                    run_id=run.pk,
                    county_code=run.county_code,
                    year=run.year,
                    as_of=run.as_of,
                    groups=judged,
                )
            if job_id:
                job_progress(job_id, done=1, total=2, message="统计 counts")
            engine.count_areas(run_id=run.pk)
            counts = _counts(run)
            counts["households"] = households
            now = timezone.now()
            RuleSet.objects.filter(
                pk__in=[g.rule_set.pk for g in groups], used_at__isnull=True
            ).update(used_at=now)
            Run.objects.filter(pk=run.pk).update(status="done", counts=counts, finished_at=now)
        if job_id:
            job_finish(job_id, result={"run": run.pk, **counts})
    except Exception as exc:
        Run.objects.filter(pk=run.pk).update(status="failed", finished_at=timezone.now())
        if job_id:
            job_fail(job_id, message=str(exc)[:200])
        raise
    run.refresh_from_db()
    return run


def _counts(run: Run) -> dict[str, Any]:
    by_class: dict[str, int] = {}
    by_category: dict[str, int] = {}
    ordinary = 0
    for stability, category, n in run.area_counts.values_list(
        "stability", "suggested_category", "households"
    ):
        if stability:
            by_class[stability] = by_class.get(stability, 0) + n
        else:
            ordinary += n  # neither exited nor monitored: no class, only the risk judgement
        if category:
            by_category[category] = by_category.get(category, 0) + n
    return {
        "by_class": by_class,
        "by_category": by_category,
        "classed": sum(by_class.values()),
        "ordinary": ordinary,
    }


def run_publish(*, actor: User | None, run: Run) -> Run:
    """The run becomes the households' current class. What-if runs are never published."""
    require_allowed(policies.can_publish(actor), actor, "run_publish")
    if run.status != "done" or run.what_if:
        raise DomainError(
            ScreeningErrorCode.BAD_STATUS,
            status=run.get_status_display(),
            action="发布",
            action_en="published",
        )
    with transaction.atomic():
        run.status, run.published_at, run.published_by = "published", timezone.now(), actor
        run.save(update_fields=["status", "published_at", "published_by"])
        record(
            AuditEventType.APPROVAL,
            actor=actor,
            obj=run,
            username="命令行 CLI",
            detail={"kind": "screening_publish", "counts": run.counts.get("by_class", {})},
        )
    return run


def run_discard(*, actor: User | None, run: Run) -> Run:
    require_allowed(policies.can_run(actor), actor, "run_discard")
    if run.status not in ("done", "failed"):
        raise DomainError(
            ScreeningErrorCode.BAD_STATUS,
            status=run.get_status_display(),
            action="放弃",
            action_en="discarded",
        )
    with transaction.atomic():
        run.status = "discarded"
        run.save(update_fields=["status"])
        # The evidence of a discarded run is not kept: nobody acts on it.
        run.results.all().delete()
        run.area_counts.all().delete()
        record(
            AuditEventType.CONFIG_CHANGE,
            actor=actor,
            obj=run,
            username="命令行 CLI",
            detail={"kind": "screening_discard"},
        )
    return run
