"""Every read of the benefit chain, through the actor's industry scope (security.md B1, B4).

One module per sub-domain; this package re-exports their public names, so callers write
`from zhenxing.industry import selectors` / `selectors.<name>`:

- `scope`: `IndustryScope`, `industry_scope`, `books_of`, the `*_visible` querysets and the
  `*_get` lookups (a lookup outside the scope raises `NotInScope` → 404, audited);
- `purchasing`: the purchase entry page's member search, recent weighings, day price and open
  season; receipts and their public check;
- `seasons`: `season_defaults`, `season_terms`, `season_approval_threshold`, `deposit_key`,
  `deposit_status`;
- `settlement`: `SeasonFacts`, `season_facts`, `settlement_preview`;
- `dividends`: `marginal_households` (the screening link).
"""

from __future__ import annotations

from zhenxing.industry.selectors.dividends import (
    marginal_households,
)
from zhenxing.industry.selectors.purchasing import (
    MemberHit,
    PublicReceipt,
    day_price,
    member_search,
    open_season,
    receipt_code_of,
    receipt_fields,
    receipt_verify,
    recent_weighings,
)
from zhenxing.industry.selectors.scope import (
    IndustryScope,
    books_of,
    clerks_list,
    cooperative_get,
    cooperative_statements_visible,
    cooperatives_visible,
    day_prices_visible,
    deliveries_visible,
    distribution_get,
    distributions_visible,
    dividend_lines_visible,
    enterprise_get,
    enterprises_visible,
    household_by_number,
    household_statement_get,
    household_statements_visible,
    industry_scope,
    member_household_get,
    memberships_visible,
    order_agreement_get,
    order_agreements_visible,
    point_get,
    points_visible,
    protection_agreement_get,
    protection_agreements_visible,
    season_get,
    seasons_visible,
    shareholdings_visible,
    weighing_get,
    weighings_visible,
)
from zhenxing.industry.selectors.seasons import (
    deposit_key,
    deposit_status,
    season_approval_threshold,
    season_defaults,
    season_terms,
)
from zhenxing.industry.selectors.settlement import (
    SeasonFacts,
    season_facts,
    settlement_preview,
)

__all__ = [
    "IndustryScope",
    "MemberHit",
    "PublicReceipt",
    "SeasonFacts",
    "books_of",
    "clerks_list",
    "cooperative_get",
    "cooperative_statements_visible",
    "cooperatives_visible",
    "day_price",
    "day_prices_visible",
    "deliveries_visible",
    "deposit_key",
    "deposit_status",
    "distribution_get",
    "distributions_visible",
    "dividend_lines_visible",
    "enterprise_get",
    "enterprises_visible",
    "household_by_number",
    "household_statement_get",
    "household_statements_visible",
    "industry_scope",
    "marginal_households",
    "member_household_get",
    "member_search",
    "memberships_visible",
    "open_season",
    "order_agreement_get",
    "order_agreements_visible",
    "point_get",
    "points_visible",
    "protection_agreement_get",
    "protection_agreements_visible",
    "receipt_code_of",
    "receipt_fields",
    "receipt_verify",
    "recent_weighings",
    "season_approval_threshold",
    "season_defaults",
    "season_facts",
    "season_get",
    "season_terms",
    "seasons_visible",
    "settlement_preview",
    "shareholdings_visible",
    "weighing_get",
    "weighings_visible",
]
