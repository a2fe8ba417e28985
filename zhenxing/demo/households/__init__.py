"""The demo district's households: a Fuling-like registry of ~300,000 households and ~930,000
people (the rural population implied by 60,600 exited people at 6.5 % incidence, domain.md §1.1
and §5), of which ~17,000 are exited households (脱贫户).

Modules:
- `plan`: `plan_district(region_rows, seed, scale)`: how many households and exited households
  each village gets, which villages are poor villages (63 at full scale) or water-scarce.
- `people`: names and the distributions the generator draws from; the named households.
- `generate`: `generate_households(region_rows, seed, scale, first_id)`: the pure generator.
  It yields one `TownBatch` per township unit (so memory stays bounded) with plaintext rows:
  same seed and scale, same rows.
- `load`: `demo_households_load(...)`: generates and seals the towns (in forked workers while
  this process inserts) and hands the rows to the registry's set-based bulk loader,
  `households.bulk` (architecture.md §5: no per-row saves; every registry row is written by
  the households app).
- `pairings`: `demo_pairings_ensure(...)`: a few current pairings for the demo cadre in 石牛村.

The shapes (sizes, ages, illness, disability, schooling, housing, water, income) are chosen so
that a screening against the 8,000-yuan monitoring range (domain.md §3.3) finds mostly stable
households, some to consolidate and a small marginal share concentrated among exited households.
Every value here is synthetic.
"""

from zhenxing.demo.households.generate import _IdAllocator, generate_households
from zhenxing.demo.households.load import (
    LoadReport,
    default_workers,
    demo_households_exist,
    demo_households_load,
)
from zhenxing.demo.households.pairings import demo_pairings_ensure
from zhenxing.demo.households.people import NAMED_HOUSEHOLDS, NamedHousehold, NamedMember
from zhenxing.demo.households.plan import (
    AS_OF,
    COUNTY_CODE,
    INCOME_YEAR,
    HouseholdRow,
    MemberRow,
    TownBatch,
    plan_district,
)

__all__ = [
    "AS_OF",
    "COUNTY_CODE",
    "INCOME_YEAR",
    "NAMED_HOUSEHOLDS",
    "HouseholdRow",
    "LoadReport",
    "MemberRow",
    "NamedHousehold",
    "NamedMember",
    "TownBatch",
    "_IdAllocator",
    "default_workers",
    "demo_households_exist",
    "demo_households_load",
    "demo_pairings_ensure",
    "generate_households",
    "plan_district",
]
