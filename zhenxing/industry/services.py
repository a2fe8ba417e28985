"""Writes of the benefit chain: one function per use case, atomic, audited (README.md).

Holds:
- parties: `enterprise_create`, `cooperative_create`, `point_create`, `membership_add`,
  `clerk_bind`.
- seasons: `season_defaults`, `season_create`.
- agreements and deposits: `order_agreement_sign`, `protection_agreement_sign` (records the
  industry assistance measure on the household), `deposit_pay` (a ledger entry; four eyes above
  the season's threshold).
- purchasing: `day_price_set` (同价同步), `weighing_record` (idempotent on the client id),
  `delivery_record`.
- settlement: `settlement_preview`, `settlement_submit`, `settlement_approve`,
  `settlement_execute` (explicit idempotent steps: statements → household postings in batches →
  cooperative postings → income lines → finish).
- dividends: `shareholding_add`, `dividend_plan`, `dividend_approve` (ledger + 财产性收入).

`actor=None` is the operator at the server's command line (trusted like every other command).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from zhenxing.accounts.access import require_allowed
from zhenxing.accounts.models import User
from zhenxing.accounts.roles import Role
from zhenxing.audit.events import AuditEventType, Outcome
from zhenxing.audit.services import record
from zhenxing.core.bulk import bulk_insert_with_history
from zhenxing.core.errors import DomainError, NotInScope
from zhenxing.core.money import fen_to_yuan
from zhenxing.core.timeutil import BEIJING
from zhenxing.households.choices import IncomeKind
from zhenxing.households.models import Household, IncomeLine
from zhenxing.industry import chart, domain, policies
from zhenxing.industry.errors import IndustryErrorCode
from zhenxing.industry.models import (
    SEASON_DEFAULTS,
    Clerk,
    Cooperative,
    CooperativeStatement,
    Delivery,
    DividendDistribution,
    DividendLine,
    Enterprise,
    HouseholdStatement,
    IndustryMeasure,
    Membership,
    OrderAgreement,
    PointDayPrice,
    ProtectionAgreement,
    PurchasePoint,
    Season,
    SettlementRun,
    Shareholding,
    Weighing,
)
from zhenxing.industry.selectors import industry_scope, marginal_households
from zhenxing.jobs.services import job_create, job_fail, job_finish, job_progress
from zhenxing.ledger.domain import Line
from zhenxing.ledger.models import Account, Entry, PendingEntry
from zhenxing.ledger.services import (
    AccountSpec,
    EntrySpec,
    accounts_ensure,
    entries_post_bulk,
    entry_post,
    entry_submit,
)
from zhenxing.regions.models import Division

CLI_OPERATOR = "命令行 CLI"
ZERO = Decimal("0.00")
SETTLEMENT_SOURCE = "两金一链产季结算 Season settlement"
DIVIDEND_SOURCE = "股金分红 Equity dividend"


def _in_books(
    actor: User | None,
    *,
    cooperative_id: int | None = None,
    enterprise_id: int | None = None,
    county_code: str = "",
) -> None:
    """Defence behind the views: a clerk acts only on its own books, district staff only in
    its county. Outside → `NotInScope` (404, audited)."""
    if actor is None:
        return
    s = industry_scope(actor)
    if s.county_code:
        if county_code and county_code != s.county_code:
            raise NotInScope("industry", county_code)
        return
    if s.cooperative_id is not None and cooperative_id == s.cooperative_id:
        return
    if s.enterprise_id is not None and enterprise_id == s.enterprise_id:
        return
    raise NotInScope("industry", str(cooperative_id or enterprise_id or ""))


def _audit(event: AuditEventType, actor: User | None, obj: Any = None, **detail: Any) -> None:
    record(event, actor=actor, obj=obj, username=CLI_OPERATOR, detail=detail)


def _village(code: str, county_code: str | None = None) -> Division:
    division = Division.objects.filter(code=code, valid_to__isnull=True, level="village").first()
    if division is None or (county_code and division.county_code != county_code):
        raise DomainError(IndustryErrorCode.NOT_A_VILLAGE, field="village_code", code=code)
    return division


def _open(season: Season) -> None:
    """Nothing is recorded for a season once its settlement has been submitted. On PostgreSQL
    the season row is share-locked, so a settlement submitted concurrently waits for this
    transaction (and its weighing) to finish first."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM industry_season WHERE id = %s FOR KEY SHARE", [season.pk])
    if SettlementRun.objects.filter(season_id=season.pk).exists():
        raise DomainError(IndustryErrorCode.SEASON_SETTLED, season=str(season))


# ---------------------------------------------------------------- parties


def enterprise_create(*, actor: User | None, county_code: str, name: str) -> Enterprise:
    require_allowed(policies.can_configure(actor), actor, "enterprise_create")
    _in_books(actor, county_code=county_code)
    if not name.strip():
        raise DomainError(IndustryErrorCode.NAME_REQUIRED, field="name")
    with transaction.atomic():
        enterprise = Enterprise.objects.create(county_code=county_code, title=name.strip()[:100])
        _audit(AuditEventType.INDUSTRY_RECORD, actor, enterprise, action="enterprise_create")
    return enterprise


def cooperative_create(*, actor: User | None, village_code: str, name: str) -> Cooperative:
    require_allowed(policies.can_configure(actor), actor, "cooperative_create")
    village = _village(village_code)
    _in_books(actor, county_code=village.county_code)
    if not name.strip():
        raise DomainError(IndustryErrorCode.NAME_REQUIRED, field="name")
    with transaction.atomic():
        coop = Cooperative.objects.create(
            title=name.strip()[:100],
            county_code=village.county_code,
            town_code=village.town_code,
            village_code=village.code,
        )
        _audit(AuditEventType.INDUSTRY_RECORD, actor, coop, action="cooperative_create")
    return coop


def point_create(
    *, actor: User | None, cooperative: Cooperative, village_code: str, name: str
) -> PurchasePoint:
    require_allowed(policies.can_configure(actor), actor, "point_create")
    _in_books(actor, county_code=cooperative.county_code)
    village = _village(village_code, cooperative.county_code)
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
        _audit(AuditEventType.INDUSTRY_RECORD, actor, point, action="point_create")
    return point


def membership_add(
    *, actor: User | None, cooperative: Cooperative, household: Household, joined_on: date
) -> Membership:
    """A registry household joins a cooperative (one current cooperative per household)."""
    require_allowed(policies.can_sign_protection(actor), actor, "membership_add")
    _in_books(actor, cooperative_id=cooperative.pk, county_code=cooperative.county_code)
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
        _audit(AuditEventType.INDUSTRY_RECORD, actor, membership, action="membership_add")
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
        raise DomainError(IndustryErrorCode.ALREADY_BOUND, field="user", user=user.username)
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


# ---------------------------------------------------------------- seasons


def season_defaults(county_code: str) -> dict[str, Any]:
    """Values to pre-fill a new season: the county's latest season, else the article's."""
    latest = Season.objects.filter(county_code=county_code).order_by("-year").first()
    if latest is None:
        return dict(SEASON_DEFAULTS)
    return {name: getattr(latest, name) for name in SEASON_DEFAULTS}


@dataclass(frozen=True)
class SeasonInput:
    year: int
    opens_on: date
    closes_on: date
    crop: str = str(SEASON_DEFAULTS["crop"])
    floor_price: Decimal = Decimal(str(SEASON_DEFAULTS["floor_price"]))
    household_deposit_rate: Decimal = Decimal(str(SEASON_DEFAULTS["household_deposit_rate"]))
    coop_deposit_rate: Decimal = Decimal(str(SEASON_DEFAULTS["coop_deposit_rate"]))
    margin_min: Decimal = Decimal(str(SEASON_DEFAULTS["margin_min"]))
    margin_max: Decimal = Decimal(str(SEASON_DEFAULTS["margin_max"]))
    forfeit_threshold: Decimal = Decimal(str(SEASON_DEFAULTS["forfeit_threshold"]))
    forfeit_mode: str = str(SEASON_DEFAULTS["forfeit_mode"])
    approval_threshold: Decimal = Decimal(str(SEASON_DEFAULTS["approval_threshold"]))
    yushui_rule: str = str(SEASON_DEFAULTS["yushui_rule"])
    floor_after_yushui: bool = False


def season_create(*, actor: User | None, county_code: str, data: SeasonInput) -> Season:
    """A season with its 雨水 instant computed (lunar-python, Beijing time)."""
    require_allowed(policies.can_configure(actor), actor, "season_create")
    _in_books(actor, county_code=county_code)
    if data.closes_on < data.opens_on:
        raise DomainError(IndustryErrorCode.SEASON_DATES, field="closes_on")
    if data.margin_max < data.margin_min:
        raise DomainError(IndustryErrorCode.SEASON_BAND, field="margin_max")
    if Season.objects.filter(county_code=county_code, year=data.year, crop=data.crop).exists():
        raise DomainError(
            IndustryErrorCode.SEASON_EXISTS, field="year", year=data.year, crop=data.crop
        )
    with transaction.atomic():
        season = Season.objects.create(
            county_code=county_code,
            yushui_at=domain.yushui_instant(data.year),
            created_by=actor,
            **{k: getattr(data, k) for k in SeasonInput.__dataclass_fields__},
        )
        _audit(
            AuditEventType.CONFIG_CHANGE,
            actor,
            season,
            action="season_create",
            year=data.year,
            floor_price=str(data.floor_price),
        )
    return season


def season_terms(season: Season) -> domain.SeasonTerms:
    return domain.SeasonTerms(
        margin_min=season.margin_min,
        margin_max=season.margin_max,
        forfeit_threshold=season.forfeit_threshold,
        forfeit_mode=season.forfeit_mode,
    )


# ---------------------------------------------------------------- agreements and deposits


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
    _in_books(actor, enterprise_id=enterprise.pk, county_code=season.county_code)
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
        _audit(AuditEventType.INDUSTRY_RECORD, actor, agreement, action="order_agreement_sign")
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
    _in_books(actor, cooperative_id=cooperative.pk, county_code=season.county_code)
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
        _audit(AuditEventType.INDUSTRY_RECORD, actor, agreement, action="protection_sign")
    return agreement


def _deposit_spec(agreement: OrderAgreement | ProtectionAgreement) -> tuple[EntrySpec, AccountSpec]:
    season = agreement.season
    if isinstance(agreement, ProtectionAgreement):
        held = chart.coop_to_household(
            "2201", season.county_code, season.pk, agreement.cooperative_id, agreement.household_id
        )
        key = f"deposit/S{season.pk}/C{agreement.cooperative_id}/H{agreement.household_id}"
        memo = "农户履约保证金 household performance deposit"
    else:
        held = chart.enterprise_to_coop(
            "2202", season.county_code, season.pk, agreement.enterprise_id, agreement.cooperative_id
        )
        key = f"deposit/S{season.pk}/E{agreement.enterprise_id}/C{agreement.cooperative_id}"
        memo = "合作社履约保证金 cooperative performance deposit"
    bank = chart.bank(season.county_code, season.pk)
    amount = agreement.deposit_amount
    spec = EntrySpec(
        natural_key=key,
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
    _in_books(
        actor,
        cooperative_id=agreement.cooperative_id,
        enterprise_id=getattr(agreement, "enterprise_id", None),
        county_code=season.county_code,
    )
    _open(season)
    spec, held = _deposit_spec(agreement)
    accounts_ensure([chart.bank(season.county_code, season.pk), held])
    return entry_submit(
        actor=actor,
        spec=spec,
        approval_threshold=season.approval_threshold,
        county_code=season.county_code,
    )


def deposit_status(agreement: OrderAgreement | ProtectionAgreement) -> str:
    """ "paid", "pending" (awaiting approval) or "" (not paid)."""
    spec, _ = _deposit_spec(agreement)
    if Entry.objects.filter(natural_key=spec.natural_key).exists():
        return "paid"
    if PendingEntry.objects.filter(natural_key=spec.natural_key, status="pending").exists():
        return "pending"
    return ""


# ---------------------------------------------------------------- prices


def day_price_set(
    *,
    actor: User | None,
    season: Season,
    cooperative: Cooperative,
    day: date,
    price: Decimal,
) -> list[PointDayPrice]:
    """Announce the day's price at every active point of the cooperative (同价同步): a price
    that differs from one already set for that day at any of its points is refused."""
    require_allowed(policies.can_set_price(actor), actor, "day_price_set")
    _in_books(actor, cooperative_id=cooperative.pk, county_code=season.county_code)
    if price <= 0:
        raise DomainError(IndustryErrorCode.PRICE_NOT_POSITIVE, field="price")
    if not season.opens_on <= day <= season.closes_on:
        raise DomainError(IndustryErrorCode.DAY_OUTSIDE_SEASON, field="day", day=day.isoformat())
    with transaction.atomic():
        _open(season)
        existing = set(
            PointDayPrice.objects.filter(cooperative=cooperative, day=day).values_list(
                "price", flat=True
            )
        )
        other = existing - {price}
        if other:
            raise DomainError(
                IndustryErrorCode.PRICE_NOT_UNIFORM,
                field="price",
                day=day.isoformat(),
                existing=min(other),
            )
        priced = set(
            PointDayPrice.objects.filter(cooperative=cooperative, day=day).values_list(
                "point_id", flat=True
            )
        )
        rows = [
            PointDayPrice(
                season=season, point=p, cooperative=cooperative, day=day, price=price, set_by=actor
            )
            for p in PurchasePoint.objects.filter(cooperative=cooperative, active=True)
            if p.pk not in priced
        ]
        PointDayPrice.objects.bulk_create(rows)
        if rows:
            _audit(
                AuditEventType.INDUSTRY_RECORD,
                actor,
                cooperative,
                action="day_price_set",
                day=day.isoformat(),
                price=str(price),
                points=len(rows),
            )
    return list(PointDayPrice.objects.filter(cooperative=cooperative, day=day))


# ---------------------------------------------------------------- weighings


@dataclass(frozen=True)
class WeighingOutcome:
    weighing: Weighing
    created: bool  # False: the same weighing was submitted before; this is the original


def _same_weighing(
    w: Weighing, point: PurchasePoint, household: Household, gross: int, deduction: int
) -> bool:
    return (
        w.point_id == point.pk
        and w.household_id == household.pk
        and w.gross_g == gross
        and w.deduction_g == deduction
    )


def weighing_record(
    *,
    actor: User | None,
    season: Season,
    point: PurchasePoint,
    household: Household,
    client_id: uuid.UUID,
    weighed_at: datetime,
    gross_kg: Decimal,
    deduction_kg: Decimal = Decimal("0"),
    grade: str = "1",
    price: Decimal | None = None,
) -> WeighingOutcome:
    """Record one weighing at a point. A repeated `client_id` answers with the original record
    (and refuses a different weighing under the same id). Refuses: a weight that is not above
    zero, a point of another cooperative, a household that is not a member, an instant outside
    the season, no day price, a typed price below the floor before 雨水 or other than the day
    price. Nothing is written when refused."""
    require_allowed(policies.can_weigh(actor), actor, "weighing_record")
    gross, deduction = domain.grams(gross_kg), domain.grams(deduction_kg)
    existing = Weighing.objects.filter(client_id=client_id).first()
    if existing is not None:
        _in_books(actor, cooperative_id=existing.cooperative_id)
        if not _same_weighing(existing, point, household, gross, deduction):
            raise DomainError(
                IndustryErrorCode.WEIGHING_ID_REUSED, field="client_id", client_id=str(client_id)
            )
        return WeighingOutcome(existing, created=False)
    scope = industry_scope(actor) if actor is not None else None
    if scope is not None and scope.cooperative_id != point.cooperative_id:
        raise DomainError(IndustryErrorCode.POINT_OTHER_COOP, field="point", point=point.title)
    if not point.active:
        raise DomainError(IndustryErrorCode.POINT_INACTIVE, field="point", point=point.title)
    if gross <= 0 or deduction < 0 or gross - deduction <= 0:
        raise DomainError(
            IndustryErrorCode.WEIGHT_NOT_POSITIVE,
            field="gross_kg",
            gross=gross_kg,
            deduction=deduction_kg,
        )
    if not domain.in_season(weighed_at, season.opens_on, season.closes_on):
        raise DomainError(
            IndustryErrorCode.OUTSIDE_SEASON,
            field="weighed_at",
            at=weighed_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M"),
            season=str(season),
            opens=season.opens_on.isoformat(),
            closes=season.closes_on.isoformat(),
        )
    if not Membership.objects.filter(
        cooperative_id=point.cooperative_id, household=household, left_on__isnull=True
    ).exists():
        raise DomainError(
            IndustryErrorCode.NOT_MEMBER,
            field="household",
            household=household.household_no,
            cooperative=point.cooperative.title,
        )
    day = weighed_at.astimezone(BEIJING).date()
    day_price = (
        PointDayPrice.objects.filter(point=point, day=day).values_list("price", flat=True).first()
    )
    if day_price is None:
        raise DomainError(
            IndustryErrorCode.NO_DAY_PRICE, field="price", point=point.title, day=day.isoformat()
        )
    under_agreement = ProtectionAgreement.objects.filter(
        season=season, household=household, cooperative_id=point.cooperative_id
    ).exists()
    applies = domain.floor_applies(
        at=weighed_at,
        yushui_at=season.yushui_at,
        rule=season.yushui_rule,
        under_agreement=under_agreement,
        floor_after_yushui=season.floor_after_yushui,
    )
    amounts = domain.weighing_amounts(
        net_g=gross - deduction, day_price=day_price, floor=season.floor_price, applies=applies
    )
    domain.check_offered_price(
        price, expected=amounts.price_paid, floor=season.floor_price, applies=applies
    )
    try:
        with transaction.atomic():
            _open(season)
            weighing = Weighing.objects.create(
                client_id=client_id,
                season=season,
                point=point,
                cooperative_id=point.cooperative_id,
                household=household,
                county_code=household.county_code,
                town_code=household.town_code,
                village_code=household.village_code,
                weighed_at=weighed_at,
                gross_g=gross,
                deduction_g=deduction,
                net_g=gross - deduction,
                grade=grade,
                day_price=day_price,
                floor_applied=amounts.floor_applied,
                price_paid=amounts.price_paid,
                amount_market=amounts.market,
                amount_topup=amounts.topup,
                clerk=actor,
            )
    except IntegrityError:
        # The same weighing submitted twice at once: the first insert is the record.
        original = Weighing.objects.filter(client_id=client_id).first()
        if original is None or not _same_weighing(original, point, household, gross, deduction):
            raise
        return WeighingOutcome(original, created=False)
    return WeighingOutcome(weighing, created=True)


# ---------------------------------------------------------------- deliveries


def delivery_record(
    *,
    actor: User | None,
    agreement: OrderAgreement,
    client_id: uuid.UUID,
    delivered_at: datetime,
    net_kg: Decimal,
    price: Decimal,
    costs: Decimal = ZERO,
    note: str = "",
) -> Delivery:
    """A cooperative's delivery to its enterprise, at the enterprise's price, with the
    cooperative's costs of it. Idempotent on `client_id`."""
    require_allowed(policies.can_deliver(actor), actor, "delivery_record")
    season = agreement.season
    _in_books(
        actor,
        cooperative_id=agreement.cooperative_id,
        enterprise_id=agreement.enterprise_id,
        county_code=season.county_code,
    )
    net = domain.grams(net_kg)
    existing = Delivery.objects.filter(client_id=client_id).first()
    if existing is not None:
        if (existing.agreement_id, existing.net_g, existing.price) != (agreement.pk, net, price):
            raise DomainError(
                IndustryErrorCode.DELIVERY_ID_REUSED, field="client_id", client_id=str(client_id)
            )
        return existing
    if net <= 0:
        raise DomainError(
            IndustryErrorCode.WEIGHT_NOT_POSITIVE, field="net_kg", gross=net_kg, deduction=0
        )
    if price <= 0:
        raise DomainError(IndustryErrorCode.PRICE_NOT_POSITIVE, field="price")
    if costs < 0:
        raise DomainError(IndustryErrorCode.PRICE_NOT_POSITIVE, field="costs")
    if not domain.in_season(delivered_at, season.opens_on, season.closes_on):
        raise DomainError(
            IndustryErrorCode.OUTSIDE_SEASON,
            field="delivered_at",
            at=delivered_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M"),
            season=str(season),
            opens=season.opens_on.isoformat(),
            closes=season.closes_on.isoformat(),
        )
    with transaction.atomic():
        _open(season)
        delivery = Delivery.objects.create(
            client_id=client_id,
            season=season,
            agreement=agreement,
            cooperative_id=agreement.cooperative_id,
            enterprise_id=agreement.enterprise_id,
            delivered_at=delivered_at,
            net_g=net,
            price=price,
            amount=domain.line_amount(price, net),
            costs=costs,
            note=note[:200],
            recorded_by=actor,
        )
        _audit(AuditEventType.INDUSTRY_RECORD, actor, delivery, action="delivery_record")
    return delivery


# ---------------------------------------------------------------- settlement: facts


def _fen(value: Any) -> Decimal:
    return fen_to_yuan(int(value or 0))


def _deposits_held(season: Season, chart_code: str) -> dict[tuple[int, int], Decimal]:
    """(owner id, party id) → what the ledger holds in that deposit account."""
    rows = Account.objects.filter(season_id=season.pk, chart=chart_code).values_list(
        "owner_id", "party_id", "balance"
    )
    return {(o or 0, p or 0): -b for o, p, b in rows if b}


@dataclass
class SeasonFacts:
    households: list[domain.HouseholdFacts]
    cooperatives: list[domain.CooperativeFacts]
    codes: dict[int, tuple[str, str, str]]  # household id → county, town, village
    agreements: dict[int, int]  # household id → protection agreement id
    orders: dict[int, OrderAgreement]  # cooperative id → order agreement


def season_facts(season: Season) -> SeasonFacts:
    """Everything the settlement reads, aggregated in SQL: one GROUP BY over the weighings (a
    million rows in about a second), deliveries per cooperative, agreements and the deposits
    the ledger actually holds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT g.cooperative_id, g.household_id, g.n, g.net, g.market, g.topup,"
            " h.county_code, h.town_code, h.village_code"
            " FROM (SELECT cooperative_id, household_id, COUNT(*) AS n,"
            "  CAST(SUM(net_g) AS BIGINT) AS net, CAST(SUM(amount_market) AS BIGINT) AS market,"
            "  CAST(SUM(amount_topup) AS BIGINT) AS topup"
            "  FROM industry_weighing WHERE season_id = %s"
            "  GROUP BY cooperative_id, household_id) g"
            " JOIN households_household h ON h.id = g.household_id"
            " ORDER BY g.cooperative_id, g.household_id",
            [season.pk],
        )
        bought = cursor.fetchall()
        cursor.execute(
            "SELECT cooperative_id, CAST(SUM(net_g) AS BIGINT), CAST(SUM(amount) AS BIGINT),"
            " CAST(SUM(costs) AS BIGINT) FROM industry_delivery WHERE season_id = %s"
            " GROUP BY cooperative_id",
            [season.pk],
        )
        delivered = {row[0]: row[1:] for row in cursor.fetchall()}
    agreement_rows = ProtectionAgreement.objects.filter(season=season).values_list(
        "pk",
        "household_id",
        "cooperative_id",
        "contracted_g",
        "county_code",
        "town_code",
        "village_code",
    )
    protection = {
        hh: (pk, coop, contracted, (county, town, village))
        for pk, hh, coop, contracted, county, town, village in agreement_rows
    }
    held = _deposits_held(season, "2201")
    codes: dict[int, tuple[str, str, str]] = {}
    facts: list[domain.HouseholdFacts] = []
    seen: set[tuple[int, int]] = set()
    for coop, hh, n, net, market, topup, county, town, village in bought:
        agreement = protection.get(hh)
        contracted = agreement[2] if agreement and agreement[1] == coop else 0
        facts.append(
            domain.HouseholdFacts(
                cooperative_id=coop,
                household_id=hh,
                weighings=n,
                net_g=int(net),
                amount_market=_fen(market),
                amount_topup=_fen(topup),
                contracted_g=contracted,
                deposit_paid=held.get((coop, hh), ZERO) if contracted else ZERO,
            )
        )
        codes[hh] = (county, town, village)
        seen.add((coop, hh))
    # Members under agreement who delivered nothing still settle their deposit.
    for hh, (_pk, coop, contracted, agreement_codes) in sorted(protection.items()):
        if (coop, hh) not in seen:
            facts.append(
                domain.HouseholdFacts(
                    cooperative_id=coop,
                    household_id=hh,
                    weighings=0,
                    net_g=0,
                    amount_market=ZERO,
                    amount_topup=ZERO,
                    contracted_g=contracted,
                    deposit_paid=held.get((coop, hh), ZERO),
                )
            )
            codes[hh] = agreement_codes
    orders = {
        o.cooperative_id: o
        for o in OrderAgreement.objects.filter(season=season).select_related("enterprise")
    }
    coop_held = _deposits_held(season, "2202")
    per_coop: dict[int, list[domain.HouseholdFacts]] = defaultdict(list)
    for f in facts:
        per_coop[f.cooperative_id].append(f)
    coops: list[domain.CooperativeFacts] = []
    for coop in sorted(set(per_coop) | set(delivered) | set(orders)):
        rows = per_coop.get(coop, [])
        d_net, d_amount, d_costs = delivered.get(coop, (0, 0, 0))
        order = orders.get(coop)
        coops.append(
            domain.CooperativeFacts(
                cooperative_id=coop,
                purchased_g=sum(r.net_g for r in rows),
                purchase_cost=sum((r.amount_market + r.amount_topup for r in rows), ZERO),
                topup_total=sum((r.amount_topup for r in rows), ZERO),
                delivered_g=int(d_net or 0),
                revenue=_fen(d_amount),
                costs=_fen(d_costs),
                contracted_g=order.contracted_g if order else 0,
                deposit_paid=(coop_held.get((order.enterprise_id, coop), ZERO) if order else ZERO),
            )
        )
    return SeasonFacts(
        households=facts,
        cooperatives=coops,
        codes=codes,
        agreements={hh: v[0] for hh, v in protection.items()},
        orders=orders,
    )


def settlement_preview(season: Season) -> domain.SeasonStatements:
    """The statements a settlement would write now (the pure domain function over the facts)."""
    facts = season_facts(season)
    return domain.settle_season(facts.households, facts.cooperatives, season_terms(season))


# ---------------------------------------------------------------- settlement: submit, approve


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
    _in_books(actor, county_code=season.county_code)
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
            status="submitted",
        )
        _audit(AuditEventType.SETTLEMENT, actor, run, action="submit", **totals)
    return run


def settlement_approve(*, actor: User | None, run: SettlementRun) -> SettlementRun:
    """The second pair of eyes (B6): district staff other than the submitter."""
    require_allowed(policies.can_configure(actor), actor, "settlement_approve")
    _in_books(actor, county_code=run.season.county_code)
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
        if run.approved_by_id is not None or run.status == "settled":
            raise DomainError(IndustryErrorCode.ALREADY_APPROVED)
        run.approved_by, run.status = actor, "approved"
        run.save(update_fields=["approved_by", "status"])
        _audit(AuditEventType.APPROVAL, actor, run, action="settlement_approve")
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
        done = set(
            IncomeLine.objects.filter(
                year=season.year,
                kind=IncomeKind.BUSINESS,
                source_ref__startswith=f"settle/S{season.pk}/",
            ).values_list("source_ref", flat=True)
        )
        lines = [
            IncomeLine(
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
            if key not in done and (purchases > 0 or forfeit > 0)
        ]
        bulk_insert_with_history(lines, IncomeLine, change_reason="industry settlement")
        SettlementRun.objects.filter(pk=run.pk).update(step=4)
        _checkpoint(run, "income")


def _step_finish(run: SettlementRun) -> None:
    with transaction.atomic():
        SettlementRun.objects.filter(pk=run.pk).update(
            step=5, status="settled", settled_at=timezone.now()
        )
        _audit(AuditEventType.SETTLEMENT, run.submitted_by, run, action="settled")
        _checkpoint(run, "finish")


STEPS = ("statements", "households", "cooperatives", "income", "finish")


def settlement_execute(
    run_id: int, *, batch_size: int = 20_000, progress: Callable[[str], None] | None = None
) -> SettlementRun:
    """Run the settlement's steps. Each is idempotent, so a run killed anywhere is re-run from
    the start and ends equal to one clean run; a settled run posts nothing (M5)."""
    run = SettlementRun.objects.select_related("season", "submitted_by").get(pk=run_id)
    if run.status == "settled":
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


# ---------------------------------------------------------------- dividends


def shareholding_add(
    *,
    actor: User | None,
    cooperative: Cooperative,
    household: Household,
    source: str,
    amount: Decimal,
    since: date,
) -> Shareholding:
    require_allowed(policies.can_configure(actor), actor, "shareholding_add")
    _in_books(actor, county_code=cooperative.county_code)
    if amount <= 0:
        raise DomainError(IndustryErrorCode.PRICE_NOT_POSITIVE, field="amount")
    with transaction.atomic():
        holding = Shareholding.objects.create(
            cooperative=cooperative,
            household=household,
            county_code=household.county_code,
            town_code=household.town_code,
            village_code=household.village_code,
            source=source,
            amount=amount,
            since=since,
        )
        _audit(AuditEventType.INDUSTRY_RECORD, actor, holding, action="shareholding_add")
    return holding


def _approval_threshold(county_code: str) -> Decimal:
    """The county's latest season's threshold; with no season every distribution is approved
    by a second person."""
    season = Season.objects.filter(county_code=county_code).order_by("-year").first()
    return season.approval_threshold if season else ZERO


def dividend_plan(
    *,
    actor: User | None,
    cooperative: Cooperative,
    year: int,
    total: Decimal,
    floor_rate: Decimal = Decimal("0.05"),
) -> DividendDistribution:
    """Split a year's dividend over the cooperative's shareholdings: households classed 临界 by
    the latest published screening get at least `floor_rate` of their shares (涉农资金股权化,
    domain.md §1.3); the rest is pro rata, largest remainder, summing exactly to `total`."""
    require_allowed(policies.can_configure(actor), actor, "dividend_plan")
    _in_books(actor, county_code=cooperative.county_code)
    if DividendDistribution.objects.filter(cooperative=cooperative, year=year).exists():
        raise DomainError(IndustryErrorCode.DIVIDEND_EXISTS, field="year", year=year)
    holdings = list(
        Shareholding.objects.filter(cooperative=cooperative, since__lte=date(year, 12, 31))
        .values("household_id", "county_code", "town_code", "village_code")
        .order_by("household_id")
    )
    shares: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for h in Shareholding.objects.filter(
        cooperative=cooperative, since__lte=date(year, 12, 31)
    ).values_list("household_id", "amount"):
        shares[h[0]] += h[1]
    if not shares:
        raise DomainError(IndustryErrorCode.NO_SHAREHOLDINGS, field="cooperative")
    run_id, marginal = marginal_households(cooperative.county_code)
    households = sorted(shares)
    allocation = domain.dividend_allocation(
        total, [(shares[h], h in marginal) for h in households], floor_rate
    )
    codes = {h["household_id"]: h for h in holdings}
    with transaction.atomic():
        distribution = DividendDistribution.objects.create(
            cooperative=cooperative,
            year=year,
            total=total,
            floor_rate=floor_rate,
            screening_run_id=run_id,
            planned_by=actor,
        )
        DividendLine.objects.bulk_create(
            [
                DividendLine(
                    distribution=distribution,
                    household_id=h,
                    county_code=codes[h]["county_code"],
                    town_code=codes[h]["town_code"],
                    village_code=codes[h]["village_code"],
                    shares=shares[h],
                    amount=amount,
                    marginal=h in marginal,
                    floored=floored,
                )
                for h, amount, floored in zip(
                    households, allocation.parts, allocation.floored, strict=True
                )
            ]
        )
        _audit(
            AuditEventType.INDUSTRY_RECORD,
            actor,
            distribution,
            action="dividend_plan",
            total=str(total),
            households=len(households),
        )
    return distribution


def dividend_approve(*, actor: User | None, distribution: DividendDistribution) -> Entry:
    """Post the distribution (Dr dividend distribution, Cr each household's dividends payable)
    and write each household's 财产性收入 line. Above the threshold the approver must not be
    the planner (B6)."""
    require_allowed(policies.can_configure(actor), actor, "dividend_approve")
    coop = distribution.cooperative
    _in_books(actor, county_code=coop.county_code)
    threshold = _approval_threshold(coop.county_code)
    if (
        distribution.total > threshold
        and actor is not None
        and distribution.planned_by_id == actor.pk
    ):
        raise DomainError(IndustryErrorCode.SELF_APPROVAL)
    key = f"dividend/C{coop.pk}/Y{distribution.year}"
    lines_db = list(distribution.lines.filter(amount__gt=0).order_by("household_id"))
    county = coop.county_code
    accounts = [chart.of_coop("3101", county, None, coop.pk)] + [
        chart.coop_to_household("2301", county, None, coop.pk, line.household_id)
        for line in lines_db
    ]
    with transaction.atomic():
        accounts_ensure(accounts)
        entry = entry_post(
            actor=distribution.planned_by,
            spec=EntrySpec(
                natural_key=key,
                kind="dividend",
                lines=(
                    Line(accounts[0].code, distribution.total),
                    *(
                        Line(spec.code, -line.amount)
                        for spec, line in zip(accounts[1:], lines_db, strict=True)
                    ),
                ),
                memo=f"{distribution.year}年度股金分红 dividends",
            ),
            # The operator at the command line (actor None) is trusted like every command.
            approval_threshold=threshold if actor is not None else None,
            approved_by=actor if distribution.total > threshold else None,
        )
        done = set(
            IncomeLine.objects.filter(source_ref=key, kind=IncomeKind.PROPERTY).values_list(
                "household_id", flat=True
            )
        )
        bulk_insert_with_history(
            [
                IncomeLine(
                    household_id=line.household_id,
                    year=distribution.year,
                    kind=IncomeKind.PROPERTY,
                    amount=line.amount,
                    source=DIVIDEND_SOURCE,
                    source_ref=key,
                )
                for line in lines_db
                if line.household_id not in done
            ],
            IncomeLine,
            change_reason="industry dividend",
        )
        DividendDistribution.objects.filter(pk=distribution.pk).update(
            status="posted", approved_by=actor
        )
        _audit(AuditEventType.APPROVAL, actor, distribution, action="dividend_approve")
    return entry
