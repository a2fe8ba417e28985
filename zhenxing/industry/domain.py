"""Pure rules of the benefit chain ("两金一链"): no database, no settings. See README.md.

Holds:
- weights: `grams`, `kilograms`, `tonnes` (weights are integer grams everywhere).
- Yushui: `yushui_instant(year)` (lunar-python, Beijing time), `before_yushui`, `in_season`.
- prices: `floor_applies`, `line_amount` (the one named rounding point of a weighing line),
  `weighing_amounts`, `check_offered_price`.
- agreements and deposits: `contracted_grams`, `deposit_for`, `deposit_release` (the
  forfeiture rule).
- settlement: `SeasonTerms`, `HouseholdFacts` → `settle_household`, `CooperativeFacts` →
  `settle_cooperative` (margin guarantee), `settle_season`.
- dividends: `dividend_floor`, `dividend_allocation` (≥ 5 % for marginal households, largest
  remainder for the rest).
- receipts: `receipt_code` (HMAC of the weighing's key fields), `mask_name`.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal

from lunar_python import Lunar

from zhenxing.core.errors import DomainError
from zhenxing.core.money import FEN
from zhenxing.core.timeutil import BEIJING
from zhenxing.industry.errors import IndustryErrorCode
from zhenxing.ledger.domain import FlooredAllocation, allocate_with_floors

GRAMS_PER_KG = 1000
GRAMS_PER_TONNE = 1_000_000
ZERO = Decimal("0.00")


# ---------------------------------------------------------------- weights


def grams(kg: Decimal) -> int:
    """Kilograms as typed (up to three decimals) → integer grams; finer input is refused."""
    value = kg * GRAMS_PER_KG
    if value != value.to_integral_value():
        raise DomainError(IndustryErrorCode.WEIGHT_PRECISION, field="gross_kg", kg=str(kg))
    return int(value)


def kilograms(g: int) -> Decimal:
    return (Decimal(g) / GRAMS_PER_KG).quantize(Decimal("0.001"))


def tonnes(g: int) -> Decimal:
    return (Decimal(g) / GRAMS_PER_TONNE).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- Yushui and the season


@functools.lru_cache(maxsize=256)
def yushui_instant(year: int) -> datetime:
    """The 雨水 instant of `year` in Beijing time (the Sun reaches 330°; lunar-python's port of
    the 寿星 algorithm). The lunar year starting in `year` holds that spring's terms."""
    solar = Lunar.fromYmd(year, 1, 1).getJieQiTable()["雨水"]
    return datetime(
        solar.getYear(),
        solar.getMonth(),
        solar.getDay(),
        solar.getHour(),
        solar.getMinute(),
        solar.getSecond(),
        tzinfo=BEIJING,
    )


def before_yushui(at: datetime, yushui_at: datetime, rule: str = "instant") -> bool:
    """Whether a weighing at `at` is before 雨水. "instant" compares instants (18:44 on the day
    is the boundary); "day_before" counts the whole day of 雨水 as before, "day_after" as after
    (domain.md §6 asks for the switch)."""
    if at.tzinfo is None or yushui_at.tzinfo is None:
        raise ValueError("instants must be timezone-aware")
    if rule == "instant":
        return at < yushui_at
    day, boundary = at.astimezone(BEIJING).date(), yushui_at.astimezone(BEIJING).date()
    if rule == "day_before":
        return day <= boundary
    if rule == "day_after":
        return day < boundary
    raise ValueError(f"unknown Yushui rule {rule!r}")


def season_bounds(opens_on: date, closes_on: date) -> tuple[datetime, datetime]:
    """[start, end) of a season's purchasing in Beijing time: whole days, both ends included."""
    start = datetime(opens_on.year, opens_on.month, opens_on.day, tzinfo=BEIJING)
    end = datetime(closes_on.year, closes_on.month, closes_on.day, tzinfo=BEIJING)
    return start, end + timedelta(days=1)


def in_season(at: datetime, opens_on: date, closes_on: date) -> bool:
    start, end = season_bounds(opens_on, closes_on)
    return start <= at < end


# ---------------------------------------------------------------- prices and amounts


def floor_applies(
    *,
    at: datetime,
    yushui_at: datetime,
    rule: str,
    under_agreement: bool,
    floor_after_yushui: bool,
) -> bool:
    """The floor binds for a household under a protection-price agreement when the weighing is
    before 雨水 (or at any time, if the season says the floor continues after it)."""
    return under_agreement and (floor_after_yushui or before_yushui(at, yushui_at, rule))


def line_amount(price_per_t: Decimal, net_g: int) -> Decimal:
    """Price per tonne × weight, rounded half up to the fen: the named rounding point of every
    amount computed from a weight (a weighing's market part and top-up, a delivery, a
    deposit, a guaranteed margin)."""
    return (price_per_t * net_g / GRAMS_PER_TONNE).quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class WeighingAmounts:
    price_paid: Decimal  # per tonne
    market: Decimal  # day price × net, rounded
    topup: Decimal  # (floor − day price) × net, rounded; 0 when the floor does not bind
    floor_applied: bool

    @property
    def total(self) -> Decimal:
        return self.market + self.topup


def weighing_amounts(
    *, net_g: int, day_price: Decimal, floor: Decimal, applies: bool
) -> WeighingAmounts:
    """What a weighing pays: the day price, and, when the floor applies and the day price is
    below it, a separate floor top-up line so price paid = max(day price, floor)."""
    market = line_amount(day_price, net_g)
    if applies and day_price < floor:
        return WeighingAmounts(floor, market, line_amount(floor - day_price, net_g), True)
    return WeighingAmounts(day_price, market, ZERO, False)


def check_offered_price(
    offered: Decimal | None, *, expected: Decimal, floor: Decimal, applies: bool
) -> None:
    """A price typed by the clerk must be the price the rules give: never below the floor
    before 雨水 for a member under agreement, and otherwise the day price (同价同步)."""
    if offered is None:
        return
    if applies and offered < floor:
        raise DomainError(
            IndustryErrorCode.PRICE_BELOW_FLOOR, field="price", price=offered, floor=floor
        )
    if offered != expected:
        raise DomainError(
            IndustryErrorCode.PRICE_NOT_DAY_PRICE, field="price", price=offered, expected=expected
        )


# ---------------------------------------------------------------- agreements and deposits


def contracted_grams(
    *,
    tonnes_: Decimal | None = None,
    area_mu: Decimal | None = None,
    yield_kg_per_mu: int | None = None,
) -> int:
    """Contracted tonnage, stated or as area × expected yield (60 mu × 3,000 kg = 180 t)."""
    if tonnes_ is not None:
        g = tonnes_ * GRAMS_PER_TONNE
    elif area_mu is not None and yield_kg_per_mu is not None:
        g = area_mu * yield_kg_per_mu * GRAMS_PER_KG
    else:
        raise DomainError(IndustryErrorCode.TONNAGE_REQUIRED, field="tonnes")
    if g <= 0 or g != g.to_integral_value():
        raise DomainError(IndustryErrorCode.TONNAGE_INVALID, field="tonnes")
    return int(g)


def deposit_for(contracted_g: int, rate_per_t: Decimal) -> Decimal:
    """Deposit = contracted tonnes × rate (180 t × 30 = 5,400 yuan)."""
    return line_amount(rate_per_t, contracted_g)


def deposit_release(
    *, held: Decimal, contracted_g: int, delivered_g: int, threshold: Decimal, mode: str
) -> tuple[Decimal, Decimal]:
    """(refund, forfeit) of a deposit at settlement — the forfeiture rule (README):

    delivering at least `threshold` × contracted tonnage is performance: the whole deposit is
    refunded. Below it the party is in breach and, by `mode`, forfeits the shortfall's share of
    the deposit (proportional, rounded half up), the whole deposit (full) or nothing (none).
    """
    if held <= 0 or contracted_g <= 0:
        return held if held > 0 else ZERO, ZERO
    if delivered_g >= threshold * contracted_g:
        return held, ZERO
    if mode == "full":
        return ZERO, held
    if mode == "none":
        return held, ZERO
    shortfall = Decimal(contracted_g - delivered_g) / contracted_g
    forfeit = min(held, (held * shortfall).quantize(FEN, rounding=ROUND_HALF_UP))
    return held - forfeit, forfeit


# ---------------------------------------------------------------- settlement


@dataclass(frozen=True)
class SeasonTerms:
    margin_min: Decimal
    margin_max: Decimal
    forfeit_threshold: Decimal
    forfeit_mode: str


@dataclass(frozen=True)
class HouseholdFacts:
    cooperative_id: int
    household_id: int
    weighings: int
    net_g: int
    amount_market: Decimal
    amount_topup: Decimal
    contracted_g: int = 0  # 0: no protection-price agreement
    deposit_paid: Decimal = ZERO  # what the ledger holds for the household


@dataclass(frozen=True)
class HouseholdResult:
    facts: HouseholdFacts
    purchases: Decimal
    deposit_refund: Decimal
    deposit_forfeit: Decimal

    @property
    def payable(self) -> Decimal:
        return self.purchases + self.deposit_refund


def settle_household(facts: HouseholdFacts, terms: SeasonTerms) -> HouseholdResult:
    refund, forfeit = deposit_release(
        held=facts.deposit_paid,
        contracted_g=facts.contracted_g,
        delivered_g=facts.net_g,
        threshold=terms.forfeit_threshold,
        mode=terms.forfeit_mode,
    )
    return HouseholdResult(facts, facts.amount_market + facts.amount_topup, refund, forfeit)


@dataclass(frozen=True)
class CooperativeFacts:
    cooperative_id: int
    purchased_g: int
    purchase_cost: Decimal  # what it paid its households: day prices + floor top-ups
    topup_total: Decimal
    delivered_g: int = 0
    revenue: Decimal = ZERO  # what the enterprise pays for the deliveries
    costs: Decimal = ZERO  # the cooperative's own costs (transport, labour, fees)
    contracted_g: int = 0  # 0: no order agreement
    deposit_paid: Decimal = ZERO


@dataclass(frozen=True)
class CooperativeResult:
    facts: CooperativeFacts
    margin: Decimal
    margin_per_t: Decimal
    guaranteed: Decimal
    margin_topup: Decimal
    margin_state: str  # below / within / above / none
    deposit_refund: Decimal
    deposit_forfeit: Decimal

    @property
    def payable(self) -> Decimal:
        """What the enterprise owes the cooperative at settlement."""
        return self.facts.revenue + self.margin_topup + self.deposit_refund


def settle_cooperative(facts: CooperativeFacts, terms: SeasonTerms) -> CooperativeResult:
    """The guaranteed margin (150–200 yuan/t, domain.md §1.2): margin = revenue − purchase cost
    − costs over the tonnes delivered. Below `margin_min` per tonne the enterprise owes the
    difference (margin top-up); above `margin_max` the cooperative is flagged for review."""
    margin = facts.revenue - facts.purchase_cost - facts.costs
    refund, forfeit = deposit_release(
        held=facts.deposit_paid,
        contracted_g=facts.contracted_g,
        delivered_g=facts.delivered_g,
        threshold=terms.forfeit_threshold,
        mode=terms.forfeit_mode,
    )
    if facts.delivered_g <= 0:
        return CooperativeResult(facts, margin, ZERO, ZERO, ZERO, "none", refund, forfeit)
    per_t = (margin * GRAMS_PER_TONNE / facts.delivered_g).quantize(FEN, rounding=ROUND_HALF_UP)
    guaranteed = line_amount(terms.margin_min, facts.delivered_g)
    if margin < guaranteed:
        state, topup = "below", guaranteed - margin
    elif margin * GRAMS_PER_TONNE > terms.margin_max * facts.delivered_g:
        state, topup = "above", ZERO
    else:
        state, topup = "within", ZERO
    return CooperativeResult(facts, margin, per_t, guaranteed, topup, state, refund, forfeit)


@dataclass(frozen=True)
class SeasonStatements:
    households: list[HouseholdResult]
    cooperatives: list[CooperativeResult]

    @property
    def largest(self) -> Decimal:
        """The largest single amount the settlement would post (four eyes, B6)."""
        amounts = [h.purchases for h in self.households] + [
            h.facts.deposit_paid for h in self.households
        ]
        amounts += [c.facts.revenue + c.margin_topup for c in self.cooperatives]
        amounts += [c.facts.deposit_paid for c in self.cooperatives]
        return max(amounts, default=ZERO)


def settle_season(
    households: Sequence[HouseholdFacts],
    cooperatives: Sequence[CooperativeFacts],
    terms: SeasonTerms,
) -> SeasonStatements:
    """A season's facts → one statement per household and per cooperative."""
    return SeasonStatements(
        [settle_household(h, terms) for h in households],
        [settle_cooperative(c, terms) for c in cooperatives],
    )


# ---------------------------------------------------------------- dividends


def dividend_floor(shares: Decimal, rate: Decimal) -> Decimal:
    """At least `rate` of the shareholding, rounded up to the fen: "at least 5 %" must never
    round below 5 % (the one place money rounds up rather than half up)."""
    return (shares * rate).quantize(FEN, rounding=ROUND_UP)


def dividend_allocation(
    total: Decimal, holdings: Sequence[tuple[Decimal, bool]], floor_rate: Decimal
) -> FlooredAllocation:
    """Split a distribution over (shares, marginal) holdings: a marginal household gets at least
    `floor_rate` of its shares; the rest is pro rata by shares, largest remainder, exact sum."""
    floors = [dividend_floor(s, floor_rate) if marginal else ZERO for s, marginal in holdings]
    if sum(floors) > total:
        raise DomainError(
            IndustryErrorCode.DIVIDEND_BELOW_FLOORS,
            field="total",
            total=total,
            needed=sum(floors),
        )
    return allocate_with_floors(total, [s for s, _ in holdings], floors)


# ---------------------------------------------------------------- receipts


def receipt_code(key: bytes, fields: Sequence[str]) -> str:
    """A short verification code for a receipt: HMAC-SHA256 of the weighing's key fields,
    10 base32 characters in two groups (50 bits: unguessable for a forger without the key)."""
    digest = hmac.new(key, "|".join(fields).encode(), hashlib.sha256).digest()
    code = base64.b32encode(digest).decode()[:10]
    return f"{code[:5]}-{code[5:]}"


def mask_name(name: str) -> str:
    """卢家庆 → 卢**: the family name only, for the public receipt check."""
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""
