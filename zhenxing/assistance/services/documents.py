"""六统一: the printed three (archive sheet, board, handbook) carry a version stamp; the
discrepancy report lists households whose printed documents are older than the record, or
whose visit found a difference; resolving one is an audited action.

The record's state is its latest change: the newest history row of the household, its
members, its 两不愁三保障 facts and its income lines (every registry write keeps history).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from zhenxing.accounts.access import require_allowed
from zhenxing.assistance import policies
from zhenxing.assistance.errors import AssistanceErrorCode as E
from zhenxing.assistance.models import Discrepancy, DiscrepancyKind, Document, PrintStamp
from zhenxing.assistance.services._common import audit, codes, in_scope, required
from zhenxing.core.errors import DomainError
from zhenxing.core.timeutil import business_today
from zhenxing.households.models import Household

# (history table, column naming the household)
HISTORY = [
    ("households_historicalhousehold", "id"),
    ("households_historicalmember", "household_id"),
    ("households_historicalhouseholdfacts", "household_id"),
    ("households_historicalincomeline", "household_id"),
]


def record_changed_at(household: Household) -> datetime:
    """When the household's record last changed (any of its parts)."""
    from zhenxing.households.models import HouseholdFacts, IncomeLine, Member

    found = [
        Household.history.filter(id=household.pk).aggregate(t=Max("history_date"))["t"],
        Member.history.filter(household_id=household.pk).aggregate(t=Max("history_date"))["t"],
        HouseholdFacts.history.filter(household_id=household.pk).aggregate(t=Max("history_date"))[
            "t"
        ],
        IncomeLine.history.filter(household_id=household.pk).aggregate(t=Max("history_date"))["t"],
    ]
    times = [t for t in found if t is not None]
    return max(times) if times else household.created_at


def stamp_print(*, actor: Any, household: Household, document: str) -> PrintStamp:
    """A new printed version of one document, stamped with the record state it shows."""
    require_allowed(actor is None or policies.can_print(actor), actor, "stamp_print")
    in_scope(actor, household)
    if document not in Document.values:
        raise DomainError(E.REQUIRED, field="document", label="文书", label_en="Document")
    with transaction.atomic():
        latest = (
            PrintStamp.objects.select_for_update()
            .filter(county_code=household.county_code, household=household, document=document)
            .order_by("-version")
            .first()
        )
        stamp = PrintStamp.objects.create(
            household=household, document=document, version=(latest.version + 1 if latest else 1),
            record_at=record_changed_at(household), printed_at=timezone.now(),
            printed_by=actor if getattr(actor, "pk", None) else None, **codes(household),
        )  # fmt: skip
        # Printing the current record resolves the document's "outdated" discrepancy.
        Discrepancy.objects.filter(
            county_code=household.county_code, household=household, document=document,
            kind__in=(DiscrepancyKind.OUTDATED, DiscrepancyKind.VERSION_SEEN),
            resolved_at__isnull=True,
        ).update(
            resolved_at=stamp.printed_at, resolved_by=stamp.printed_by,
            resolution=f"已重新打印 v{stamp.version} reprinted",
        )  # fmt: skip
        audit(actor, stamp, kind="print", document=document, version=stamp.version)
    return stamp


def discrepancy_note(
    *, household: Household, kind: str, document: str, detail: str, visit: Any = None
) -> Discrepancy:
    """Open (or extend) a discrepancy; called inside a visit's transaction."""
    open_one = Discrepancy.objects.filter(
        county_code=household.county_code, household=household, kind=kind, document=document,
        resolved_at__isnull=True,
    ).first()  # fmt: skip
    if open_one is not None:
        open_one.detail = (open_one.detail + "；" + detail)[-300:]
        open_one.visit = visit or open_one.visit
        open_one.save(update_fields=["detail", "visit"])
        return open_one
    return Discrepancy.objects.create(
        household=household, kind=kind, document=document, detail=detail[:300],
        found_on=visit.visited_on if visit is not None else business_today(), visit=visit,
        **codes(household),
    )  # fmt: skip


def discrepancies_refresh(*, actor: Any, county_code: str) -> int:
    """Open an "outdated" discrepancy for every printed document older than its record, in
    one set-based statement for the county (never a second open one). Returns rows added."""
    require_allowed(actor is None or policies.can_resolve(actor), actor, "discrepancies_refresh")
    stamped = "SELECT household_id FROM assistance_printstamp WHERE county_code = %s"
    parts = [
        f"SELECT {column} AS household_id, MAX(history_date) AS changed FROM {table} "  # noqa: S608 — table and column names come from model metadata, values are parameters
        f"WHERE {column} IN ({stamped}) GROUP BY {column}"
        for table, column in HISTORY
    ]
    changes = " UNION ALL ".join(parts)
    today = business_today()
    statement = f"""
        INSERT INTO assistance_discrepancy (county_code, town_code, village_code, household_id,
            kind, document, detail, found_on, resolution)
        SELECT s.county_code, s.town_code, s.village_code, s.household_id, 'outdated',
               s.document, 'v' || CAST(s.version AS TEXT), %s, ''
        FROM assistance_printstamp s
        JOIN (SELECT household_id, document, MAX(version) AS version
              FROM assistance_printstamp WHERE county_code = %s
              GROUP BY household_id, document) latest
          ON latest.household_id = s.household_id AND latest.document = s.document
         AND latest.version = s.version
        JOIN (SELECT household_id, MAX(changed) AS changed FROM ({changes}) c
              GROUP BY household_id) r
          ON r.household_id = s.household_id
        WHERE s.county_code = %s AND r.changed > s.record_at
        ON CONFLICT (county_code, household_id, kind, document) WHERE resolved_at IS NULL
        DO NOTHING
    """  # noqa: S608 — table names come from this module
    with transaction.atomic(), connection.cursor() as cursor:
        params: list[Any] = [today, county_code, *[county_code] * len(HISTORY), county_code]
        cursor.execute(statement, params)
        added = int(cursor.rowcount)
        audit(actor, None, kind="discrepancies_refresh", county=county_code, added=added)
    return added


def discrepancy_resolve(*, actor: Any, discrepancy: Discrepancy, resolution: str) -> Discrepancy:
    require_allowed(actor is None or policies.can_resolve(actor), actor, "discrepancy_resolve")
    required(resolution, "resolution", "处理情况", "Resolution")
    in_scope(actor, Household.objects.get(pk=discrepancy.household_id))
    with transaction.atomic():
        locked = Discrepancy.objects.select_for_update().get(pk=discrepancy.pk)
        if locked.resolved_at is not None:
            raise DomainError(E.ALREADY_RESOLVED)
        locked.resolved_at, locked.resolution = timezone.now(), resolution.strip()[:200]
        locked.resolved_by = actor if getattr(actor, "pk", None) else None
        locked.save(update_fields=["resolved_at", "resolution", "resolved_by"])
        audit(actor, locked, kind="discrepancy_resolve", discrepancy_kind=locked.kind)
    return locked
