"""The monitoring indicators and a household's monitoring dossier (income observations,
measures, the elimination guard's refusals); POST on the dossier records income or a measure,
or opens the risk-elimination procedure."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zhenxing.accounts.access import scoped
from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role
from zhenxing.households.choices import MonitoringType
from zhenxing.monitoring import domain, policies, selectors, services
from zhenxing.monitoring.models import MeasureKind
from zhenxing.monitoring.views._common import STAFF, _error, _names, _today
from zhenxing.screening.models import RiskType


def _period(request: HttpRequest) -> tuple[date, date]:
    today = _today()
    try:
        start = date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = date(today.year, 1, 1)
    try:
        end = date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    return start, max(start, end)


@require_http_methods(["GET"])
@scoped(Role.DISTRICT_STAFF, Role.TOWN_STAFF, Role.VILLAGE_OFFICER, Role.SUPERVISOR)
def indicators_view(request: HttpRequest) -> HttpResponse:
    start, end = _period(request)
    data = selectors.indicators(
        request.user, start=start, end=end, today=_today(), town_code=request.GET.get("town", "")
    )
    names = _names([r.code for r in data.rows])
    names.update(selectors.division_names([r.code for r in data.rows]))
    return render(
        request,
        "monitoring/indicators.html",
        {
            "data": data,
            "names": names,
            "types": MonitoringType.choices,
            "risks": RiskType.choices,
            "start": start,
            "end": end,
        },
    )


@require_http_methods(["GET", "POST"])
@scoped(*STAFF)
def household_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A household's monitoring dossier; POST records income, a measure, or opens elimination."""
    household = selectors.household_in_scope(request.user, pk)
    if request.method == "POST":
        form = request.POST.get("form", "")
        try:
            if form == "income":
                services.income_observe(
                    actor=request.user,  # type: ignore[arg-type]
                    household=household,
                    month=date.fromisoformat(request.POST.get("month", "") + "-01"),
                    per_capita_yuan=request.POST.get("per_capita", ""),
                )
            elif form == "measure":
                done = request.POST.get("done_on", "")
                services.measure_record(
                    actor=request.user,  # type: ignore[arg-type]
                    household=household,
                    kind=request.POST.get("kind", ""),
                    done_on=date.fromisoformat(done) if done else None,
                    note=request.POST.get("note", ""),
                )
            elif form == "measure_done":
                measure = selectors.measure_get(request.user, int(request.POST.get("measure", 0)))
                services.measure_done(actor=request.user, measure=measure)  # type: ignore[arg-type]
            elif form == "elimination":
                case = services.elimination_open(
                    actor=request.user,  # type: ignore[arg-type]
                    household=household,
                    notes=request.POST.get("notes", ""),
                )
                return redirect("monitoring:case", pk=case.pk)
            messages.success(request, _("Saved."))
        except ValueError:
            messages.error(request, _("The date is not valid."))
        except DomainError as exc:
            _error(request, exc)
        return redirect("monitoring:household", pk=household.pk)
    today = _today()
    refusals = []
    if household.monitoring_type:
        facts = selectors.elimination_facts(household, as_of=today)
        refusals = domain.elimination_refusals(facts)
    return render(
        request,
        "monitoring/household.html",
        {
            "household": household,
            "cases": selectors.cases_visible(request.user).filter(household=household),
            "leads": selectors.leads_visible(request.user).filter(household=household)[:50],
            "incomes": selectors.incomes_visible(request.user)
            .filter(household=household)
            .order_by("-month")[:24],
            "measures": selectors.measures_visible(request.user).filter(household=household),
            "measure_kinds": MeasureKind.choices,
            "refusals": refusals,
            "this_month": f"{today:%Y-%m}",
            "last_month": f"{domain.add_months(domain.first_of_month(today), -1):%Y-%m}",
            "today": today,
            "can_eliminate": policies.can_open_elimination(request.user)
            and bool(household.monitoring_type),
        },
    )
