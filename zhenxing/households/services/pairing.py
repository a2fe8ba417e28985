"""Cadre pairing (结对帮扶): one responsible cadre per household at a time, with dates.

Holds `PairingErrorCode`, `pairing_start`, `pairing_end`, `pairing_change`; the registry's
other writes are in the package's `__init__`.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from zhenxing.accounts.access import require_allowed
from zhenxing.accounts.models import User
from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record
from zhenxing.core.errors import DomainError, ErrorCode, NotInScope
from zhenxing.core.timeutil import business_today
from zhenxing.households import policies
from zhenxing.households.models import CadrePairing, Household


class PairingErrorCode(ErrorCode):
    NOT_CADRE = (
        "pairing.not_cadre",
        "“帮扶干部”{name}不是帮扶干部账户",
        "'Cadre' {name} is not a cadre account",
    )
    OUT_OF_REACH = (
        "pairing.out_of_reach",
        "“农户”{household}不在帮扶干部{name}的工作区域内",
        "'Household' {household} is outside cadre {name}'s area",
    )
    ALREADY_PAIRED = (
        "pairing.already_paired",
        "“帮扶干部”：该户自 {since} 起已由 {name} 结对帮扶，须先结束原结对",
        "'Cadre': the household is paired with {name} since {since}; end that pairing first",
    )
    OVERLAP = (
        "pairing.overlap",
        "“结对日期”须晚于上一次结对的结束日期 {until}",
        "'Paired since' must be after the previous pairing ended ({until})",
    )
    FUTURE = ("pairing.future", "“{label}”不能晚于今天", "'{label_en}' cannot be later than today")
    ORDER = (
        "pairing.order",
        "“结束日期”不能早于结对日期 {since}",
        "'Until' cannot be before the pairing began ({since})",
    )
    NONE = ("pairing.none", "该户当前没有结对帮扶干部", "The household has no current cadre")


def _pairing_reach(cadre: User, household: Household) -> bool:
    """The cadre's work region must hold the household (a cadre bound to a town pairs only
    households of that town)."""
    from zhenxing.core.scope import scope_of

    return Household.objects.filter(pk=household.pk).filter(scope_of(cadre).region_q()).exists()


def pairing_start(
    *, actor: User | None, cadre: User, household: Household, since: date, unit: str = ""
) -> CadrePairing:
    """Pair a cadre with a household from `since`: one responsible cadre at a time."""
    from zhenxing.core.roles import Role
    from zhenxing.households.selectors import households_visible

    require_allowed(policies.can_pair(actor), actor, "pairing_start")
    if actor is not None and not households_visible(actor).filter(pk=household.pk).exists():
        raise NotInScope("household", str(household.pk))
    name = cadre.full_name or cadre.username
    if cadre.role != Role.CADRE or not cadre.is_active:
        raise DomainError(PairingErrorCode.NOT_CADRE, field="cadre", name=name)
    if not _pairing_reach(cadre, household):
        raise DomainError(
            PairingErrorCode.OUT_OF_REACH, field="household", household=household.household_no,
            name=name,
        )  # fmt: skip
    if since > business_today():
        raise DomainError(
            PairingErrorCode.FUTURE, field="since", label="结对日期", label_en="Paired since"
        )
    with transaction.atomic():
        current = (
            CadrePairing.objects.select_for_update()
            .filter(county_code=household.county_code, household=household, until__isnull=True)
            .select_related("cadre")
            .first()
        )
        if current is not None:
            raise DomainError(
                PairingErrorCode.ALREADY_PAIRED, field="cadre", since=current.since,
                name=current.cadre.full_name or current.cadre.username,
            )  # fmt: skip
        last = (
            CadrePairing.objects.filter(county_code=household.county_code, household=household)
            .order_by("-until")
            .first()
        )
        if last is not None and last.until is not None and since <= last.until:
            raise DomainError(PairingErrorCode.OVERLAP, field="since", until=last.until)
        pairing = CadrePairing.objects.create(
            cadre=cadre, household=household, since=since, unit=unit.strip()[:80],
            county_code=household.county_code, town_code=household.town_code,
            village_code=household.village_code,
        )  # fmt: skip
        record(
            AuditEventType.REGISTRY_EDIT,
            actor=actor,
            obj=pairing,
            username="" if actor is not None else "命令行 CLI",
            detail={"kind": "pairing_start", "cadre": cadre.pk, "since": since.isoformat()},
        )
    return pairing


def pairing_end(*, actor: User | None, household: Household, until: date) -> CadrePairing:
    """End the household's current pairing on `until` (its last day)."""
    from zhenxing.households.selectors import households_visible

    require_allowed(policies.can_pair(actor), actor, "pairing_end")
    if actor is not None and not households_visible(actor).filter(pk=household.pk).exists():
        raise NotInScope("household", str(household.pk))
    if until > business_today():
        raise DomainError(
            PairingErrorCode.FUTURE, field="until", label="结束日期", label_en="Until"
        )
    with transaction.atomic():
        pairing = (
            CadrePairing.objects.select_for_update()
            .filter(county_code=household.county_code, household=household, until__isnull=True)
            .first()
        )
        if pairing is None:
            raise DomainError(PairingErrorCode.NONE, field="household")
        if until < pairing.since:
            raise DomainError(PairingErrorCode.ORDER, field="until", since=pairing.since)
        pairing.until = until
        pairing.save(update_fields=["until"])
        record(
            AuditEventType.REGISTRY_EDIT,
            actor=actor,
            obj=pairing,
            username="" if actor is not None else "命令行 CLI",
            detail={"kind": "pairing_end", "until": until.isoformat()},
        )
    return pairing


def pairing_change(
    *, actor: User | None, household: Household, cadre: User, since: date, unit: str = ""
) -> CadrePairing:
    """Hand the household to another cadre from `since`: the current pairing ends the day
    before, in the same transaction."""

    with transaction.atomic():
        if CadrePairing.objects.filter(
            county_code=household.county_code, household=household, until__isnull=True
        ).exists():
            pairing_end(actor=actor, household=household, until=since - timedelta(days=1))
        return pairing_start(actor=actor, cadre=cadre, household=household, since=since, unit=unit)
