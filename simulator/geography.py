"""Real Karnataka geography (districts, blocks, mandis) and what is grown and traded where."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from hasiru.reference import REFERENCE_DIR, rows  # noqa: F401  (REFERENCE_DIR: master data shared with dbt seeds)
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _read(name: str) -> list[dict[str, str]]:
    return [dict(r) for r in rows(name)]  # copies: the cached rows are shared with production readers


@dataclass(frozen=True)
class Geography:
    districts: list[dict]
    blocks: list[dict]  # district, block, block_code, lat, lon, agro_region
    mandis: list[dict]  # mandi_code, mandi_name, lat, lon, district


@lru_cache(maxsize=1)
def geography() -> Geography:
    districts = _read("karnataka_districts.csv")
    by_name = {d["district"]: d for d in districts}
    blocks = []
    for b in _read("karnataka_blocks.csv"):
        d = by_name[b["district"]]
        # Block centres are not in the public data: place them near the district HQ, stably per block.
        h = zlib.crc32(b["block_code"].encode())
        dlat = ((h & 0xFFFF) / 0xFFFF - 0.5) * 0.6
        dlon = (((h >> 16) & 0xFFFF) / 0xFFFF - 0.5) * 0.6
        blocks.append(
            {**b, "lat": float(d["hq_lat"]) + dlat, "lon": float(d["hq_lon"]) + dlon, "agro_region": d["agro_region"]}
        )
    mandis = [{**m, "lat": float(m["lat"]), "lon": float(m["lon"])} for m in _read("karnataka_mandis.csv")]
    return Geography(districts, blocks, mandis)


def rain_normal_mm(district: dict, month: int) -> float:
    return float(district[f"rain_normal_{MONTHS[month - 1]}_mm"])


# Crops by agro-climatic region and season, with weights (Karnataka's main crops; agriculture
# department crop calendars). Perennials (coconut, arecanut, coffee, sugarcane) are "annual" plans.
CROPS_BY_REGION: dict[str, dict[str, dict[str, float]]] = {
    "coastal": {"kharif": {"paddy": 6, "arecanut": 3, "coconut": 3}, "rabi": {"paddy": 2, "green_gram": 1},
                "summer": {"vegetables": 1}},
    "malnad": {"kharif": {"paddy": 4, "coffee": 3, "arecanut": 3, "maize": 2, "ginger": 1},
               "rabi": {"ragi": 1, "vegetables": 1}, "summer": {"vegetables": 1}},
    "north": {"kharif": {"tur": 4, "maize": 3, "jowar": 2, "groundnut": 2, "onion": 2, "cotton": 2, "sugarcane": 1},
              "rabi": {"jowar": 3, "bengal_gram": 3, "wheat": 1, "onion": 1, "sunflower": 1},
              "summer": {"groundnut": 1, "vegetables": 1}},
    "south": {"kharif": {"ragi": 5, "maize": 3, "groundnut": 2, "tomato": 2, "paddy": 2, "sugarcane": 1, "coconut": 1},
              "rabi": {"ragi": 1, "horse_gram": 1, "tomato": 1, "potato": 1}, "summer": {"tomato": 1, "vegetables": 1}},
}

# Commodity -> (Agmarknet commodity name, variety, base modal price Rs/quintal, typical arrivals tonnes/day)
COMMODITIES: dict[str, tuple[str, str, float, float]] = {
    r["commodity"]: (r["agmarknet_commodity"], r["agmarknet_variety"], float(r["base_modal_price_rs_per_qtl"]),
                     float(r["typical_arrivals_tonnes"]))
    for r in _read("commodities.csv")
}
FRUIT_AND_VEG = {r["commodity"] for r in _read("commodities.csv") if r["is_fruit_or_vegetable"] == "true"}
# Bangalore's fruit-and-vegetable market is exported unquoted by Agmarknet ("Binny Mill (F&V), Bangalore").
BANGALORE_FV_MARKET = "Binny Mill (F&V), Bangalore"


def crop_choices(region: str, season: str) -> tuple[list[str], np.ndarray]:
    weights = CROPS_BY_REGION[region][season]
    names = list(weights)
    w = np.array([weights[n] for n in names], dtype=float)
    return names, w / w.sum()
