"""Fertilizer guidance from a farm's latest Soil Health Card, with organic inputs (the platform's farms
are organic or converting).

Ratings follow the Soil Health Card methods manual (Department of Agriculture & Cooperation, "Methods
Manual: Soil Testing in India", 2011): organic carbon low < 0.5 %, medium to 0.75 %; available N low
< 280 kg/ha; P low < 10 kg/ha; K low < 108 kg/ha; critical limits S 10, Zn 0.6, Fe 4.5, Cu 0.2,
Mn 2.0, B 0.5 ppm; pH strongly acidic < 5.5, sodic > 8.5; EC above 4 dS/m harms most crops.
Doses are typical extension recommendations per acre, to be confirmed by the FPO's agronomist.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd

MODEL_VERSION = "fertilizer-shc-rules-v1"
# (reason code, test on the card, severity, action)
RULES = (
    ("SOIL_SALINE", lambda c: c["ec_ds_per_m"] > 4, "high", "leach with good water where drainage allows; grow salt-tolerant crops"),
    ("SOIL_STRONGLY_ACIDIC", lambda c: c["ph"] < 5.5, "high", "agricultural lime or dolomite, 500 kg/acre, a month before sowing"),
    ("SOIL_SODIC", lambda c: c["ph"] > 8.5, "high", "gypsum, 1 t/acre, with organic matter"),
    ("LOW_ORGANIC_CARBON", lambda c: c["organic_carbon_pct"] < 0.5, "medium",
     "farmyard manure or compost, 2 t/acre; green manure before the next season"),
    ("LOW_NITROGEN", lambda c: c["nitrogen_kg_per_ha"] < 280, "medium", "vermicompost, 1 t/acre, and Azospirillum, 2 kg/acre"),
    ("LOW_PHOSPHORUS", lambda c: c["phosphorus_kg_per_ha"] < 10, "medium",
     "rock phosphate, 100 kg/acre, with phosphate solubilising bacteria, 2 kg/acre"),
    ("LOW_POTASSIUM", lambda c: c["potassium_kg_per_ha"] < 108, "medium", "wood ash, 200 kg/acre, or potash mobilising bacteria, 2 kg/acre"),
    ("SULPHUR_DEFICIENT", lambda c: c["sulphur_ppm"] < 10, "low", "gypsum, 100 kg/acre"),
    ("ZINC_DEFICIENT", lambda c: c["zinc_ppm"] < 0.6, "low", "zinc sulphate, 10 kg/acre (permitted for a tested deficiency)"),
    ("IRON_DEFICIENT", lambda c: c["iron_ppm"] < 4.5, "low", "ferrous sulphate foliar spray, 0.5 %"),
    ("BORON_DEFICIENT", lambda c: c["boron_ppm"] < 0.5, "low", "borax, 4 kg/acre"),
)
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def advise(cards: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """One row per farm with a card and at least one finding: the most severe finding as the reason,
    every finding and action in the inputs."""
    cards = cards.sort_values("sample_date").drop_duplicates("farm_id", keep="last").reset_index(drop=True)
    hits = {code: rule(cards).fillna(False).to_numpy() for code, rule, _, _ in RULES}
    rows = []
    for i, card in cards.iterrows():
        found = [(code, sev, action) for code, _, sev, action in RULES if hits[code][i]]
        if not found:
            continue
        found.sort(key=lambda f: SEVERITY_ORDER[f[1]])
        rows.append({"farm_id": card["farm_id"], "advisory_date": day, "advisory_type": "fertilizer", "severity": found[0][1],
                     "reason_code": found[0][0], "amount_mm": np.nan, "amount_litres_per_acre": np.nan,
                     "inputs": json.dumps({"card_id": card["card_id"], "sample_date": str(card["sample_date"]),
                                           "findings": [f[0] for f in found], "actions": [f[2] for f in found],
                                           "ph": card["ph"], "organic_carbon_pct": card["organic_carbon_pct"],
                                           "nitrogen_kg_per_ha": card["nitrogen_kg_per_ha"]}),
                     "model_version": MODEL_VERSION})
    return pd.DataFrame(rows)
