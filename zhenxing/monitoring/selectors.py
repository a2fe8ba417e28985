"""Every read of the monitoring procedure, scoped to what the actor may see (security.md B1).

Holds:
- `cases_visible`, `leads_visible`, `notices_visible`, `monitorings_visible`,
  `declarations_visible`, `measures_visible`, `incomes_visible`: the scope entry points.
- `case_get`, `lead_get`, `notice_get`, `declaration_get`, `objection_get`, `measure_get`:
  one object in scope or `NotInScope` (→ 404, audited).
- `case_list`: the filtered case list of a district, town or village (one indexed query).
- `case_timeline`, `case_actions`: the steps of a case, and what this actor may do next.
- `tasks_for`: "my tasks" by role and level, with escalation of overdue cases.
- `elimination_facts`: what the risk-elimination guard judges, read from the registry.
- `indicators`: monitored households and persons by type and risk type, new and eliminated in
  a period, the elimination rate by persons, overdue cases; per town or village and in total.
- Reads the services need, not scoped because the service has already checked the case or
  household: `open_identification`, `objection_counts` (open and upheld objections about a
  case), `declaration_ip_index` and `declaration_rate_limited` (the public form's limit per
  address), `current_village`.
- Reads of the pages: `alert_imports_visible` (the district's import batches),
  `notice_by_public_id` (the public notice), `villages_by_town` (the public form's choice),
  `division_names` (towns and villages by code).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from django.db.models import Count, F, Model, Q, QuerySet, Sum
from django.utils import timezone

from zhenxing.core.crypto import blind_index
from zhenxing.core.scope import ScopeKind, get_in_scope, scope_of
from zhenxing.households.choices import Labour, MemberStatus, MonitoringType, SchoolStatus
from zhenxing.households.models import Household, HouseholdFacts, Member
from zhenxing.households.selectors import filter_by_household_scope
from zhenxing.monitoring import domain
from zhenxing.monitoring.domain import (
    Action,
    CaseKind,
    EliminationFacts,
    IncomeMonth,
    Level,
    Transition,
    WaterFacts,
)
from zhenxing.monitoring.models import (
    OPEN_LEAD_STATUSES,
    AlertImport,
    Case,
    CaseStep,
    Declaration,
    DeclarationStatus,
    IncomeObservation,
    Lead,
    LeadStatus,
    Measure,
    MeasureStatus,
    Monitoring,
    Notice,
    Objection,
)
from zhenxing.monitoring.parameters import (
    income_threshold_fen,
    parameter_int,
    params_for,
    water_limits,
)
from zhenxing.regions.models import Division
from zhenxing.screening.models import RISK_BITS

M = TypeVar("M", bound=Model)


def _scoped(queryset: QuerySet[M], actor: Any) -> QuerySet[M]:
    """Rows of household-scoped tables, by the registry's one household scope rule."""
    return filter_by_household_scope(queryset, actor)


def cases_visible(actor: Any) -> QuerySet[Case]:
    return _scoped(Case.objects.all(), actor)


def leads_visible(actor: Any) -> QuerySet[Lead]:
    return _scoped(Lead.objects.all(), actor)


def monitorings_visible(actor: Any) -> QuerySet[Monitoring]:
    return _scoped(Monitoring.objects.all(), actor)


def measures_visible(actor: Any) -> QuerySet[Measure]:
    return _scoped(Measure.objects.all(), actor)


def incomes_visible(actor: Any) -> QuerySet[IncomeObservation]:
    return _scoped(IncomeObservation.objects.all(), actor)


def notices_visible(actor: Any) -> QuerySet[Notice]:
    """Notices of the actor's region (a cadre sees those of the region it works in)."""
    scope = scope_of(actor)
    if scope.kind in (ScopeKind.REGION, ScopeKind.PAIRED):
        return Notice.objects.filter(scope.region_q())
    return Notice.objects.none()


def declarations_visible(actor: Any) -> QuerySet[Declaration]:
    """Public declarations of the actor's region; cadres do not review them."""
    scope = scope_of(actor)
    if scope.kind == ScopeKind.REGION:
        return Declaration.objects.filter(scope.region_q())
    return Declaration.objects.none()


def case_get(actor: Any, pk: int) -> Case:
    return get_in_scope(
        cases_visible(actor).select_related("household", "notice"),
        object_type="monitoring.case",
        pk=pk,
    )


def lead_get(actor: Any, pk: int) -> Lead:
    return get_in_scope(
        leads_visible(actor).select_related("household"), object_type="monitoring.lead", pk=pk
    )


def notice_get(actor: Any, pk: int) -> Notice:
    return get_in_scope(notices_visible(actor), object_type="monitoring.notice", pk=pk)


def declaration_get(actor: Any, pk: int) -> Declaration:
    return get_in_scope(declarations_visible(actor), object_type="monitoring.declaration", pk=pk)


def objection_get(actor: Any, pk: int) -> Objection:
    return get_in_scope(
        Objection.objects.filter(notice__in=notices_visible(actor)).select_related("notice"),
        object_type="monitoring.objection",
        pk=pk,
    )


def measure_get(actor: Any, pk: int) -> Measure:
    return get_in_scope(measures_visible(actor), object_type="monitoring.measure", pk=pk)


def household_in_scope(actor: Any, pk: int) -> Household:
    from zhenxing.households.selectors import household_get

    return household_get(actor, pk)


# ---------------------------------------------------------------- lists


def case_list(
    actor: Any,
    *,
    town_code: str = "",
    village_code: str = "",
    kind: str = "",
    state: str = "",
    open_only: bool = True,
    overdue_on: date | None = None,
) -> QuerySet[Case]:
    """Cases in scope, earliest deadline first. `overdue_on` keeps those overdue that day."""
    cases = cases_visible(actor)
    if village_code:
        cases = cases.filter(village_code=village_code)
    elif town_code:
        cases = cases.filter(town_code=town_code)
    if open_only:
        cases = cases.filter(decided_on__isnull=True)
    if kind:
        cases = cases.filter(kind=kind)
    if state:
        cases = cases.filter(state=state)
    if overdue_on is not None:
        cases = cases.filter(decided_on__isnull=True, due_on__lt=overdue_on)
    return cases.order_by("due_on", "id")


def case_timeline(case: Case) -> QuerySet[CaseStep]:
    return case.steps.select_related("actor", "submitted_by").order_by("at", "id")


def case_actions(actor: Any, case: Case) -> list[Transition]:
    """Steps this actor's role may take on the case now (four eyes is checked on submit)."""
    if not case.is_open:
        return []
    role = getattr(actor, "role", "")
    return [t for t in domain.forward_actions(case.kind, case.state) if role in t.roles]


def _states_at(level: Level, role: str = "") -> tuple[list[str], list[str]]:
    """(identification states, elimination states) whose forward step is `level`'s (and,
    given a role, one that role may take)."""
    out: dict[str, list[str]] = {CaseKind.IDENTIFICATION: [], CaseKind.ELIMINATION: []}
    for t in domain.TRANSITIONS:
        if t.action != Action.REJECT and t.level == level and (not role or role in t.roles):
            out[t.kind].append(t.from_state)
    return out[CaseKind.IDENTIFICATION], out[CaseKind.ELIMINATION]


def _at_level(cases: QuerySet[Case], level: Level, role: str = "") -> QuerySet[Case]:
    ident, elim = _states_at(level, role)
    return cases.filter(
        Q(kind=CaseKind.IDENTIFICATION, state__in=ident)
        | Q(kind=CaseKind.ELIMINATION, state__in=elim)
    )


@dataclass
class Tasks:
    level: Level | None
    own: list[Case] = field(default_factory=list)
    escalated: list[Case] = field(default_factory=list)
    pending_leads: list[Lead] = field(default_factory=list)
    open_leads: list[Lead] = field(default_factory=list)
    declarations: list[Declaration] = field(default_factory=list)
    due_soon: int = 0
    overdue: int = 0


def tasks_for(actor: Any, *, today: date, limit: int = 100) -> Tasks:
    """The actor's own cases (the next step is its level's), overdue cases of the level below
    (escalation: village → town → county), leads to accept and declarations to review."""
    role = getattr(actor, "role", "")
    level = domain.level_of_role(role)
    tasks = Tasks(level=level)
    if level is None:
        return tasks
    open_cases = cases_visible(actor).filter(decided_on__isnull=True)
    own = _at_level(open_cases, level, role).select_related("household")
    tasks.own = list(own.order_by("due_on", "id")[:limit])
    if level > Level.VILLAGE:
        below = Level(level - 1)
        late = _at_level(open_cases, below).filter(due_on__lt=today)
        tasks.escalated = list(late.select_related("household").order_by("due_on", "id")[:limit])
    leads = leads_visible(actor).select_related("household")
    tasks.pending_leads = list(leads.filter(status=LeadStatus.PENDING).order_by("accept_due_on"))[
        :limit
    ]
    tasks.open_leads = list(leads.filter(status=LeadStatus.OPEN).order_by("due_on")[:limit])
    tasks.declarations = list(
        declarations_visible(actor)
        .filter(status=DeclarationStatus.UNMATCHED)
        .order_by("received_at")[:limit]
    )
    soon = params_for(year=today.year, region_code=_region_of(actor)).due_soon_days
    counts = open_cases.aggregate(
        overdue=Count("id", filter=Q(due_on__lt=today)),
        due_soon=Count("id", filter=Q(due_on__gte=today, due_on__lte=domain.due_date(today, soon))),
    )
    tasks.overdue, tasks.due_soon = counts["overdue"], counts["due_soon"]
    return tasks


def _region_of(actor: Any) -> str:
    scope = scope_of(actor)
    return scope.village_code or scope.town_code or scope.county_code or "000000"


def due_lists(actor: Any, *, today: date) -> tuple[QuerySet[Case], QuerySet[Case]]:
    """(due soon, overdue) open cases in scope."""
    soon = params_for(year=today.year, region_code=_region_of(actor)).due_soon_days
    open_cases = cases_visible(actor).filter(decided_on__isnull=True).select_related("household")
    due = open_cases.filter(due_on__gte=today, due_on__lte=domain.due_date(today, soon))
    late = open_cases.filter(due_on__lt=today)
    return due.order_by("due_on", "id"), late.order_by("due_on", "id")


# ---------------------------------------------------------------- the elimination guard's facts


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def elimination_facts(household: Household, *, as_of: date) -> EliminationFacts:
    """What `domain.elimination_refusals` judges, read from the registry and the procedure."""
    params = params_for(year=as_of.year, region_code=household.village_code)
    months = params.elimination_income_months
    members = list(
        Member.objects.filter(household=household, status=MemberStatus.ACTIVE).values(
            "labour", "birth_date", "school_status", "medical_insurance"
        )
    )
    has_labour = any(m["labour"] != Labour.NONE for m in members)
    education = not any(
        6 <= _age(m["birth_date"], as_of) <= 15 and m["school_status"] == SchoolStatus.OUT_OF_SCHOOL
        for m in members
    )
    medical = all(m["medical_insurance"] for m in members)
    facts = HouseholdFacts.objects.filter(household=household).first()
    window = domain.income_window(as_of, months)
    thresholds = {
        year: income_threshold_fen(year=year, region_code=household.village_code)
        for year in {m.year for m in window}
    }
    observations = IncomeObservation.objects.filter(
        household=household, month__gte=window[0], month__lte=window[-1]
    ).values_list("month", "per_capita_fen")
    income = tuple(
        IncomeMonth(month=month, per_capita_fen=fen, threshold_fen=thresholds[month.year])
        for month, fen in observations
    )
    water = False
    if facts is not None:
        water = domain.water_secure(
            WaterFacts(
                litres=facts.water_litres,
                scarce_area=facts.water_scarce_area,
                quality=facts.water_quality,
                piped=facts.water_piped,
                trip_minutes=facts.water_trip_minutes,
                horizontal_m=facts.water_horizontal_m,
                vertical_m=facts.water_vertical_m,
                outage_days=facts.water_outage_days,
            ),
            water_limits(year=as_of.year, region_code=household.village_code),
        )
    open_leads = Lead.objects.filter(household=household, status__in=OPEN_LEAD_STATUSES).count()
    open_identification = Case.objects.filter(
        household=household, kind=CaseKind.IDENTIFICATION, decided_on__isnull=True
    ).count()
    monitoring = Monitoring.objects.filter(household=household, ended_on__isnull=True).first()
    done = Measure.objects.filter(household=household, status=MeasureStatus.DONE)
    if monitoring is not None:
        done = done.filter(done_on__gte=monitoring.started_on)
    return EliminationFacts(
        as_of=as_of,
        monitored=bool(household.monitoring_type) and monitoring is not None,
        has_labour=has_labour,
        income=income,
        months_required=months,
        food_clothing_secure=facts is not None and facts.food_secure and facts.clothing_secure,
        education_secure=education,
        medical_secure=medical,
        house_grade=facts.house_grade if facts is not None else "",
        water_secure=water,
        open_risks=open_leads + open_identification,
        measures_done=done.count(),
    )


# ---------------------------------------------------------------- indicators

TYPES = [t.value for t in MonitoringType]
RISKS = list(RISK_BITS)


@dataclass
class IndicatorRow:
    code: str
    name: str = ""
    households: int = 0
    persons: int = 0
    by_type: dict[str, tuple[int, int]] = field(default_factory=dict)  # households, persons
    by_risk: dict[str, int] = field(default_factory=dict)  # households with that risk
    new_households: int = 0
    new_persons: int = 0
    eliminated_households: int = 0
    eliminated_persons: int = 0
    identified_persons: int = 0  # persons ever identified up to the period end
    eliminated_total_persons: int = 0  # persons eliminated up to the period end
    overdue_cases: int = 0

    @property
    def elimination_rate(self) -> Any:
        return domain.elimination_rate(self.eliminated_total_persons, self.identified_persons)


def _monitoring_aggregates(start: date, end: date) -> dict[str, Any]:
    current = Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gt=end))
    aggregates: dict[str, Any] = {
        "n_households": Count("id", filter=current),
        "n_persons": Sum("persons", filter=current),
        "n_new_households": Count("id", filter=Q(started_on__gte=start, started_on__lte=end)),
        "n_new_persons": Sum("persons", filter=Q(started_on__gte=start, started_on__lte=end)),
        "n_eliminated_households": Count("id", filter=Q(ended_on__gte=start, ended_on__lte=end)),
        "n_eliminated_persons": Sum("persons", filter=Q(ended_on__gte=start, ended_on__lte=end)),
        "n_identified_persons": Sum("persons", filter=Q(started_on__lte=end)),
        "n_eliminated_total_persons": Sum("persons", filter=Q(ended_on__lte=end)),
    }
    for t in TYPES:
        aggregates[f"t_{t}_h"] = Count("id", filter=current & Q(monitoring_type=t))
        aggregates[f"t_{t}_p"] = Sum("persons", filter=current & Q(monitoring_type=t))
    for risk in RISKS:
        aggregates[f"r_{risk}"] = Count("id", filter=current & Q(**{f"rb_{risk}__gt": 0}))
    return aggregates


def _with_risk_bits(queryset: QuerySet[Monitoring]) -> QuerySet[Monitoring]:
    return queryset.annotate(
        **{f"rb_{risk}": F("risk_mask").bitand(bit) for risk, bit in RISK_BITS.items()}
    )


def _fill(row: IndicatorRow, values: dict[str, Any]) -> IndicatorRow:
    for name in (
        "households",
        "persons",
        "new_households",
        "new_persons",
        "eliminated_households",
        "eliminated_persons",
        "identified_persons",
        "eliminated_total_persons",
    ):
        setattr(row, name, int(values.get(f"n_{name}") or 0))
    row.by_type = {
        t: (int(values.get(f"t_{t}_h") or 0), int(values.get(f"t_{t}_p") or 0)) for t in TYPES
    }
    row.by_risk = {risk: int(values.get(f"r_{risk}") or 0) for risk in RISKS}
    return row


@dataclass
class Indicators:
    level: str  # "town" rows of a district, or "village" rows of a town
    total: IndicatorRow
    rows: list[IndicatorRow]
    start: date
    end: date


def indicators(
    actor: Any, *, start: date, end: date, today: date, town_code: str = ""
) -> Indicators:
    """Per town of the actor's district (or per village of `town_code` / of the actor's town),
    and the total over the actor's whole scope, each computed by its own query so that a test
    can check the parts add up to the whole."""
    scope = scope_of(actor)
    town = town_code or scope.town_code
    column = "village_code" if town or scope.village_code else "town_code"
    base = monitorings_visible(actor)
    cases = cases_visible(actor).filter(decided_on__isnull=True, due_on__lt=today)
    if town:
        base, cases = base.filter(town_code=town), cases.filter(town_code=town)
    aggregates = _monitoring_aggregates(start, end)
    total_values = _with_risk_bits(base).aggregate(**aggregates)
    total = _fill(IndicatorRow(code=town or scope.county_code), total_values)
    total.overdue_cases = cases.count()
    grouped = _with_risk_bits(base).values(column).annotate(**aggregates).order_by(column)
    rows = {r[column]: _fill(IndicatorRow(code=r[column]), r) for r in grouped}
    for code, n in cases.values_list(column).annotate(n=Count("id")).order_by(column):
        rows.setdefault(code, _fill(IndicatorRow(code=code), {})).overdue_cases = n
    return Indicators(
        level="village" if column == "village_code" else "town",
        total=total,
        rows=[rows[k] for k in sorted(rows)],
        start=start,
        end=end,
    )


def region_names(codes: Sequence[str]) -> dict[str, str]:
    from zhenxing.households.selectors import village_names

    return village_names(codes)


# ---------------------------------------------------------------- reads for the services

IP_CONTEXT = "monitoring.declaration.ip"


def open_identification(household: Household) -> Case | None:
    """The household's identification case still in progress, if any (at most one)."""
    return Case.objects.filter(
        household=household, kind=CaseKind.IDENTIFICATION, decided_on__isnull=True
    ).first()


def objection_counts(notice: Notice, case: Case) -> tuple[int, int]:
    """(unresolved, upheld) objections about this case or about the notice as a whole."""
    about = Q(case__isnull=True) | Q(case=case)
    counts = Objection.objects.filter(about, notice=notice).aggregate(
        open=Count("id", filter=Q(resolved_at__isnull=True)),
        upheld=Count("id", filter=Q(upheld=True)),
    )
    return counts["open"], counts["upheld"]


def declaration_ip_index(ip: str) -> str:
    """The blind index of a declarer's address: the limit is counted without keeping the IP."""
    return blind_index(ip or "-", context=IP_CONTEXT)


def declaration_rate_limited(*, ip: str, now: datetime | None = None) -> bool:
    """Whether this address has sent `declaration_hourly_limit` declarations in the last hour."""
    now = now or timezone.now()
    today = domain.beijing_date(now)
    limit = parameter_int("declaration_hourly_limit", year=today.year, region_code="000000")
    since = now - timedelta(hours=1)
    recent = Declaration.objects.filter(
        ip_index=declaration_ip_index(ip), received_at__gte=since
    ).count()
    return recent >= limit


def current_village(code: str) -> Division | None:
    """The current village of that code (the public form's choice), or None."""
    return Division.objects.filter(code=code, level="village", valid_to__isnull=True).first()


def alert_imports_visible(actor: Any) -> QuerySet[AlertImport]:
    """The alert import batches of the actor's county, newest first."""
    return AlertImport.objects.filter(county_code=scope_of(actor).county_code)


def notice_by_public_id(public_id: uuid.UUID) -> Notice | None:
    """A notice by its unguessable public id; the caller shows only `notices.notice_public`."""
    return Notice.objects.filter(public_id=public_id).first()


def villages_by_town() -> list[tuple[str, list[Division]]]:
    """Current villages grouped under their town's name, for the public declaration form."""
    towns = {d.code: d.name for d in Division.objects.filter(level="town", valid_to__isnull=True)}
    grouped: dict[str, list[Division]] = {}
    for village in Division.objects.filter(level="village", valid_to__isnull=True).order_by("code"):
        grouped.setdefault(towns.get(village.town_code, ""), []).append(village)
    return sorted(grouped.items())


def division_names(codes: Sequence[str]) -> dict[str, str]:
    """Names of current divisions (towns or villages) by code, in one query."""
    return dict(
        Division.objects.filter(code__in=list(codes), valid_to__isnull=True).values_list(
            "code", "name"
        )
    )
