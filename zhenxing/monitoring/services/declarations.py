"""Public self-declarations (农户自主申报): `declaration_receive` (the public page: a pending
lead when name and ID number match a registered member, else a declaration for the village
officer, the same answer either way), and the officer's review: `declaration_link` (a pending
lead for the household found) and `declaration_dismiss`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from zhenxing.accounts.access import require_allowed
from zhenxing.accounts.models import User
from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record
from zhenxing.core.crypto import blind_index, encrypt
from zhenxing.core.errors import DomainError
from zhenxing.core.idnumbers import validate_id
from zhenxing.core.phones import normalise_phone
from zhenxing.households.choices import MemberStatus
from zhenxing.households.models import ID_CONTEXT, PHONE_CONTEXT, Household, Member
from zhenxing.monitoring import domain, policies
from zhenxing.monitoring.errors import MonitoringErrorCode
from zhenxing.monitoring.models import Channel, Declaration, DeclarationStatus, Lead, LeadStatus
from zhenxing.monitoring.selectors import (
    current_village,
    declaration_ip_index,
    declaration_rate_limited,
)
from zhenxing.monitoring.services._common import _bad, _codes, _in_scope, _lead_dates, _required


@dataclass(frozen=True)
class DeclarationReceipt:
    """What the public page may know: that something was received. Never whether it matched."""

    reference: str


def declaration_receive(
    *,
    name: str,
    id_number: str,
    village_code: str,
    phone: str,
    what_happened: str,
    ip: str,
    now: datetime | None = None,
) -> DeclarationReceipt:
    """The public self-declaration page. A pending lead only when name and ID match a member
    registered in the district; otherwise a declaration the village officer reviews. The
    answer is the same either way, so the page does not tell who is registered."""
    now = now or timezone.now()
    if declaration_rate_limited(ip=ip, now=now):
        raise DomainError(MonitoringErrorCode.RATE_LIMITED)
    name = " ".join(name.split())[:60]
    _required(name, "name", "姓名", "Name")
    _required(what_happened, "what_happened", "情况说明", "What happened")
    number = validate_id(id_number, field="id_number").number
    village = current_village(village_code)
    if village is None:
        raise _bad("village_code", "所在村", "Village")
    phone_text = ""
    if phone.strip():
        try:
            phone_text = normalise_phone(phone)
        except DomainError as exc:
            raise _bad("phone", "联系电话", "Phone") from exc
    id_index = blind_index(number, context=ID_CONTEXT)
    member = (
        Member.objects.filter(id_index=id_index, name=name)
        .exclude(status=MemberStatus.DECEASED)
        .select_related("household")
        .first()
    )
    found = domain.beijing_date(now)
    with transaction.atomic():
        lead = None
        if member is not None:
            household = member.household
            due_on, accept_due = _lead_dates(household, found)
            lead = Lead.objects.create(
                household=household,
                channel=Channel.DECLARATION,
                detail=what_happened.strip()[:300],
                found_on=found,
                due_on=due_on,
                accept_due_on=accept_due,
                status=LeadStatus.PENDING,
                dedupe_key=f"declaration:{now.timestamp():.6f}:{id_index[:16]}",
                **_codes(household),
            )
        declaration = Declaration.objects.create(
            name=name,
            id_cipher=encrypt(number, context=f"{ID_CONTEXT}.declaration"),
            id_index=id_index,
            phone_cipher=encrypt(phone_text, context=f"{PHONE_CONTEXT}.declaration")
            if phone_text
            else "",
            what_happened=what_happened.strip()[:2000],
            received_at=now,
            ip_index=declaration_ip_index(ip),
            lead=lead,
            status=DeclarationStatus.MATCHED if lead is not None else DeclarationStatus.UNMATCHED,
            county_code=village.county_code,
            town_code=village.town_code,
            village_code=village.village_code,
        )
        record(
            AuditEventType.MONITORING_RECORD,
            object_type="monitoring.declaration",
            object_id=str(declaration.pk),
            username="公众 public",
            detail={"kind": "declaration"},
        )
    return DeclarationReceipt(reference=f"{declaration.pk:06d}")


def declaration_link(*, actor: User, declaration: Declaration, household: Household) -> Lead:
    """The officer found the declaring household (e.g. a typo in the name): a pending lead."""
    require_allowed(policies.can_review_declarations(actor), actor, "declaration_link")
    _in_scope(actor, household)
    with transaction.atomic():
        declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
        if declaration.status != DeclarationStatus.UNMATCHED:
            raise DomainError(MonitoringErrorCode.DECLARATION_CLOSED)
        found = domain.beijing_date(declaration.received_at)
        due_on, accept_due = _lead_dates(household, found)
        lead = Lead.objects.create(
            household=household,
            channel=Channel.DECLARATION,
            detail=declaration.what_happened[:300],
            found_on=found,
            due_on=due_on,
            accept_due_on=accept_due,
            status=LeadStatus.PENDING,
            dedupe_key=f"declaration-link:{declaration.pk}",
            created_by=actor,
            **_codes(household),
        )
        declaration.status, declaration.lead = DeclarationStatus.LINKED, lead
        declaration.reviewed_by, declaration.reviewed_at = actor, timezone.now()
        declaration.save(update_fields=["status", "lead", "reviewed_by", "reviewed_at"])
        record(
            AuditEventType.MONITORING_RECORD,
            actor=actor,
            obj=declaration,
            detail={"kind": "declaration_link", "lead": lead.pk},
        )
    return lead


def declaration_dismiss(*, actor: User, declaration: Declaration, reason: str) -> Declaration:
    require_allowed(policies.can_review_declarations(actor), actor, "declaration_dismiss")
    _required(reason, "reason", "理由", "Reason")
    with transaction.atomic():
        declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
        if declaration.status != DeclarationStatus.UNMATCHED:
            raise DomainError(MonitoringErrorCode.DECLARATION_CLOSED)
        declaration.status = DeclarationStatus.DISMISSED
        declaration.reviewed_by, declaration.reviewed_at = actor, timezone.now()
        declaration.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        record(
            AuditEventType.MONITORING_RECORD,
            actor=actor,
            obj=declaration,
            detail={"kind": "declaration_dismiss"},
        )
    return declaration
