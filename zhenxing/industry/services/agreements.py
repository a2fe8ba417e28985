"""Agreements and their performance deposits.

Holds `order_agreement_sign` (enterprise ↔ cooperative), `protection_agreement_sign` (a member's
protection-price agreement, also recorded on the household as an industry assistance measure)
and `deposit_pay` (a ledger entry; four eyes above the season's threshold; paying twice changes
nothing). `deposit_status` is a read in `zhenxing.industry.selectors`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from zhenxing.accounts.access import require_allowed
from zhenxing.accounts.models import User
from zhenxing.audit.events import AuditEventType
from zhenxing.core.errors import DomainError
from zhenxing.households.models import Household
from zhenxing.industry import chart, domain, policies
from zhenxing.industry.errors import IndustryErrorCode
from zhenxing.industry.models import (
    Cooperative,
    Enterprise,
    IndustryMeasure,
    Membership,
    OrderAgreement,
    ProtectionAgreement,
    Season,
)
from zhenxing.industry.selectors import (
    deposit_key,
)
from zhenxing.industry.services.base import (
    audit,
    in_books,
    season_ensure_open,
)
from zhenxing.ledger.domain import Line
from zhenxing.ledger.models import Entry, PendingEntry
from zhenxing.ledger.services import (
    AccountSpec,
    EntrySpec,
    accounts_ensure,
    entry_submit,
)


def order_agreement_sign(
    *,
    actor: User | None,
    season: Season,
    enterprise: Enterprise,
    cooperative: Cooperative,
    tonnes: Decimal,
    signed_on: date,
) -> OrderAgreement:
    require_allowed(policies.can_sign_order(actor), actor, "order_agreement_sign")
    in_books(actor, enterprise_id=enterprise.pk, county_code=season.county_code)
    contracted = domain.contracted_grams(tonnes_=tonnes)
    if OrderAgreement.objects.filter(season=season, cooperative=cooperative).exists():
        raise DomainError(IndustryErrorCode.AGREEMENT_EXISTS, field="cooperative")
    with transaction.atomic():
        agreement = OrderAgreement.objects.create(
            season=season,
            enterprise=enterprise,
            cooperative=cooperative,
            contracted_g=contracted,
            deposit_amount=domain.deposit_for(contracted, season.coop_deposit_rate),
            signed_on=signed_on,
        )
        audit(AuditEventType.INDUSTRY_RECORD, actor, agreement, action="order_agreement_sign")
    return agreement


def protection_agreement_sign(
    *,
    actor: User | None,
    season: Season,
    cooperative: Cooperative,
    household: Household,
    signed_on: date,
    tonnes: Decimal | None = None,
    area_mu: Decimal | None = None,
    yield_kg_per_mu: int | None = None,
) -> ProtectionAgreement:
    """A member's protection-price agreement; also recorded on the household as an industry
    assistance measure."""
    require_allowed(policies.can_sign_protection(actor), actor, "protection_agreement_sign")
    in_books(actor, cooperative_id=cooperative.pk, county_code=season.county_code)
    if not Membership.objects.filter(
        cooperative=cooperative, household=household, left_on__isnull=True
    ).exists():
        raise DomainError(
            IndustryErrorCode.NOT_MEMBER,
            field="household",
            household=household.household_no,
            cooperative=cooperative.title,
        )
    contracted = domain.contracted_grams(
        tonnes_=tonnes, area_mu=area_mu, yield_kg_per_mu=yield_kg_per_mu
    )
    if ProtectionAgreement.objects.filter(season=season, household=household).exists():
        raise DomainError(IndustryErrorCode.AGREEMENT_EXISTS, field="household")
    with transaction.atomic():
        agreement = ProtectionAgreement.objects.create(
            season=season,
            cooperative=cooperative,
            household=household,
            county_code=household.county_code,
            town_code=household.town_code,
            village_code=household.village_code,
            area_mu=area_mu,
            yield_kg_per_mu=yield_kg_per_mu,
            contracted_g=contracted,
            deposit_amount=domain.deposit_for(contracted, season.household_deposit_rate),
            signed_on=signed_on,
        )
        IndustryMeasure.objects.create(
            household=household,
            county_code=household.county_code,
            town_code=household.town_code,
            village_code=household.village_code,
            agreement=agreement,
            since=signed_on,
            description=(
                f"{season.year}年{season.crop}保护价收购协议（{cooperative.title}）"
                f" / protection-price agreement {season.year}"
            )[:200],
        )
        audit(AuditEventType.INDUSTRY_RECORD, actor, agreement, action="protection_sign")
    return agreement


def _deposit_spec(agreement: OrderAgreement | ProtectionAgreement) -> tuple[EntrySpec, AccountSpec]:
    season = agreement.season
    if isinstance(agreement, ProtectionAgreement):
        held = chart.coop_to_household(
            "2201", season.county_code, season.pk, agreement.cooperative_id, agreement.household_id
        )
        memo = "农户履约保证金 household performance deposit"
    else:
        held = chart.enterprise_to_coop(
            "2202", season.county_code, season.pk, agreement.enterprise_id, agreement.cooperative_id
        )
        memo = "合作社履约保证金 cooperative performance deposit"
    bank = chart.bank(season.county_code, season.pk)
    amount = agreement.deposit_amount
    spec = EntrySpec(
        natural_key=deposit_key(agreement),
        kind="deposit_paid",
        lines=(Line(bank.code, amount), Line(held.code, -amount)),
        memo=memo,
        season_id=season.pk,
    )
    return spec, held


def deposit_pay(
    *, actor: User | None, agreement: OrderAgreement | ProtectionAgreement
) -> Entry | PendingEntry:
    """The deposit comes in through the bank: Dr bank clearing, Cr deposit held. Above the
    season's threshold it waits for a second person (B6). Paying twice changes nothing."""
    require_allowed(policies.can_pay_deposit(actor), actor, "deposit_pay")
    season = agreement.season
    in_books(
        actor,
        cooperative_id=agreement.cooperative_id,
        enterprise_id=getattr(agreement, "enterprise_id", None),
        county_code=season.county_code,
    )
    season_ensure_open(season)
    spec, held = _deposit_spec(agreement)
    accounts_ensure([chart.bank(season.county_code, season.pk), held])
    return entry_submit(
        actor=actor,
        spec=spec,
        approval_threshold=season.approval_threshold,
        county_code=season.county_code,
    )
