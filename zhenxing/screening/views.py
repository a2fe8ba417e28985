"""Screening pages: runs with progress, results by town → village → household, the household
explanation, what-if comparison, rule set versions and parameters, results export."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhenxing.accounts.access import scoped
from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role
from zhenxing.core.scope import get_in_scope, scope_of
from zhenxing.households.choices import MonitoringType
from zhenxing.regions.models import Division
from zhenxing.regions.selectors import division_get
from zhenxing.screening import exports, policies
from zhenxing.screening.models import Parameter, RuleSet, StabilityClass
from zhenxing.screening.selectors import (
    changed_households,
    compare_runs,
    explain,
    flag_codes,
    results_summary,
    results_visible,
    run_get,
    run_latest_published,
    runs_visible,
    village_households,
)
from zhenxing.screening.services import (
    parameter_set,
    ruleset_create,
    ruleset_publish,
    run_discard,
    run_publish,
    run_start,
)

READERS = (Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER, Role.SUPERVISOR)
CONFIGURERS = (Role.DISTRICT_STAFF,)
NO_CLASS = "none"


def _names(codes: list[str]) -> dict[str, str]:
    return dict(
        Division.objects.filter(code__in=codes, valid_to__isnull=True).values_list("code", "name")
    )


@scoped(*READERS)
def runs_view(request: HttpRequest) -> HttpResponse:
    runs = runs_visible(request.user).select_related("job")[:30]
    return render(
        request,
        "screening/runs.html",
        {
            "runs": runs,
            "can_run": policies.can_run(request.user),
            "this_year": date.today().year - 1,  # noqa: DTZ011 — a default, shown for editing
            "running": any(r.status == "running" for r in runs),
        },
    )


@scoped(*READERS)
def runs_partial_view(request: HttpRequest) -> HttpResponse:
    """The runs table, polled by htmx while a run is in progress."""
    runs = runs_visible(request.user).select_related("job")[:30]
    return render(
        request,
        "screening/_runs_table.html",
        {"runs": runs, "running": any(r.status == "running" for r in runs)},
    )


@scoped(*CONFIGURERS)
@require_POST
def run_start_view(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    overrides = {
        key.removeprefix("param_"): str(request.POST.get(key, "")).strip()
        for key in request.POST
        if key.startswith("param_") and str(request.POST.get(key, "")).strip()
    }
    rule_set = None
    if request.POST.get("rule_set"):
        rule_set = get_in_scope(
            RuleSet.objects.filter(region_code__startswith=scope.county_code),
            object_type="screening.ruleset",
            pk=request.POST["rule_set"],
        )
    try:
        run_start(
            actor=request.user,  # type: ignore[arg-type]
            year=int(request.POST.get("year", "0") or 0),
            county_code=scope.county_code,
            rule_set=rule_set,
            param_overrides=overrides or None,
            what_if=bool(overrides or rule_set) or request.POST.get("what_if") == "1",
        )
        messages.success(request, _("The screening has started."))
    except (DomainError, ValueError) as exc:
        messages.error(request, exc.message if isinstance(exc, DomainError) else str(exc))
    return redirect("screening:runs")


@scoped(*READERS)
def run_view(request: HttpRequest, run_id: int, code: str = "") -> HttpResponse:
    run = run_get(request.user, run_id)
    scope = scope_of(request.user)
    if code and not (scope.village_code and code == scope.town_code):
        division_get(request.user, code)  # out of area: NotInScope, answered 404 and audited
    level = "town" if not code and not scope.town_code else "village"
    code = code or scope.town_code
    if scope.village_code:
        return redirect("screening:village", run_id=run.pk, code=scope.village_code)
    rows = results_summary(request.user, run, level=level, code=code)
    names = _names([r["code"] for r in rows] + ([code] if code else []))
    for row in rows:
        row["name"] = names.get(row["code"], row["code"])
    base = run_latest_published(run.county_code, excluding=run.pk)
    return render(
        request,
        "screening/run.html",
        {
            "run": run,
            "rows": rows,
            "level": level,
            "code": code,
            "area": names.get(code, ""),
            "can_publish": policies.can_publish(request.user)
            and run.status == "done"
            and not run.what_if,
            "can_discard": policies.can_run(request.user) and run.status in ("done", "failed"),
            "base": base if run.what_if else None,
            "classes": StabilityClass.choices,
        },
    )


@scoped(*READERS, Role.CADRE)
def village_view(request: HttpRequest, run_id: int, code: str) -> HttpResponse:
    run = run_get(request.user, run_id)
    division_get(request.user, code)  # out of area: NotInScope, answered 404 and audited
    results = results_visible(request.user, run).filter(town_code=code[:9], village_code=code)
    stability = request.GET.get("class", "")
    # "none": the households the class does not apply to (neither exited nor monitored).
    wanted = "" if stability == NO_CLASS else (stability or None)
    if wanted is not None:
        results = results.filter(stability=wanted)
    results = results.select_related("household").order_by("-flags", "household__household_no")
    paginator = Paginator(results, 50)
    known = village_households(request.user, run, code, wanted)
    if known is not None:
        paginator.count = known  # the area counts already know it
    page = paginator.get_page(request.GET.get("page"))
    suggested = dict(MonitoringType.choices)
    for result in page:
        result.codes = flag_codes(result.rule_set_id, result.flags)  # type: ignore[attr-defined]
        result.suggested_label = suggested.get(result.suggested_category, "")  # type: ignore[attr-defined]
    return render(
        request,
        "screening/village.html",
        {
            "run": run,
            "page": page,
            "code": code,
            "area": _names([code]).get(code, code),
            "stability": stability,
            "classes": [
                *StabilityClass.choices,
                (NO_CLASS, _("No class (not exited or monitored)")),
            ],
        },
    )


@scoped(*READERS, Role.CADRE)
def explain_view(request: HttpRequest, run_id: int, household_id: int) -> HttpResponse:
    run = run_get(request.user, run_id)
    result = get_in_scope(
        results_visible(request.user, run).select_related("household", "rule_set"),
        object_type="household",
        household_id=household_id,
    )
    outcomes = explain(run, result)
    return render(
        request,
        "screening/explain.html",
        {
            "run": run,
            "result": result,
            "outcomes": outcomes,
            "fired": [o for o in outcomes if o.fired],
            "suggested_label": dict(MonitoringType.choices).get(result.suggested_category, ""),
        },
    )


@scoped(*CONFIGURERS)
@require_POST
def run_publish_view(request: HttpRequest, run_id: int) -> HttpResponse:
    run = run_get(request.user, run_id)
    try:
        run_publish(actor=request.user, run=run)  # type: ignore[arg-type]
        messages.success(request, _("Published: these are now the households' classes."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("screening:run", run_id=run.pk)


@scoped(*CONFIGURERS)
@require_POST
def run_discard_view(request: HttpRequest, run_id: int) -> HttpResponse:
    run = run_get(request.user, run_id)
    try:
        run_discard(actor=request.user, run=run)  # type: ignore[arg-type]
        messages.success(request, _("The run was discarded."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("screening:runs")


@scoped(*READERS)
def compare_view(request: HttpRequest, run_id: int, base_id: int) -> HttpResponse:
    trial = run_get(request.user, run_id)
    base = run_get(request.user, base_id)
    code = request.GET.get("code", "")
    level = "village" if code else "town"
    rows = compare_runs(request.user, trial, base, level=level)
    if code:
        rows = [r for r in rows if r["code"].startswith(code)]
    names = _names([r["code"] for r in rows])
    for row in rows:
        row["name"] = names.get(row["code"], row["code"])
    changed = Paginator(changed_households(request.user, trial, base, code=code), 50)
    page = changed.get_page(request.GET.get("page"))
    for result in page:
        now = set(flag_codes(result.rule_set_id, result.flags))
        before = set(flag_codes(result.rule_set_id, result.before_flags or 0))  # type: ignore[attr-defined]
        result.added = sorted(now - before)  # type: ignore[attr-defined]
        result.removed = sorted(before - now)  # type: ignore[attr-defined]
    labels = dict(StabilityClass.choices)
    return render(
        request,
        "screening/compare.html",
        {
            "trial": trial,
            "base": base,
            "rows": rows,
            "page": page,
            "code": code,
            "labels": labels,
        },
    )


@scoped(*READERS)
def export_view(request: HttpRequest, run_id: int) -> HttpResponseBase:
    run = run_get(request.user, run_id)
    return exports.results_response(actor=request.user, run=run)


# ---------------------------------------------------------------- rules and parameters


@scoped(*READERS)
def rules_view(request: HttpRequest) -> HttpResponse:
    county = scope_of(request.user).county_code
    rule_sets = RuleSet.objects.filter(region_code__startswith=county).order_by(
        "-year", "region_code", "-version"
    )
    parameters = Parameter.objects.filter(region_code__startswith=county).order_by(
        "-year", "region_code", "name"
    )
    year = request.GET.get("year", "")
    if year.isdigit():
        parameters = parameters.filter(year=int(year))
        rule_sets = rule_sets.filter(year=int(year))
    return render(
        request,
        "screening/rules.html",
        {
            "rule_sets": rule_sets,
            "parameters": parameters[:200],
            "year": year,
            "can_configure": policies.can_configure(request.user),
        },
    )


@scoped(*READERS)
def rule_set_view(request: HttpRequest, rule_set_id: int) -> HttpResponse:
    county = scope_of(request.user).county_code
    rule_set = get_in_scope(
        RuleSet.objects.filter(region_code__startswith=county),
        object_type="screening.ruleset",
        pk=rule_set_id,
    )
    return render(
        request,
        "screening/rule_set.html",
        {
            "rule_set": rule_set,
            "rules": rule_set.rules.order_by("position"),
            "can_configure": policies.can_configure(request.user),
        },
    )


@scoped(*CONFIGURERS)
def rule_set_new_view(request: HttpRequest) -> HttpResponse:
    county = scope_of(request.user).county_code
    based_on = None
    if request.GET.get("from"):
        based_on = get_in_scope(
            RuleSet.objects.filter(region_code__startswith=county),
            object_type="screening.ruleset",
            pk=request.GET["from"],
        )
    error = ""
    if request.method == "POST":
        region = request.POST.get("region", county).strip() or county
        try:
            if not region.startswith(county):
                raise ValueError(_("The region must lie in your county."))
            created = ruleset_create(
                actor=request.user,  # type: ignore[arg-type]
                year=int(request.POST.get("year", "0") or 0),
                region_code=region,
                text=request.POST.get("source", ""),
                note=request.POST.get("note", ""),
            )
            messages.success(request, _("Saved as a new draft version."))
            return redirect("screening:rule_set", rule_set_id=created.pk)
        except DomainError as exc:
            error = exc.message
        except ValueError as exc:
            error = str(exc)
    return render(
        request,
        "screening/rule_set_new.html",
        {
            "based_on": based_on,
            "error": error,
            "county": county,
            "source": request.POST.get("source") or (based_on.source if based_on else ""),
            "year": request.POST.get("year") or (based_on.year if based_on else ""),
            "region": request.POST.get("region") or (based_on.region_code if based_on else county),
        },
    )


@scoped(*CONFIGURERS)
@require_POST
def rule_set_publish_view(request: HttpRequest, rule_set_id: int) -> HttpResponse:
    county = scope_of(request.user).county_code
    rule_set = get_in_scope(
        RuleSet.objects.filter(region_code__startswith=county),
        object_type="screening.ruleset",
        pk=rule_set_id,
    )
    ruleset_publish(actor=request.user, rule_set=rule_set)  # type: ignore[arg-type]
    messages.success(request, _("Published."))
    return redirect("screening:rule_set", rule_set_id=rule_set.pk)


@scoped(*CONFIGURERS)
@require_POST
def parameter_set_view(request: HttpRequest) -> HttpResponse:
    county = scope_of(request.user).county_code
    region = request.POST.get("region", "").strip()
    try:
        if not region.startswith(county):
            raise ValueError(_("The region must lie in your county."))
        parameter_set(
            actor=request.user,  # type: ignore[arg-type]
            year=int(request.POST.get("year", "0") or 0),
            region_code=region,
            name=request.POST.get("name", "").strip(),
            kind=request.POST.get("kind", ""),
            value=request.POST.get("value", ""),
            label=request.POST.get("label", ""),
            source=request.POST.get("source", ""),
        )
        messages.success(request, _("Parameter saved."))
    except DomainError as exc:
        messages.error(request, exc.message)
    except ValueError as exc:
        messages.error(request, str(exc))
    return redirect(f"{reverse('screening:rules')}?year={request.POST.get('year', '')}")
