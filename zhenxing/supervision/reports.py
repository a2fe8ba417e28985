"""Set-based supervision reports: how fast warnings are answered (per town and village), the
village standards gap list, and the "书记遍访" coverage.

Holds `response_deadlines`, `warning_rows`, `response_report`, `GapRow`, `gap_list`,
`CoverageRow`, `secretary_visit_coverage`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from zhenxing.core.scope import scope_of
from zhenxing.households.selectors import filter_by_household_scope, households_visible
from zhenxing.monitoring.domain import CaseKind, State
from zhenxing.monitoring.models import CaseStep, Lead, LeadStatus, Measure
from zhenxing.monitoring.parameters import parameter_int
from zhenxing.regions.models import Division
from zhenxing.supervision import domain
from zhenxing.supervision.models import (
    FACT_COLUMNS,
    ResponseDeadline,
    VillageFacts,
    VillageStandard,
)


def response_deadlines(county_code: str, *, year: int) -> dict[str, int]:
    """Days per stage: the county's rows over the shared ones; identification is monitoring's
    own decision deadline (one copy of that number)."""
    days = {"identify": parameter_int("lead_decision_days", year=year, region_code=county_code)}
    rows = ResponseDeadline.objects.filter(county_code__in=["", county_code]).order_by(
        "county_code"
    )
    for row in rows:  # the county's row comes last and wins
        days[row.stage] = row.days
    return days


def warning_rows(
    actor: Any, *, since: date, until: date, town_codes: set[str] | None = None
) -> list[domain.WarningRow]:
    """One row per warning found in [since, until] in the actor's household scope, with the
    date its lead was verified at home, the identification decided and the first measure
    planned on or after the warning: one SQL statement with three correlated subqueries."""
    verified = CaseStep.objects.filter(case_id=OuterRef("case_id"), to_state=State.VERIFIED)
    measure = Measure.objects.filter(
        household_id=OuterRef("household_id"), planned_on__gte=OuterRef("found_on")
    ).order_by("planned_on")
    scoped = filter_by_household_scope(Lead.objects.all(), actor)
    if town_codes is not None:
        scoped = scoped.filter(town_code__in=sorted(town_codes))
    leads = (
        scoped.filter(found_on__gte=since, found_on__lte=until)
        .exclude(status=LeadStatus.DISMISSED)
        .annotate(
            verified_at=Subquery(verified.order_by("at").values("at")[:1]),
            measure_on=Subquery(measure.values("planned_on")[:1]),
        )
        .values_list(
            "pk",
            "town_code",
            "village_code",
            "channel",
            "found_on",
            "verified_at",
            "case__kind",
            "case__decided_on",
            "case__state",
            "measure_on",
        )
    )
    rows = []
    for pk, town, village, channel, found, verified_at, kind, decided, state, m_on in leads:
        identified = decided if kind == CaseKind.IDENTIFICATION and decided else None
        if state == State.REJECTED:
            m_on = m_on or decided  # a household found not at risk needs no measure
        rows.append(
            domain.WarningRow(
                pk,
                town,
                village,
                channel,
                found,
                timezone.localtime(verified_at).date() if verified_at else None,
                identified,
                m_on,
            )
        )
    return rows


@dataclass(frozen=True)
class ResponseReport:
    deadlines: dict[str, int]
    towns: list[domain.AreaResponse]
    villages: list[domain.AreaResponse]
    slowest: list[domain.OpenWarning]
    names: dict[str, str]
    total: int


def towns_in_scope(actor: Any) -> list[Division]:
    return list(
        Division.objects.filter(
            scope_of(actor).region_q(), level="town", valid_to__isnull=True
        ).order_by("code")
    )


def response_report(
    actor: Any,
    *,
    since: date,
    until: date,
    today: date,
    town_codes: set[str] | None = None,
    slowest: int = 20,
) -> ResponseReport:
    county = scope_of(actor).county_code
    deadlines = response_deadlines(county, year=until.year)
    rows = warning_rows(actor, since=since, until=until, town_codes=town_codes)
    towns = domain.response_by_area(rows, deadlines=deadlines, today=today, level="town")
    villages = domain.response_by_area(rows, deadlines=deadlines, today=today, level="village")
    slow = domain.slowest_open(rows, deadlines=deadlines, today=today, limit=slowest)
    codes = {a.code for a in towns} | {a.code for a in villages}
    names = dict(
        Division.objects.filter(code__in=codes, valid_to__isnull=True).values_list("code", "name")
    )
    return ResponseReport(deadlines, towns, villages, slow, names, len(rows))


@dataclass(frozen=True)
class GapRow:
    village: Division
    facts: dict[str, int] | None
    missing: list[VillageStandard]


def gap_list(actor: Any) -> tuple[list[GapRow], list[VillageStandard], int]:
    """Administrative villages in scope that miss at least one standard (a village without
    recorded facts misses all). One query: villages × their facts, filtered in SQL."""
    standards = [s for s in VillageStandard.objects.all() if s.fact in FACT_COLUMNS]
    facts = VillageFacts.objects.filter(
        county_code=OuterRef("county_code"), village_code=OuterRef("code")
    )
    villages = Division.objects.filter(
        scope_of(actor).region_q(), level="village", kind="village", valid_to__isnull=True
    )
    annotated = villages.annotate(
        has_facts=Coalesce(Subquery(facts.values("pk")[:1]), Value(0)),
        **{
            f"f_{c}": Coalesce(Subquery(facts.values(c)[:1]), Value(0), output_field=IntegerField())
            for c in FACT_COLUMNS
        },
    )
    miss = Q(has_facts=0)
    for s in standards:
        miss |= Q(**{f"f_{s.fact}__lt": s.minimum})
    total = villages.count()
    rows = []
    for v in annotated.filter(miss).order_by("code"):
        values = {c: getattr(v, f"f_{c}") for c in FACT_COLUMNS}
        known = bool(getattr(v, "has_facts", 0))
        missing = [s for s in standards if not known or values[s.fact] < s.minimum]
        rows.append(GapRow(v, values if known else None, missing))
    return rows, standards, total


@dataclass(frozen=True)
class CoverageRow:
    village_code: str
    households: int
    visited: int

    @property
    def percent(self) -> Any:
        return domain.coverage_share(self.visited, self.households)


def secretary_visit_coverage(actor: Any, visits: Iterable[tuple[str, int]]) -> list[CoverageRow]:
    """ "书记遍访": per village in scope, the share of its households visited by its secretary.

    `visits` is any iterable of (village_code, household_id) pairs of visits by the village's
    secretary — today a list; once the assistance app records visits, its scoped selector of
    secretary visits (`values_list("village_code", "household_id")`). Households outside the
    actor's scope are ignored, so the interface cannot widen what the actor sees.
    """
    households = dict(
        households_visible(actor)
        .values("village_code")
        .annotate(n=Count("pk"))
        .values_list("village_code", "n")
    )
    visible = set(households_visible(actor).values_list("pk", flat=True)) if households else set()
    seen: dict[str, set[int]] = {}
    for village, household_id in visits:
        if household_id in visible:
            seen.setdefault(village, set()).add(household_id)
    counts = Counter({v: len(ids) for v, ids in seen.items()})
    return [CoverageRow(v, n, counts.get(v, 0)) for v, n in sorted(households.items())]
