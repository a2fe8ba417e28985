"""The screening link of the dividends.

Holds `marginal_households`: the households the county's latest published screening classes
临界 (they get the dividend floor).
"""

from __future__ import annotations


def marginal_households(county_code: str) -> tuple[int | None, set[int]]:
    """(run id, household ids) classed 临界 by the county's latest published screening."""
    from zhenxing.screening.models import Result, StabilityClass
    from zhenxing.screening.selectors import run_latest_published

    run = run_latest_published(county_code)
    if run is None:
        return None, set()
    ids = set(
        Result.objects.filter(run=run, stability=StabilityClass.MARGINAL).values_list(
            "household_id", flat=True
        )
    )
    return run.pk, ids
