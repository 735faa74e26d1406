"""Karnataka master data (reference/*.csv, also dbt's seeds), read by production code: districts with
their headquarters' coordinates, elevation and agro-climatic region."""

from __future__ import annotations

import csv
import functools
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "reference"


@functools.lru_cache(maxsize=None)
def rows(name: str) -> tuple[dict[str, str], ...]:
    with (REFERENCE_DIR / name).open(encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


def district_climate() -> dict[str, tuple[float, bool]]:
    """district -> (headquarters elevation in m, coastal?) for ET0 (the block's district stands for the block)."""
    return {r["district"]: (float(r["hq_elevation_m"]), r["agro_region"] == "coastal") for r in rows("karnataka_districts.csv")}
