"""Karnataka master data (reference/*.csv, also dbt's seeds), read by production code and by the
simulator (never the other way round): districts with their headquarters' coordinates, elevation and
agro-climatic region; blocks; mandis; commodities; the agricultural calendar."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import zlib
from dataclasses import dataclass
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "reference"
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Karnataka's agricultural seasons (the agriculture department's crop calendars)
SEASON_MONTHS = {"kharif": (6, 7, 8, 9, 10), "rabi": (11, 12, 1, 2), "summer": (3, 4, 5)}


def season_of(day: dt.date) -> str:
    return next(s for s, months in SEASON_MONTHS.items() if day.month in months)


@functools.lru_cache(maxsize=None)
def rows(name: str) -> tuple[dict[str, str], ...]:
    with (REFERENCE_DIR / name).open(encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


def district_climate() -> dict[str, tuple[float, bool]]:
    """district -> (headquarters elevation in m, coastal?) for ET0 (the block's district stands for the block)."""
    return {r["district"]: (float(r["hq_elevation_m"]), r["agro_region"] == "coastal") for r in rows("karnataka_districts.csv")}


@dataclass(frozen=True)
class Geography:
    districts: list[dict]
    blocks: list[dict]  # district, block, block_code, lat, lon, agro_region
    mandis: list[dict]  # mandi_code, mandi_name, lat, lon, district


@functools.lru_cache(maxsize=1)
def geography() -> Geography:
    """Districts, blocks and mandis. Block centres are not in the public data: each block is placed near its
    district's headquarters, stably per block (within 0.3 degrees), until real block centroids are loaded."""
    districts = [dict(r) for r in rows("karnataka_districts.csv")]
    by_name = {d["district"]: d for d in districts}
    blocks = []
    for b in rows("karnataka_blocks.csv"):
        d = by_name[b["district"]]
        h = zlib.crc32(b["block_code"].encode())
        dlat = ((h & 0xFFFF) / 0xFFFF - 0.5) * 0.6
        dlon = (((h >> 16) & 0xFFFF) / 0xFFFF - 0.5) * 0.6
        blocks.append({**b, "lat": float(d["hq_lat"]) + dlat, "lon": float(d["hq_lon"]) + dlon, "agro_region": d["agro_region"]})
    mandis = [{**m, "lat": float(m["lat"]), "lon": float(m["lon"])} for m in rows("karnataka_mandis.csv")]
    return Geography(districts, blocks, mandis)


def commodities() -> list[str]:
    """The commodities the platform tracks (reference/commodities.csv)."""
    return sorted(r["commodity"] for r in rows("commodities.csv"))
