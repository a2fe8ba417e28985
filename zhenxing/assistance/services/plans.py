"""Plans tailored by class (分类施策, 逐户逐人逐项).

`plans_propose` proposes a plan for every classed household of a county (exited or
monitored) from the latest published screening and the plan rules (data), in a few set-based
statements; an item a person has touched (accepted, edited or rejected) is never changed by a
proposal. `item_accept`, `item_reject`, `item_add` are the review; accepting an item records
its measure.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from zhenxing.accounts.access import require_allowed
from zhenxing.assistance import policies
from zhenxing.assistance.errors import AssistanceErrorCode as E
from zhenxing.assistance.models import ItemStatus, Plan, PlanItem, PlanRule, PlanStatus
from zhenxing.assistance.services._common import audit, codes, in_scope, required
from zhenxing.assistance.services.measures import (
    check_amount,
    check_member,
    kind_get,
    measure_record,
)
from zhenxing.core.errors import DomainError
from zhenxing.core.timeutil import business_today
from zhenxing.households.models import Household, Member
from zhenxing.screening.models import RISK_BITS

ABLE = "('ordinary', 'skilled', 'weak')"  # 有劳动能力 (weak labour counts, as the national rule)


def rule_year(year: int) -> int | None:
    """The plan rules in force for `year`: the latest version not after it."""
    found = PlanRule.objects.filter(year__lte=year).order_by("-year").values("year").first()
    return found["year"] if found else None


def _risk_bit_sql() -> str:
    whens = " ".join(f"WHEN '{code}' THEN {bit}" for code, bit in RISK_BITS.items())
    return f"(CASE pr.risk_type {whens} ELSE 0 END)"


def _due_sql() -> str:
    if connection.vendor == "postgresql":
        return "(p.proposed_on + pr.due_days)"
    return "date(p.proposed_on, '+' || pr.due_days || ' days')"


def _proposal_select() -> str:
    """Every item the rules propose for the county's plans of a year (parameters: rule year,
    county, plan year)."""
    return f"""
        SELECT p.county_code, p.town_code, p.village_code, p.id AS plan_id, p.household_id,
               m.id AS member_id, COALESCE(m.id, 0) AS member_slot, pr.kind_id AS kind_id,
               pr.code AS rule_code, {_due_sql()} AS due_on, c.cadre_id AS responsible_id
        FROM assistance_plan p
        JOIN assistance_planrule pr
          ON pr.year = %s AND pr.target = p.target
         AND (pr.risk_type = '' OR (p.risk_mask & {_risk_bit_sql()}) <> 0)
        LEFT JOIN households_member m
          ON pr.who <> 'household' AND m.county_code = p.county_code
         AND m.household_id = p.household_id AND m.status = 'active'
         AND ((pr.who = 'able' AND m.labour IN {ABLE}) OR (pr.who = 'unable' AND m.labour = 'none'))
        LEFT JOIN households_cadrepairing c
          ON c.county_code = p.county_code AND c.household_id = p.household_id
         AND c.until IS NULL
        WHERE p.county_code = %s AND p.year = %s AND (pr.who = 'household' OR m.id IS NOT NULL)
    """  # noqa: S608 — generated names only; values are parameters


def plans_propose(
    *, actor: Any, county_code: str, year: int, today: date | None = None
) -> dict[str, int]:
    """Propose the county's plans for `year` from its latest published screening.

    Set-based: one upsert of plans, one insert of the proposed items that are not there yet,
    one delete of untouched proposals the rules no longer give. Returns counts.
    """
    require_allowed(actor is None or policies.can_propose_plans(actor), actor, "plans_propose")
    from zhenxing.screening.selectors import run_latest_published

    run = run_latest_published(county_code)
    if run is None:
        raise DomainError(E.NO_RESULT)
    rules = rule_year(year)
    if rules is None:
        raise DomainError(E.REQUIRED, field="rules", label="帮扶计划规则", label_en="Plan rules")
    day = today or business_today()
    proposal = _proposal_select()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO assistance_plan (county_code, town_code, village_code, household_id,
                year, target, run_id, risk_mask, status, proposed_on)
            SELECT r.county_code, r.town_code, r.village_code, r.household_id, %s,
                   CASE WHEN r.monitoring_type <> '' THEN 'monitored' ELSE r.stability END,
                   r.run_id, r.risk_mask, 'proposed', %s
            FROM screening_result r
            WHERE r.run_id = %s AND r.stability <> ''
            ON CONFLICT (county_code, household_id, year) DO UPDATE
               SET target = excluded.target, run_id = excluded.run_id,
                   risk_mask = excluded.risk_mask
            """,
            [year, day, run.pk],
        )
        plans = cursor.rowcount
        cursor.execute(
            f"""
            INSERT INTO assistance_planitem (county_code, town_code, village_code, plan_id,
                household_id, member_id, member_slot, kind_id, rule_code, due_on,
                responsible_id, status, note)
            SELECT q.county_code, q.town_code, q.village_code, q.plan_id, q.household_id,
                   q.member_id, q.member_slot, q.kind_id, q.rule_code, q.due_on,
                   q.responsible_id, 'proposed', ''
            FROM ({proposal}) q
            WHERE 1 = 1
            ON CONFLICT (county_code, plan_id, rule_code, member_slot) WHERE NOT (rule_code = '')
            DO NOTHING
            """,  # noqa: S608 — only table names from model metadata are interpolated
            [rules, county_code, year],
        )
        added = cursor.rowcount
        cursor.execute(
            f"""
            DELETE FROM assistance_planitem
            WHERE county_code = %s AND status = 'proposed' AND touched_at IS NULL
              AND rule_code <> ''
              AND plan_id IN (SELECT id FROM assistance_plan WHERE county_code = %s AND year = %s)
              AND NOT EXISTS (
                  SELECT 1 FROM ({proposal}) q
                  WHERE q.plan_id = assistance_planitem.plan_id
                    AND q.rule_code = assistance_planitem.rule_code
                    AND q.member_slot = assistance_planitem.member_slot)
            """,  # noqa: S608 — only table names from model metadata are interpolated
            [county_code, county_code, year, rules, county_code, year],
        )
        dropped = cursor.rowcount
        counts = {"plans": plans, "items_added": added, "items_dropped": dropped, "run": run.pk}
        audit(actor, None, kind="plans_propose", county=county_code, year=year, **counts)
    return counts


# ---------------------------------------------------------------- review


def _open_item(item: PlanItem) -> PlanItem:
    locked = PlanItem.objects.select_for_update().get(pk=item.pk)
    if locked.status not in (ItemStatus.PROPOSED,):
        label = ItemStatus(locked.status)
        raise DomainError(E.ITEM_CLOSED, status=label.label.split(" ")[0], status_en=label.value)
    return locked


def _mark_reviewed(plan_id: int) -> None:
    if not PlanItem.objects.filter(plan_id=plan_id, status=ItemStatus.PROPOSED).exists():
        Plan.objects.filter(pk=plan_id).update(status=PlanStatus.REVIEWED)


def item_accept(
    *,
    actor: Any,
    item: PlanItem,
    responsible: Any = None,
    due_on: date | None = None,
    amount: Decimal | str | None = None,
    note: str | None = None,
) -> PlanItem:
    """Accept a proposed item, with the reviewer's edits; its measure is recorded as planned.
    An item needs a responsible person (the paired cadre is proposed)."""
    require_allowed(actor is None or policies.can_review_plan(actor), actor, "item_accept")
    household = Household.objects.get(pk=item.household_id)
    in_scope(actor, household)
    with transaction.atomic():
        item = _open_item(item)
        kind = kind_get(item.kind_id)
        person = responsible if responsible is not None else item.responsible
        required(person, "responsible", "责任人", "Responsible person")
        value = check_amount(kind, amount) if amount not in (None, "") else item.amount
        edited = bool(responsible is not None or due_on or amount not in (None, "") or note)
        item.responsible = person
        item.due_on = due_on or item.due_on
        item.amount = value
        if note is not None:
            item.note = note.strip()[:200]
        item.status, item.touched_by, item.touched_at = ItemStatus.ACCEPTED, actor, timezone.now()
        item.save()
        member = Member.objects.get(pk=item.member_id) if item.member_id else None
        measure_record(
            actor=actor, household=household, kind=kind.code, member=member,
            planned_on=item.due_on, amount=value, responsible=person, note=item.note,
            plan_item=item,
        )  # fmt: skip
        audit(actor, item, kind="plan_item_accept", edited=edited)
        _mark_reviewed(item.plan_id)
    return item


def item_reject(*, actor: Any, item: PlanItem, reason: str) -> PlanItem:
    require_allowed(actor is None or policies.can_review_plan(actor), actor, "item_reject")
    required(reason, "reason", "不采纳理由", "Reason")
    in_scope(actor, Household.objects.get(pk=item.household_id))
    with transaction.atomic():
        item = _open_item(item)
        item.status, item.touched_by, item.touched_at = ItemStatus.REJECTED, actor, timezone.now()
        item.note = reason.strip()[:200]
        item.save()
        audit(actor, item, kind="plan_item_reject")
        _mark_reviewed(item.plan_id)
    return item


def item_add(
    *,
    actor: Any,
    plan: Plan,
    kind: str,
    due_on: date,
    responsible: Any,
    member: Member | None = None,
    amount: Decimal | str | None = None,
    note: str = "",
) -> PlanItem:
    """A reviewer's own item (not proposed by a rule): accepted at once, with its measure."""
    require_allowed(actor is None or policies.can_review_plan(actor), actor, "item_add")
    household = Household.objects.get(pk=plan.household_id)
    in_scope(actor, household)
    measure_kind = kind_get(kind)
    check_member(household, member)
    required(responsible, "responsible", "责任人", "Responsible person")
    required(due_on, "due_on", "期限", "Due on")
    value = check_amount(measure_kind, amount)
    with transaction.atomic():
        item = PlanItem.objects.create(
            plan=plan, household=household, member=member,
            member_slot=member.pk if member else 0, kind=measure_kind, rule_code="",
            status=ItemStatus.ACCEPTED, due_on=due_on, responsible=responsible, amount=value,
            note=note.strip()[:200], touched_by=actor, touched_at=timezone.now(),
            **codes(household),
        )  # fmt: skip
        measure_record(
            actor=actor, household=household, kind=kind, member=member, planned_on=due_on,
            amount=value, responsible=responsible, note=item.note, plan_item=item,
        )  # fmt: skip
        audit(actor, item, kind="plan_item_add")
    return item
