"""Crop suitability for the coming season: what farms like this one grow (a LightGBM multiclass model
over the app's crop plans: district region, soil type, irrigation, Soil Health Card pH and organic
carbon, season), kept only where agronomy allows (the crop's pH range; its water need against the
district's rainfall normal for the season, unless the farm is irrigated).

Crop pH ranges and seasonal water needs are typical values from FAO's crop water information
(FAO Land & Water, "Crop Water Information") and ICAR-IIWM / UAS Bangalore package of practices.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd

from hasiru.reference import MONTHS, SEASON_MONTHS, geography, season_of

MODEL_VERSION = "crop-suitability-lgbm-v1"
# crop: (pH min, pH max, water need over the season, mm)
AGRONOMY: dict[str, tuple[float, float, float]] = {
    "paddy": (5.0, 7.5, 1200), "ragi": (4.5, 8.0, 350), "maize": (5.5, 7.5, 550), "jowar": (5.5, 8.5, 450),
    "tur": (5.0, 8.0, 500), "bengal_gram": (6.0, 8.5, 350), "green_gram": (6.0, 7.5, 350), "horse_gram": (5.0, 8.0, 300),
    "groundnut": (6.0, 7.5, 500), "sunflower": (6.0, 8.0, 450), "cotton": (5.8, 8.5, 700), "sugarcane": (6.0, 8.0, 1800),
    "onion": (6.0, 7.5, 450), "tomato": (6.0, 7.5, 500), "potato": (5.0, 6.5, 500), "vegetables": (6.0, 7.5, 450),
    "ginger": (5.5, 6.5, 1300), "wheat": (6.0, 7.5, 450), "coconut": (5.2, 8.0, 1500), "arecanut": (5.0, 7.0, 2000),
    "coffee": (5.0, 6.5, 1600),
}
REGIONS = ("coastal", "malnad", "north", "south")
SOILS = ("black_cotton", "alluvial", "laterite", "red_loam", "red_sandy")
REASONS = ("TOP_CROPS_FOR_SEASON", "NO_SUITABLE_CROP")
FEATURES = ["region", "soil", "irrigated", "ph", "organic_carbon_pct", "season"]


def next_season(day: dt.date) -> str:
    return {"kharif": "rabi", "rabi": "summer", "summer": "kharif"}[season_of(day)]


def seasonal_rain_mm(district: str, season: str) -> float:
    d = {x["district"]: x for x in geography().districts}[district]
    return sum(float(d[f"rain_normal_{MONTHS[m - 1]}_mm"]) for m in SEASON_MONTHS[season])


def _features(farms: pd.DataFrame, season: pd.Series) -> pd.DataFrame:
    region_of = {d["district"]: d["agro_region"] for d in geography().districts}
    return pd.DataFrame({
        "region": farms["district"].map(region_of).map({r: i for i, r in enumerate(REGIONS)}).astype(float),
        "soil": farms["soil_type"].map({s: i for i, s in enumerate(SOILS)}).astype(float),
        "irrigated": (farms["irrigation"] != "rainfed").astype(float),
        "ph": farms["ph"].astype(float), "organic_carbon_pct": farms["organic_carbon_pct"].astype(float),
        "season": season.map({s: i for i, s in enumerate(SEASON_MONTHS)}).astype(float),
    })


def train(farms: pd.DataFrame, plans: pd.DataFrame, seed: int = 0):
    """farms: farm_id, district, soil_type, irrigation, ph, organic_carbon_pct; plans: farm_id, season, crop."""
    import lightgbm as lgb

    crops = sorted(AGRONOMY)
    data = plans[plans["crop"].isin(crops)].merge(farms, on="farm_id")
    x = _features(data, data["season"])
    y = data["crop"].map({c: i for i, c in enumerate(crops)})
    params = {"objective": "multiclass", "num_class": len(crops), "learning_rate": 0.1, "num_leaves": 15,
              "min_data_in_leaf": 20, "seed": seed, "deterministic": True, "verbose": -1, "num_threads": 0}
    booster = lgb.train(params, lgb.Dataset(x, y, categorical_feature=["region", "soil", "season"]), num_boost_round=60)
    return {"booster": booster, "crops": crops, "training_rows": len(data)}


def advise(model: dict, farms: pd.DataFrame, day: dt.date, top: int = 3) -> pd.DataFrame:
    season = next_season(day)
    probs = model["booster"].predict(_features(farms, pd.Series(season, index=farms.index)))
    crops = model["crops"]
    rain = {d: seasonal_rain_mm(d, season) for d in farms["district"].unique()}
    rows = []
    for i, farm in enumerate(farms.itertuples(index=False)):
        ranked, excluded = [], {}
        for j in np.argsort(-probs[i]):
            crop = crops[j]
            ph_min, ph_max, need = AGRONOMY[crop]
            if farm.ph == farm.ph and not (ph_min <= farm.ph <= ph_max):
                excluded[crop] = f"pH {farm.ph} outside {ph_min}-{ph_max}"
            elif farm.irrigation == "rainfed" and rain[farm.district] < 0.6 * need:
                excluded[crop] = f"needs {need:.0f} mm, {season} rain normal {rain[farm.district]:.0f} mm and the farm is rainfed"
            else:
                ranked.append({"crop": crop, "score": round(float(probs[i][j]), 3)})
            if len(ranked) == top:
                break
        rows.append({"farm_id": farm.farm_id, "advisory_date": day, "advisory_type": "crop_suitability", "severity": "info",
                     "reason_code": REASONS[0] if ranked else REASONS[1],
                     "amount_mm": np.nan, "amount_litres_per_acre": np.nan,
                     "inputs": json.dumps({"season": season, "top_crops": ranked, "excluded": dict(list(excluded.items())[:5]),
                                           "ph": None if farm.ph != farm.ph else farm.ph,
                                           "season_rain_normal_mm": round(rain[farm.district]), "irrigation": farm.irrigation}),
                     "model_version": MODEL_VERSION})
    return pd.DataFrame(rows)
