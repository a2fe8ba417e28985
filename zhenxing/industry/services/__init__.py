"""Writes of the benefit chain: one function per use case, atomic, audited (README.md).

One module per sub-domain; this package re-exports their public names, so callers keep writing
`from zhenxing.industry.services import X`:

- `parties`: `enterprise_create`, `cooperative_create`, `point_create`, `membership_add`,
  `clerk_bind`;
- `seasons`: `SeasonInput`, `season_create`;
- `agreements`: `order_agreement_sign`, `protection_agreement_sign` (records the industry
  assistance measure on the household), `deposit_pay` (a ledger entry; four eyes above the
  season's threshold);
- `purchasing`: `day_price_set` (同价同步), `weighing_record` (idempotent on the client id);
- `deliveries`: `delivery_record`;
- `settlement`: `settlement_submit`, `settlement_approve`, `settlement_start`,
  `settlement_execute` (explicit idempotent steps: statements → household postings in batches →
  cooperative postings → income lines → finish);
- `dividends`: `shareholding_add`, `dividend_plan`, `dividend_approve` (ledger + 财产性收入);
- `base`: what they share (`in_books`, `audit`, `season_ensure_open`, …).

Reads (`season_defaults`, `season_terms`, `deposit_status`, `season_facts`,
`settlement_preview`, …) live in `zhenxing.industry.selectors`. `actor=None` is the operator at
the server's command line (trusted like every other command).
"""

from __future__ import annotations

from zhenxing.industry.services.agreements import (
    deposit_pay,
    order_agreement_sign,
    protection_agreement_sign,
)
from zhenxing.industry.services.deliveries import (
    delivery_record,
)
from zhenxing.industry.services.dividends import (
    DIVIDEND_SOURCE,
    dividend_approve,
    dividend_plan,
    shareholding_add,
)
from zhenxing.industry.services.parties import (
    clerk_bind,
    cooperative_create,
    enterprise_create,
    membership_add,
    point_create,
)
from zhenxing.industry.services.purchasing import (
    WeighingOutcome,
    day_price_set,
    weighing_record,
)
from zhenxing.industry.services.seasons import (
    SeasonInput,
    season_create,
)
from zhenxing.industry.services.settlement import (
    SETTLEMENT_SOURCE,
    STEPS,
    settlement_approve,
    settlement_execute,
    settlement_start,
    settlement_submit,
)

__all__ = [
    "DIVIDEND_SOURCE",
    "SETTLEMENT_SOURCE",
    "STEPS",
    "SeasonInput",
    "WeighingOutcome",
    "clerk_bind",
    "cooperative_create",
    "day_price_set",
    "delivery_record",
    "deposit_pay",
    "dividend_approve",
    "dividend_plan",
    "enterprise_create",
    "membership_add",
    "order_agreement_sign",
    "point_create",
    "protection_agreement_sign",
    "season_create",
    "settlement_approve",
    "settlement_execute",
    "settlement_start",
    "settlement_submit",
    "shareholding_add",
    "weighing_record",
]
