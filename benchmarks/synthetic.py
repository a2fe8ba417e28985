"""The synthetic district the PostgreSQL benchmarks fill: 20 towns × 20 villages, one group each
(illustrative codes under the county). Shared by `bench_screening.py` and `bench_settlement.py`."""

from __future__ import annotations

from datetime import date


def load_regions(county: str) -> None:
    from zhenxing.regions.services import regions_load_roster

    rows = [(1, county, "涪陵区")]
    for t in range(20):
        town = f"{county}{101 + t:03d}"
        rows.append((len(rows) + 1, town, f"镇{t}"))
        for v in range(20):
            village = f"{town}{201 + v:03d}"
            rows.append((len(rows) + 1, village, f"村{t}-{v}"))
            rows.append((len(rows) + 1, f"{village}001", "一组"))
    regions_load_roster(actor=None, rows=rows, valid_from=date(2016, 12, 31), illustrative=True)
