"""Weather-driven pest and disease risk for the main threats to Karnataka's crops.

A block's risk for a threat is the number of favourable days among the last 3 observed and the next 3
forecast days (daily weather: minimum and maximum temperature, afternoon humidity, rain). Medium from
2 favourable days, high from 4. Only medium and high risks become advisories. The conditions follow
the published descriptions cited with each rule; with daily data they are approximations of the
hourly criteria (leaf wetness, hours of high humidity) the sources use.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from collections.abc import Callable

import numpy as np
import pandas as pd

MODEL_VERSION = "pest-weather-rules-v1"
DAYS_BEFORE, DAYS_AFTER = 3, 3


@dataclass(frozen=True)
class Threat:
    name: str
    crops: tuple[str, ...]
    reason_code: str
    favourable: Callable[[pd.DataFrame], pd.Series]  # per block-day weather -> bool
    conditions: str


THREATS = (
    # Rice blast (Magnaporthe oryzae): night temperatures of about 20-24 C with humidity above 90 % and
    # wet leaves. TNAU Agritech Portal, "Rice: blast" (favourable conditions); IRRI Rice Knowledge Bank, "Blast".
    Threat("rice_blast", ("paddy",), "BLAST_WEATHER",
           lambda w: w["temp_min_c"].between(18, 24) & (w["humidity_pct"] >= 85) & ((w["rain_mm"] >= 2.5) | (w["humidity_pct"] >= 90)),
           "min temperature 18-24 C, humidity >= 85 %, and rain >= 2.5 mm or humidity >= 90 %"),
    # Late blight (Phytophthora infestans) of tomato and potato: cool, humid, wet spells; the Hutton criteria
    # ask for two days with minimum >= 10 C and 6 h of humidity >= 90 %. AHDB (UK), "Hutton Criteria" (2017);
    # TNAU Agritech Portal, "Tomato: late blight".
    Threat("late_blight", ("tomato", "potato"), "LATE_BLIGHT_WEATHER",
           lambda w: (w["temp_min_c"] >= 10) & (w["temp_max_c"] <= 27) & (w["humidity_pct"] >= 85),
           "min temperature >= 10 C, max <= 27 C, humidity >= 85 %"),
    # Fall armyworm (Spodoptera frugiperda) on maize: fastest development and egg laying at 25-30 C; damage
    # rises in dry spells. ICAR-NBAIR, "Pest Alert: Spodoptera frugiperda" (2018); FAO, "FAW guide" (2018).
    Threat("fall_armyworm", ("maize", "jowar"), "FAW_WEATHER",
           lambda w: ((w["temp_min_c"] + w["temp_max_c"]) / 2).between(25, 30) & (w["rain_mm"] < 2.5),
           "mean temperature 25-30 C on a dry day (rain < 2.5 mm)"),
    # Early and late leaf spot (tikka) of groundnut (Cercospora, Phaeoisariopsis): humidity above 80 % with
    # temperatures of 25-30 C for several days. TNAU Agritech Portal, "Groundnut: leaf spot".
    Threat("leaf_spot", ("groundnut",), "LEAF_SPOT_WEATHER",
           lambda w: ((w["temp_min_c"] + w["temp_max_c"]) / 2).between(24, 31) & (w["humidity_pct"] >= 80),
           "mean temperature 24-31 C, humidity >= 80 %"),
    # Pod borer (Helicoverpa armigera) on pigeonpea and chickpea: outbreaks in cloudy, humid weather at
    # flowering and podding. ICRISAT, "Helicoverpa armigera management in pigeonpea and chickpea" (Information Bulletin).
    Threat("pod_borer", ("tur", "bengal_gram"), "POD_BORER_WEATHER",
           lambda w: w["temp_max_c"].between(25, 33) & (w["humidity_pct"] >= 70),
           "max temperature 25-33 C, humidity >= 70 %"),
)


def block_risk(obs: pd.DataFrame, forecasts: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """Per block and threat: favourable days among the last 3 observed and next 3 forecast days."""
    past = obs[(obs["obs_date"] > day - dt.timedelta(days=DAYS_BEFORE)) & (obs["obs_date"] <= day)]
    ahead = forecasts[(forecasts["issued_date_ist"] == day) & forecasts["lead_days"].between(1, DAYS_AFTER)]
    cols = ["block_code", "temp_min_c", "temp_max_c", "humidity_pct", "rain_mm"]
    w = pd.concat([past[cols].assign(kind="observed"), ahead[cols].assign(kind="forecast")], ignore_index=True)
    w["rain_mm"] = w["rain_mm"].fillna(0.0)
    out = []
    for t in THREATS:
        fav = w.assign(favourable=t.favourable(w).fillna(False))
        forecast_days = lambda s, fav=fav: int(s[fav.loc[s.index, "kind"] == "forecast"].sum())  # noqa: E731
        agg = fav.groupby("block_code").agg(favourable_days=("favourable", "sum"), days_with_weather=("favourable", "size"),
                                            favourable_forecast_days=("favourable", forecast_days))
        out.append(agg.reset_index().assign(threat=t.name))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


def advise(farms: pd.DataFrame, crops_today: pd.DataFrame, obs: pd.DataFrame, forecasts: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """Medium and high risk advisories for farms whose crop is exposed. crops_today: farm_id, crop."""
    risk = block_risk(obs, forecasts, day)
    by_name = {t.name: t for t in THREATS}
    exposed = pd.concat([crops_today[crops_today["crop"].isin(t.crops)].assign(threat=t.name) for t in THREATS], ignore_index=True)
    f = exposed.merge(farms[["farm_id", "block_code"]], on="farm_id").merge(risk, on=["block_code", "threat"])
    f = f[f["favourable_days"] >= 2]
    severity = np.where(f["favourable_days"] >= 4, "high", "medium")
    inputs = [json.dumps({"threat": th, "crop": c, "favourable_days": int(fd), "of_days": int(n), "favourable_forecast_days": int(ff),
                          "conditions": by_name[th].conditions})
              for th, c, fd, n, ff in zip(f["threat"], f["crop"], f["favourable_days"], f["days_with_weather"], f["favourable_forecast_days"])]
    return pd.DataFrame({"farm_id": f["farm_id"].to_numpy(), "advisory_date": day, "advisory_type": "pest_risk_" + f["threat"],
                         "severity": severity, "reason_code": f["threat"].map(lambda t: by_name[t].reason_code),
                         "amount_mm": np.nan, "amount_litres_per_acre": np.nan, "inputs": inputs, "model_version": MODEL_VERSION})
