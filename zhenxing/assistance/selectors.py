"""Every read of assistance, scoped through the one household rule (`filter_by_household_scope`).

Holds: `measures_visible`, `plans_visible`, `items_visible`, `visits_visible`,
`discrepancies_visible`; `responsible_on` (who was the household's cadre on a day);
`current_targets` (class or "monitored" from the latest published screening);
`due_list` (an officer's or cadre's households with class, due items, last and next visit);
`coverage` (exited and monitored households without a cadre), `officer_quota` per village,
`indicators` (developmental-measure coverage, overdue plans), `discrepancy_report`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery

from zhenxing.assistance import domain
from zhenxing.assistance.models import (
    Discrepancy,
    ItemStatus,
    Measure,
    MeasureStatus,
    OfficerAssignment,
    Plan,
    PlanItem,
    PlanTarget,
    Visit,
    VisitSchedule,
)
from zhenxing.core.roles import Role
from zhenxing.households.models import CadrePairing, Household, Member
from zhenxing.households.selectors import filter_by_household_scope, households_visible


def measures_visible(actor: Any) -> QuerySet[Measure]:
    return filter_by_household_scope(Measure.objects.all(), actor)


def plans_visible(actor: Any) -> QuerySet[Plan]:
    return filter_by_household_scope(Plan.objects.all(), actor)


def items_visible(actor: Any) -> QuerySet[PlanItem]:
    return filter_by_household_scope(PlanItem.objects.all(), actor)


def visits_visible(actor: Any) -> QuerySet[Visit]:
    return filter_by_household_scope(Visit.objects.all(), actor)


def discrepancies_visible(actor: Any) -> QuerySet[Discrepancy]:
    return filter_by_household_scope(Discrepancy.objects.all(), actor)


def pairings_visible(actor: Any) -> QuerySet[CadrePairing]:
    return filter_by_household_scope(CadrePairing.objects.all(), actor)


def assignments_visible(actor: Any) -> QuerySet[OfficerAssignment]:
    return filter_by_household_scope(OfficerAssignment.objects.all(), actor)


def responsible_on(household: Household, day: date) -> CadrePairing | None:
    """The cadre responsible for the household on `day` (pairings keep their dates)."""
    return (
        CadrePairing.objects.filter(
            county_code=household.county_code, household=household, since__lte=day
        )
        .filter(Q(until__isnull=True) | Q(until__gte=day))
        .select_related("cadre")
        .first()
    )


def officer_on(household: Household, day: date) -> OfficerAssignment | None:
    return (
        OfficerAssignment.objects.filter(
            county_code=household.county_code, household=household, since__lte=day
        )
        .filter(Q(until__isnull=True) | Q(until__gte=day))
        .first()
    )


def current_targets(county_code: str, household_ids: list[int]) -> dict[int, str]:
    """household id → plan target (稳定/巩固/临界, or monitored) from the latest published
    screening; households without a class are absent."""
    from zhenxing.screening.models import Result
    from zhenxing.screening.selectors import run_latest_published

    run = run_latest_published(county_code)
    if run is None or not household_ids:
        return {}
    rows = Result.objects.filter(run=run, household_id__in=household_ids).exclude(stability="")
    return {
        pk: (PlanTarget.MONITORED if monitored else stability)
        for pk, stability, monitored in rows.values_list(
            "household_id", "stability", "monitoring_type"
        )
    }


@dataclass
class DueRow:
    household: Household
    target: str
    since: date
    last_visit: date | None
    due: domain.Due | None
    items_due: int

    @property
    def target_label(self) -> str:
        return str(PlanTarget(self.target).label).split(" ")[0] if self.target else "—"


def _households_of(actor: Any, county_code: str) -> QuerySet[Any]:
    """(household id, since) of the households the actor answers for today."""
    if actor.role == Role.CADRE:
        return CadrePairing.objects.filter(
            county_code=county_code, cadre=actor, until__isnull=True
        ).values_list("household_id", "since")
    return OfficerAssignment.objects.filter(
        county_code=county_code, officer=actor, until__isnull=True
    ).values_list("household_id", "since")


def due_list(actor: Any, *, today: date) -> list[DueRow]:
    """The actor's households (an officer's assignments, a cadre's pairings), each with its
    class, plan items due within 30 days and the next visit due by the class's schedule;
    overdue first."""
    county = actor.region.county_code if actor.region else ""
    since = dict(_households_of(actor, county))
    if not since:
        return []
    households = households_visible(actor).filter(county_code=county, pk__in=list(since))
    last = Visit.objects.filter(county_code=county, household_id=OuterRef("pk")).order_by(
        "-visited_on"
    )
    items = (
        PlanItem.objects.filter(
            county_code=county,
            household_id=OuterRef("pk"),
            status=ItemStatus.ACCEPTED,
            due_on__lte=today.fromordinal(today.toordinal() + 30),
        )
        .values("household_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = households.annotate(
        last_visit=Subquery(last.values("visited_on")[:1]), items_due=Subquery(items[:1])
    )
    targets = current_targets(county, list(since))
    schedule = dict(VisitSchedule.objects.values_list("target", "interval_days"))
    out = []
    for household in rows:
        target = targets.get(household.pk, "")
        interval = schedule.get(target)
        due = (
            domain.visit_due(
                last_visit=household.last_visit,
                since=since[household.pk],
                interval_days=interval,
                today=today,
            )
            if interval
            else None
        )
        out.append(
            DueRow(
                household=household,
                target=target,
                since=since[household.pk],
                last_visit=household.last_visit,
                due=due,
                items_due=household.items_due or 0,
            )
        )
    out.sort(key=lambda r: (r.due.due_on if r.due else date.max, r.household.household_no))
    return out


def _covered_households(actor: Any) -> QuerySet[Household]:
    """Exited and monitored households in the actor's scope."""
    return households_visible(actor).filter(Q(category="exited") | ~Q(monitoring_type=""))


def coverage(actor: Any) -> dict[str, Any]:
    """全覆盖: exited and monitored households, and those without a current cadre."""
    households = _covered_households(actor)
    paired = CadrePairing.objects.filter(
        county_code=OuterRef("county_code"), household_id=OuterRef("pk"), until__isnull=True
    )
    without = households.filter(~Exists(paired))
    return {
        "households": households.count(),
        "without_cadre": without.count(),
        "missing": without.order_by("village_code", "household_no")[:200],
    }


def officer_quota(actor: Any) -> list[dict[str, Any]]:
    """Per village: households to contact (exited and monitored), officers needed
    (`ceil(households / limit)`), officers assigned, households without an officer."""
    from zhenxing.assistance.services.officers import parameter

    households = _covered_households(actor)
    per_village = households.values("village_code").annotate(n=Count("pk")).order_by("village_code")
    assigned = (
        assignments_visible(actor)
        .filter(until__isnull=True)
        .values("village_code")
        .annotate(officers=Count("officer", distinct=True), households=Count("household"))
    )
    by_village = {row["village_code"]: row for row in assigned}
    out = []
    for row in per_village:
        code = row["village_code"]
        limit = parameter("officer_max_households", code)
        have = by_village.get(code, {"officers": 0, "households": 0})
        needed = domain.officers_needed(row["n"], limit)
        out.append(
            {
                "code": code,
                "households": row["n"],
                "needed": needed,
                "officers": have["officers"],
                "unassigned": row["n"] - have["households"],
                "short": max(0, needed - have["officers"]),
                "limit": limit,
            }
        )
    return out


def indicators(actor: Any, *, today: date) -> dict[str, Any]:
    """The national rule: share of monitored and marginal households whose every member able
    to work has at least one developmental measure; and plans overdue."""
    from zhenxing.screening.models import Result
    from zhenxing.screening.selectors import run_latest_published

    county = actor.region.county_code if getattr(actor, "region", None) else ""
    run = run_latest_published(county)
    households = households_visible(actor).filter(county_code=county)
    marginal = (
        Result.objects.filter(run=run, stability="marginal").values("household_id")
        if run
        else Result.objects.none().values("household_id")
    )
    target = households.filter(Q(pk__in=marginal) | ~Q(monitoring_type=""))
    developmental = Measure.objects.filter(
        county_code=county, member_id=OuterRef("pk"), kind__developmental=True
    ).exclude(status=MeasureStatus.CANCELLED)
    uncovered = Member.objects.filter(
        county_code=county,
        household_id=OuterRef("pk"),
        status="active",
        labour__in=("ordinary", "skilled", "weak"),
    ).filter(~Exists(developmental))
    total = target.count()
    covered = target.filter(~Exists(uncovered)).count()
    overdue_items = items_visible(actor).filter(
        county_code=county, status=ItemStatus.ACCEPTED, due_on__lt=today
    )
    overdue_plans = overdue_items.values("plan_id").distinct().count()
    return {
        "target_households": total,
        "covered_households": covered,
        "covered_share": domain.share(covered, total),
        "plans": plans_visible(actor).filter(county_code=county, year=today.year).count(),
        "overdue_plans": overdue_plans,
        "overdue_items": overdue_items.count(),
    }


def discrepancy_report(actor: Any, *, village_code: str = "") -> dict[str, Any]:
    rows = discrepancies_visible(actor).filter(resolved_at__isnull=True)
    if village_code:
        rows = rows.filter(town_code=village_code[:9], village_code=village_code)
    by_village = list(
        rows.values("village_code")
        .annotate(n=Count("pk"), households=Count("household", distinct=True))
        .order_by("village_code")
    )
    return {
        "by_village": by_village,
        "rows": rows.select_related("household").order_by("village_code", "household_id")[:500],
    }


def last_visits(county_code: str, household_ids: list[int]) -> dict[int, date]:
    return dict(
        Visit.objects.filter(county_code=county_code, household_id__in=household_ids)
        .values("household_id")
        .annotate(last=Max("visited_on"))
        .values_list("household_id", "last")
    )
