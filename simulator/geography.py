"""Real Karnataka geography (districts, blocks, mandis) and what is grown and traded where."""

from __future__ import annotations

import numpy as np

from hasiru.reference import MONTHS, REFERENCE_DIR, Geography, geography, rows  # noqa: F401  (master data: production's)


def _read(name: str) -> list[dict[str, str]]:
    return [dict(r) for r in rows(name)]  # copies: the cached rows are shared with production readers


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
