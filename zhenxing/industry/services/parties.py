"""Parties of the benefit chain: enterprises, cooperatives, purchase points, memberships and
clerk bindings.

Holds `enterprise_create`, `cooperative_create`, `point_create`, `membership_add` (a registry
household joins one cooperative) and `clerk_bind` (a grant of scope: the security
administrator's, audited as a role change).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from zhenxing.accounts.access import require_allowed
from zhenxing.accounts.models import User
from zhenxing.audit.events import AuditEventType
from zhenxing.audit.services import record
from zhenxing.core.errors import DomainError
from zhenxing.core.roles import Role
from zhenxing.households.models import Household
from zhenxing.industry import policies
from zhenxing.industry.errors import IndustryErrorCode
from zhenxing.industry.models import (
    Clerk,
    Cooperative,
    Enterprise,
    Membership,
    PurchasePoint,
)
from zhenxing.industry.services.base import (
    CLI_OPERATOR,
    audit,
    in_books,
    village_get,
)


def enterprise_create(*, actor: User | None, county_code: str, name: str) -> Enterprise:
    require_allowed(policies.can_configure(actor), actor, "enterprise_create")
    in_books(actor, county_code=county_code)
    if not name.strip():
        raise DomainError(IndustryErrorCode.NAME_REQUIRED, field="name")
    with transaction.atomic():
        enterprise = Enterprise.objects.create(county_code=county_code, title=name.strip()[:100])
        audit(AuditEventType.INDUSTRY_RECORD, actor, enterprise, action="enterprise_create")
    return enterprise


def cooperative_create(*, actor: User | None, village_code: str, name: str) -> Cooperative:
    require_allowed(policies.can_configure(actor), actor, "cooperative_create")
    village = village_get(village_code)
    in_books(actor, county_code=village.county_code)
    if not name.strip():
        raise DomainError(IndustryErrorCode.NAME_REQUIRED, field="name")
    with transaction.atomic():
        coop = Cooperative.objects.create(
            title=name.strip()[:100],
            county_code=village.county_code,
            town_code=village.town_code,
            village_code=village.code,
        )
        audit(AuditEventType.INDUSTRY_RECORD, actor, coop, action="cooperative_create")
    return coop


def point_create(
    *, actor: User | None, cooperative: Cooperative, village_code: str, name: str
) -> PurchasePoint:
    require_allowed(policies.can_configure(actor), actor, "point_create")
    in_books(actor, county_code=cooperative.county_code)
    village = village_get(village_code, cooperative.county_code)
    if not name.strip():
        raise DomainError(IndustryErrorCode.NAME_REQUIRED, field="name")
    with transaction.atomic():
        point = PurchasePoint.objects.create(
            cooperative=cooperative,
            title=name.strip()[:100],
            county_code=village.county_code,
            town_code=village.town_code,
            village_code=village.code,
        )
        audit(AuditEventType.INDUSTRY_RECORD, actor, point, action="point_create")
    return point


def membership_add(
    *, actor: User | None, cooperative: Cooperative, household: Household, joined_on: date
) -> Membership:
    """A registry household joins a cooperative (one current cooperative per household)."""
    require_allowed(policies.can_sign_protection(actor), actor, "membership_add")
    in_books(actor, cooperative_id=cooperative.pk, county_code=cooperative.county_code)
    if household.county_code != cooperative.county_code:
        raise DomainError(
            IndustryErrorCode.HOUSEHOLD_OTHER_COUNTY,
            field="household",
            household=household.household_no,
        )
    current = (
        Membership.objects.filter(household=household, left_on__isnull=True)
        .select_related("cooperative")
        .first()
    )
    if current is not None:
        raise DomainError(
            IndustryErrorCode.ALREADY_MEMBER,
            field="household",
            household=household.household_no,
            cooperative=current.cooperative.title,
        )
    with transaction.atomic():
        membership = Membership.objects.create(
            cooperative=cooperative,
            household=household,
            county_code=household.county_code,
            town_code=household.town_code,
            village_code=household.village_code,
            joined_on=joined_on,
        )
        audit(AuditEventType.INDUSTRY_RECORD, actor, membership, action="membership_add")
    return membership


def clerk_bind(
    *,
    actor: User | None,
    user: User,
    cooperative: Cooperative | None = None,
    enterprise: Enterprise | None = None,
) -> Clerk:
    """Bind a clerk's account to the books it keeps. A grant of scope, so the security
    administrator's (security.md B5) and audited as a role change."""
    require_allowed(policies.can_bind_clerks(actor), actor, "clerk_bind")
    if user.role not in (Role.COOP_CLERK, Role.ENTERPRISE_CLERK):
        raise DomainError(IndustryErrorCode.NOT_A_CLERK, field="user", user=user.username)
    if (user.role == Role.COOP_CLERK) != (cooperative is not None) or (
        cooperative is not None and enterprise is not None
    ):
        raise DomainError(IndustryErrorCode.BOOK_MISMATCH, field="book")
    with transaction.atomic():
        before = Clerk.objects.filter(user=user).values("cooperative_id", "enterprise_id").first()
        clerk, _ = Clerk.objects.update_or_create(
            user=user, defaults={"cooperative": cooperative, "enterprise": enterprise}
        )
        record(
            AuditEventType.ROLE_CHANGE,
            actor=actor,
            obj=user,
            username=CLI_OPERATOR,
            detail={
                "action": "clerk_bind",
                "before": before or {},
                "after": {
                    "cooperative_id": cooperative.pk if cooperative else None,
                    "enterprise_id": enterprise.pk if enterprise else None,
                },
            },
        )
    return clerk
