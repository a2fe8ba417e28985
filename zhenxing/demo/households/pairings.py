"""A few current pairings for the demo cadre in 石牛村, made through the registry's bulk
loader."""

from __future__ import annotations

from collections.abc import Sequence

from zhenxing.accounts.models import User, username_key
from zhenxing.demo.households.people import (
    NAMED_HOUSEHOLDS,
)
from zhenxing.demo.households.plan import (
    CADRE_PAIRINGS,
    CADRE_USERNAME,
    CADRE_VILLAGE,
    CHANGE_REASON,
    PAIRING_SINCE,
)
from zhenxing.households.bulk import cadre_pairings_create
from zhenxing.households.choices import Category
from zhenxing.households.models import (
    CadrePairing,
    Household,
)


def demo_pairings_ensure(*, region_rows: Sequence[tuple[str, str]]) -> int:
    """Give the demo cadre a few current pairings in 石牛村 (exited households first)."""
    cadre = User.objects.filter(username_key=username_key(CADRE_USERNAME), is_demo=True).first()
    if cadre is None:
        return 0
    existing = CadrePairing.objects.filter(cadre=cadre, until__isnull=True).count()
    if existing:
        return existing
    town_name, village_name = CADRE_VILLAGE
    names = dict(region_rows)
    village = next(
        (c for c, n in region_rows if len(c) == 12 and n == village_name
         and names.get(c[:9]) == town_name),
        None,
    )  # fmt: skip
    if village is None:
        return 0
    # 邓明福's household (the article's visit) first, then exited households by number
    candidates = Household.objects.filter(village_code=village, pairings__isnull=True)
    households = list(
        candidates.filter(head_name=NAMED_HOUSEHOLDS[0].members[0].name).values_list(
            "pk", flat=True
        )[:1]
    )
    households += (
        candidates.exclude(pk__in=households)
        .filter(category=Category.EXITED)
        .order_by("household_no")
        .values_list("pk", flat=True)[: CADRE_PAIRINGS - len(households)]
    )
    return cadre_pairings_create(
        cadre=cadre, household_ids=households, since=PAIRING_SINCE, change_reason=CHANGE_REASON
    )
