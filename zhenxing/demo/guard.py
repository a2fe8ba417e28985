"""R3: `zhenxing demo` runs only on a database that holds nothing but what it built itself.

An account is the demo's when it carries `is_demo`; a household when its id lies in the range a
recorded `DemoBuild` created. Anything else means a real database: the demo refuses, unless the
operator says `--i-know-this-is-not-production`. Under production settings it always refuses.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Max, Min, Q

from zhenxing.accounts.models import User
from zhenxing.demo.models import DemoBuild
from zhenxing.households.models import Household


def foreign_data() -> dict[str, int]:
    """How many accounts and households the demo did not create (zeros are left out)."""
    demo_households = Q(pk__in=[])
    for first, last in DemoBuild.objects.exclude(first_household_id=None).values_list(
        "first_household_id", "last_household_id"
    ):
        demo_households |= Q(pk__range=(first, last))
    found = {
        "accounts": User.objects.filter(is_demo=False).count(),
        "households": Household.objects.exclude(demo_households).count(),
    }
    return {kind: n for kind, n in found.items() if n}


def refusal(*, forced: bool) -> str | None:
    """Why the demo must not run here, or None."""
    if settings.ZHENXING_PRODUCTION:
        return (
            "生产环境设置（ZHENXING_PRODUCTION / ZHENXING_SECURE）下不能构建演示数据，演示账户也"
            "无法登录 / refused under production settings (ZHENXING_PRODUCTION or"
            " ZHENXING_SECURE): demo accounts cannot sign in there"
        )
    found = foreign_data()
    if found and not forced:
        counts_zh = "、".join(
            f"{n} 个{'账户' if kind == 'accounts' else '农户'}" for kind, n in found.items()
        )
        counts_en = ", ".join(f"{n} {kind}" for kind, n in found.items())
        return (
            f"数据库中有不是演示构建的数据（{counts_zh}），可能是生产数据库，已拒绝。确认不是生产"
            f"数据库时加 --i-know-this-is-not-production / this database holds data the demo"
            f" did not create ({counts_en}); it may be a production database. Refused; add"
            " --i-know-this-is-not-production if it is not"
        )
    return None


def last_household_id() -> int:
    return Household.objects.aggregate(top=Max("pk"))["top"] or 0


def record_build(*, seed: int, scale: float, after_id: int) -> DemoBuild:
    """Record the households created since `after_id` as this build's."""
    created = Household.objects.filter(pk__gt=after_id).aggregate(
        first=Min("pk"), last=Max("pk"), n=Count("pk")
    )
    return DemoBuild.objects.create(
        seed=seed,
        scale=scale,
        first_household_id=created["first"],
        last_household_id=created["last"],
        households=created["n"],
    )
