"""The season settlement: submit, approve (four eyes), then post in explicit steps.

Holds `settlement_submit`, `settlement_approve`, `settlement_start` (in the background job or
here) and `settlement_execute` with its idempotent steps: statements → household postings in
batches → cooperative postings (deliveries, margin top-up, deposits) → income lines through
`zhenxing.households.services.income_lines_record` → finish; `STEPS` names them. The reads
`season_facts` and `settlement_preview` live in `zhenxing.industry.selectors`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from zhenxing.accounts.access import require_allowed
from zhenxing.accounts.models import User
from zhenxing.audit.events import AuditEventType, Outcome
from zhenxing.audit.services import record
from zhenxing.core.errors import DomainError
from zhenxing.households.choices import IncomeKind
from zhenxing.households.services import IncomeLineDraft, income_lines_record
from zhenxing.industry import chart, domain, policies
from zhenxing.industry.choices import SettlementStatus
from zhenxing.industry.errors import IndustryErrorCode
from zhenxing.industry.models import (
    CooperativeStatement,
    HouseholdStatement,
    Season,
    SettlementRun,
)
from zhenxing.industry.selectors import (
    season_facts,
    season_terms,
    settlement_preview,
)
from zhenxing.industry.services.base import (
    ZERO,
    audit,
    in_books,
)
from zhenxing.jobs.services import job_create, job_fail, job_finish, job_progress
from zhenxing.ledger.domain import Line
from zhenxing.ledger.services import (
    AccountSpec,
    EntrySpec,
    accounts_ensure,
    entries_post_bulk,
)

SETTLEMENT_SOURCE = "两金一链产季结算 Season settlement"


def _season_totals(statements: domain.SeasonStatements) -> dict[str, Any]:
    hh = statements.households
    return {
        "households": len(hh),
        "cooperatives": len(statements.cooperatives),
        "purchases": str(sum((h.purchases for h in hh), ZERO)),
        "topup": str(sum((h.facts.amount_topup for h in hh), ZERO)),
        "deposit_refund": str(sum((h.deposit_refund for h in hh), ZERO)),
        "deposit_forfeit": str(sum((h.deposit_forfeit for h in hh), ZERO)),
        "margin_topup": str(sum((c.margin_topup for c in statements.cooperatives), ZERO)),
        "largest": str(statements.largest),
    }


def settlement_submit(*, actor: User | None, season: Season) -> SettlementRun:
    """Close the season for recording and submit its settlement. Above the season's threshold
    (its largest single amount) it needs a second person's approval before it is posted."""
    require_allowed(policies.can_configure(actor), actor, "settlement_submit")
    in_books(actor, county_code=season.county_code)
    with transaction.atomic():
        Season.objects.select_for_update().get(pk=season.pk)  # waits for in-flight weighings
        run = SettlementRun.objects.filter(season=season).first()
        if run is not None:
            return run
        statements = settlement_preview(season)
        totals = _season_totals(statements)
        run = SettlementRun.objects.create(
            season=season,
            needs_approval=statements.largest > season.approval_threshold,
            totals=totals,
            submitted_by=actor,
            status=SettlementStatus.SUBMITTED,
        )
        audit(AuditEventType.SETTLEMENT, actor, run, action="submit", **totals)
    return run


def settlement_approve(*, actor: User | None, run: SettlementRun) -> SettlementRun:
    """The second pair of eyes (B6): district staff other than the submitter."""
    require_allowed(policies.can_configure(actor), actor, "settlement_approve")
    in_books(actor, county_code=run.season.county_code)
    if actor is not None and run.submitted_by_id == actor.pk:
        # Recorded outside any transaction that the refusal rolls back.
        record(
            AuditEventType.APPROVAL,
            actor=actor,
            obj=run,
            outcome=Outcome.DENIED,
            detail={"reason": "self_approval"},
        )
        raise DomainError(IndustryErrorCode.SELF_APPROVAL)
    if actor is None and run.submitted_by_id is None:
        raise DomainError(IndustryErrorCode.SELF_APPROVAL)
    with transaction.atomic():
        run = SettlementRun.objects.select_for_update().select_related("season").get(pk=run.pk)
        if run.approved_by_id is not None or run.status == SettlementStatus.SETTLED:
            raise DomainError(IndustryErrorCode.ALREADY_APPROVED)
        run.approved_by, run.status = actor, SettlementStatus.APPROVED
        run.save(update_fields=["approved_by", "status"])
        audit(AuditEventType.APPROVAL, actor, run, action="settlement_approve")
    return run


def settlement_start(*, actor: User | None, run: SettlementRun, background: bool = True) -> None:
    """Post an approved (or below-threshold) settlement: in the background job, or here."""
    if run.needs_approval and run.approved_by_id is None:
        raise DomainError(
            IndustryErrorCode.AWAITING_APPROVAL,
            threshold=run.season.approval_threshold,
            largest=run.totals.get("largest", ""),
        )
    if not background:
        settlement_execute(run.pk)
        return
    job = job_create(actor=actor, kind="settlement", total=len(STEPS))
    SettlementRun.objects.filter(pk=run.pk).update(job=job)
    from zhenxing.industry.tasks import settlement_execute_task  # tasks import services

    transaction.on_commit(lambda: settlement_execute_task.enqueue(run.pk))


# ---------------------------------------------------------------- settlement: the steps


def _checkpoint(run: SettlementRun, label: str) -> None:
    """Called at the end of every unit of work, inside its transaction. Does nothing; tests
    replace it to kill a settlement at any step (M5)."""


def _household_key(season_id: int, coop_id: int, household_id: int) -> str:
    return f"settle/S{season_id}/C{coop_id}/H{household_id}"


def _coop_key(season_id: int, coop_id: int) -> str:
    return f"settle/S{season_id}/C{coop_id}"


def _step_statements(run: SettlementRun) -> None:
    """Step 1: compute and write every statement, all in one transaction (so all or none)."""
    season = run.season
    with transaction.atomic():
        if HouseholdStatement.objects.filter(season=season).exists():
            return
        _tune_for_bulk()
        facts = season_facts(season)
        result = domain.settle_season(facts.households, facts.cooperatives, season_terms(season))
        rows = []
        for h in result.households:
            f = h.facts
            county, town, village = facts.codes[f.household_id]
            rows.append(
                HouseholdStatement(
                    season=season,
                    cooperative_id=f.cooperative_id,
                    household_id=f.household_id,
                    agreement_id=facts.agreements.get(f.household_id) if f.contracted_g else None,
                    county_code=county,
                    town_code=town,
                    village_code=village,
                    weighings=f.weighings,
                    net_g=f.net_g,
                    contracted_g=f.contracted_g,
                    amount_market=f.amount_market,
                    amount_topup=f.amount_topup,
                    purchases=h.purchases,
                    deposit_paid=f.deposit_paid,
                    deposit_refund=h.deposit_refund,
                    deposit_forfeit=h.deposit_forfeit,
                    payable=h.payable,
                    natural_key=_household_key(season.pk, f.cooperative_id, f.household_id),
                )
            )
        HouseholdStatement.objects.bulk_create(rows, batch_size=2000)
        coop_rows = []
        for c in result.cooperatives:
            f2 = c.facts
            order = facts.orders.get(f2.cooperative_id)
            coop_rows.append(
                CooperativeStatement(
                    season=season,
                    cooperative_id=f2.cooperative_id,
                    enterprise_id=order.enterprise_id if order else None,
                    agreement=order,
                    county_code=season.county_code,
                    purchased_g=f2.purchased_g,
                    purchase_cost=f2.purchase_cost,
                    topup_total=f2.topup_total,
                    delivered_g=f2.delivered_g,
                    revenue=f2.revenue,
                    costs=f2.costs,
                    margin=c.margin,
                    margin_per_t=c.margin_per_t,
                    guaranteed=c.guaranteed,
                    margin_topup=c.margin_topup,
                    margin_state=c.margin_state,
                    contracted_g=f2.contracted_g,
                    deposit_paid=f2.deposit_paid,
                    deposit_refund=c.deposit_refund,
                    deposit_forfeit=c.deposit_forfeit,
                    payable=c.payable if order else ZERO,
                    natural_key=_coop_key(season.pk, f2.cooperative_id),
                )
            )
        CooperativeStatement.objects.bulk_create(coop_rows, batch_size=2000)
        totals = _season_totals(result)
        SettlementRun.objects.filter(pk=run.pk).update(step=1, totals=totals)
        _checkpoint(run, "statements")


def _tune_for_bulk() -> None:
    """PostgreSQL: room to hash a season's groups in memory; no JIT for simple statements."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL jit = off")


_STATEMENT_FIELDS = (
    "id",
    "cooperative_id",
    "household_id",
    "amount_market",
    "amount_topup",
    "purchases",
    "deposit_paid",
    "deposit_refund",
    "deposit_forfeit",
    "natural_key",
)


class _Entries:
    """A batch of settlement entries and the accounts they use; zero lines are left out."""

    def __init__(self, season: Season) -> None:
        self.county, self.sid = season.county_code, season.pk
        self.specs: list[EntrySpec] = []
        self.accounts: dict[str, AccountSpec] = {}

    def add(self, key: str, kind: str, memo: str, lines: list[tuple[AccountSpec, Decimal]]) -> None:
        kept = [(spec, amount) for spec, amount in lines if amount != 0]
        for spec, _amount in kept:
            self.accounts.setdefault(spec.code, spec)
        self.specs.append(
            EntrySpec(key, kind, tuple(Line(spec.code, a) for spec, a in kept), memo, self.sid)
        )


def _household_entries(season: Season, rows: Sequence[dict[str, Any]]) -> _Entries:
    """The ledger entries of a batch of household statements (README: "Postings")."""
    batch = _Entries(season)
    county, sid = batch.county, batch.sid
    for r in rows:
        coop, hh, key = r["cooperative_id"], r["household_id"], r["natural_key"]
        payable = chart.coop_to_household("2101", county, sid, coop, hh)
        if r["purchases"] > 0:
            batch.add(
                f"{key}/purchase",
                "settle_purchase",
                "收购款 purchases",
                [
                    (chart.of_coop("5101", county, sid, coop), r["amount_market"]),
                    (chart.of_coop("5102", county, sid, coop), r["amount_topup"]),
                    (payable, -r["purchases"]),
                ],
            )
        if r["deposit_paid"] > 0:
            batch.add(
                f"{key}/deposit",
                "settle_deposit",
                "保证金退还或罚没 deposit refund / forfeit",
                [
                    (chart.coop_to_household("2201", county, sid, coop, hh), r["deposit_paid"]),
                    (payable, -r["deposit_refund"]),
                    (chart.of_coop("6101", county, sid, coop), -r["deposit_forfeit"]),
                ],
            )
    return batch


def _step_households(run: SettlementRun, batch_size: int) -> None:
    """Step 2: post each household statement's entries, a batch per transaction. Entries
    already posted (a re-run after a kill) are skipped by their natural keys."""
    season = run.season
    last_id = 0
    while True:
        with transaction.atomic():
            _tune_for_bulk()
            rows = list(
                HouseholdStatement.objects.filter(season=season, id__gt=last_id)
                .order_by("id")
                .values(*_STATEMENT_FIELDS)[:batch_size]
            )
            if not rows:
                break
            last_id = rows[-1]["id"]
            batch = _household_entries(season, rows)
            ids = accounts_ensure(list(batch.accounts.values()))
            entries_post_bulk(
                actor=run.submitted_by,
                specs=batch.specs,
                account_ids=ids,
                audit_detail={"settlement": run.pk, "step": "households", "upto": last_id},
            )
            _checkpoint(run, f"households:{last_id}")
    SettlementRun.objects.filter(pk=run.pk).update(step=2)


def _step_cooperatives(run: SettlementRun) -> None:
    """Step 3: the cooperatives' entries: deliveries, the margin top-up, their deposits."""
    season = run.season
    with transaction.atomic():
        batch = _Entries(season)
        county, sid = batch.county, batch.sid
        for s in CooperativeStatement.objects.filter(season=season, enterprise__isnull=False):
            e, c, key = s.enterprise_id or 0, s.cooperative_id, s.natural_key
            owed = chart.enterprise_to_coop("2111", county, sid, e, c)
            if s.revenue > 0:
                batch.add(
                    f"{key}/delivery",
                    "settle_delivery",
                    "交售货款 deliveries",
                    [(chart.of_enterprise("5201", county, sid, e), s.revenue), (owed, -s.revenue)],
                )
            if s.margin_topup > 0:
                batch.add(
                    f"{key}/margin",
                    "settle_margin",
                    "保底利润补差 margin top-up",
                    [
                        (chart.of_enterprise("5202", county, sid, e), s.margin_topup),
                        (owed, -s.margin_topup),
                    ],
                )
            if s.deposit_paid > 0:
                batch.add(
                    f"{key}/deposit",
                    "settle_deposit",
                    "保证金退还或罚没 deposit refund / forfeit",
                    [
                        (chart.enterprise_to_coop("2202", county, sid, e, c), s.deposit_paid),
                        (owed, -s.deposit_refund),
                        (chart.of_enterprise("6102", county, sid, e), -s.deposit_forfeit),
                    ],
                )
        ids = accounts_ensure(list(batch.accounts.values()))
        entries_post_bulk(
            actor=run.submitted_by,
            specs=batch.specs,
            account_ids=ids,
            audit_detail={"settlement": run.pk, "step": "cooperatives"},
        )
        SettlementRun.objects.filter(pk=run.pk).update(step=3)
        _checkpoint(run, "cooperatives")


def _step_income(run: SettlementRun) -> None:
    """Step 4: settled purchases become each household's 生产经营性收入 line for the season's
    year, referencing its statement; forfeited deposits are its production cost. Set-based and
    idempotent on (source_ref, household, year, kind)."""
    season = run.season
    with transaction.atomic():
        lines = [
            IncomeLineDraft(
                household_id=hh,
                year=season.year,
                kind=IncomeKind.BUSINESS,
                amount=purchases,
                cost=forfeit,
                source=SETTLEMENT_SOURCE,
                source_ref=key,
            )
            for hh, purchases, forfeit, key in HouseholdStatement.objects.filter(
                season=season
            ).values_list("household_id", "purchases", "deposit_forfeit", "natural_key")
            if purchases > 0 or forfeit > 0
        ]
        income_lines_record(
            actor=run.submitted_by, lines=lines, change_reason="industry settlement"
        )
        SettlementRun.objects.filter(pk=run.pk).update(step=4)
        _checkpoint(run, "income")


def _step_finish(run: SettlementRun) -> None:
    with transaction.atomic():
        SettlementRun.objects.filter(pk=run.pk).update(
            step=5, status=SettlementStatus.SETTLED, settled_at=timezone.now()
        )
        audit(AuditEventType.SETTLEMENT, run.submitted_by, run, action="settled")
        _checkpoint(run, "finish")


STEPS = ("statements", "households", "cooperatives", "income", "finish")


def settlement_execute(
    run_id: int, *, batch_size: int = 20_000, progress: Callable[[str], None] | None = None
) -> SettlementRun:
    """Run the settlement's steps. Each is idempotent, so a run killed anywhere is re-run from
    the start and ends equal to one clean run; a settled run posts nothing (M5)."""
    run = SettlementRun.objects.select_related("season", "submitted_by").get(pk=run_id)
    if run.status == SettlementStatus.SETTLED:
        return run
    if run.needs_approval and run.approved_by_id is None:
        raise DomainError(
            IndustryErrorCode.AWAITING_APPROVAL,
            threshold=run.season.approval_threshold,
            largest=run.totals.get("largest", ""),
        )
    job_id = run.job_id
    try:
        for index, (name, step) in enumerate(
            (
                ("statements", lambda: _step_statements(run)),
                ("households", lambda: _step_households(run, batch_size)),
                ("cooperatives", lambda: _step_cooperatives(run)),
                ("income", lambda: _step_income(run)),
                ("finish", lambda: _step_finish(run)),
            )
        ):
            if job_id:
                job_progress(job_id, done=index, total=len(STEPS), message=name)
            if progress is not None:
                progress(name)
            step()
    except Exception as exc:
        if job_id:
            job_fail(job_id, message=str(exc))
        raise
    run.refresh_from_db()
    if job_id:
        job_finish(job_id, result={"settlement": run.pk, **run.totals})
    return run
