"""Irrigation advice from a daily root-zone water balance (FAO-56 chapter 8, simplified).

Per farm and day: ETc = Kc(stage) x ET0; depletion Dr grows with ETc and shrinks with effective rain
(80 % of the day's rain); a reliable soil-moisture reading of the day resets Dr to what the probe says.
Rules (reason codes):
  IRRIGATE          Dr above the readily available water (RAW): irrigate Dr less the effective rain
                    forecast for the next 3 days; severity high above 80 % of the total (TAW);
  RAIN_EXPECTED     Dr above RAW, but the 3-day forecast rain covers it;
  NO_DEFICIT        Dr within RAW;
  RAINFED           the farm has no irrigation: the deficit is reported, no amount advised;
  NO_WEATHER        no observation for the block within the last 3 days: no advice;
Farms with no crop in the field that day get no row. The balance starts half-way (Dr = TAW / 2) on
the first day it has, unless a probe says otherwise, and assumes no irrigation it was not told of
(a probe reading corrects that).
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd

from ml.advisories.crops import CROPS, SOILS, kc
from ml.advisories.et0 import extraterrestrial_radiation, hargreaves, penman_monteith

MODEL_VERSION = "irrigation-fao56-v1"
LITRES_PER_MM_PER_ACRE = 4046.86
EFFECTIVE_RAIN = 0.8
WEATHER_CARRY_DAYS = 3
ADVISORY_COLUMNS = ["farm_id", "advisory_date", "advisory_type", "severity", "reason_code", "amount_mm",
                    "amount_litres_per_acre", "inputs", "model_version"]


def crop_today(plans: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    p = plans[(plans["sowing_date"] <= day) & (plans["expected_harvest_date"] >= day) & plans["crop"].isin(list(CROPS))]
    p = p.sort_values("sowing_date").drop_duplicates("farm_id", keep="last")
    span = (pd.to_datetime(p["expected_harvest_date"]) - pd.to_datetime(p["sowing_date"])).dt.days.clip(lower=1)
    frac = (pd.Timestamp(day) - pd.to_datetime(p["sowing_date"])).dt.days / span
    return p.assign(season_fraction=frac.to_numpy())[["farm_id", "crop", "season_fraction"]]


def _weather_today(obs: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """The block's observation of the day, or the latest of the previous WEATHER_CARRY_DAYS (imputed)."""
    recent = obs[(obs["obs_date"] <= day) & (obs["obs_date"] > day - dt.timedelta(days=WEATHER_CARRY_DAYS + 1))]
    latest = recent.sort_values("obs_date").drop_duplicates("block_code", keep="last")
    return latest.assign(weather_imputed=latest["obs_date"] != day,
                         rain_today=np.where(latest["obs_date"] == day, latest["rain_mm"], 0.0))


def advise(farms: pd.DataFrame, plans: pd.DataFrame, obs: pd.DataFrame, forecasts: pd.DataFrame,
           sensor_days: pd.DataFrame, days: list[dt.date]) -> pd.DataFrame:
    """Advice for every farm with a crop, for each of `days` (the balance runs through them in order)."""
    farms = farms.set_index("farm_id")
    depletion = pd.Series(np.nan, index=farms.index)
    out = []
    for day in sorted(days):
        crop = crop_today(plans, day).set_index("farm_id")
        f = farms.join(crop, how="inner")
        if f.empty:
            continue
        w = _weather_today(obs, day).set_index("block_code")
        f = f.join(w[["temp_min_c", "temp_max_c", "humidity_pct", "wind_speed_m_s", "rain_today", "weather_imputed"]],
                   on="block_code")
        rain_fc = forecasts[(forecasts["issued_date_ist"] == day) & forecasts["lead_days"].between(1, 3)] \
            .groupby("block_code")["rain_mm"].sum()
        f["rain_forecast_3d_mm"] = f["block_code"].map(rain_fc).fillna(0.0)
        sensors = sensor_days[sensor_days["day"] == day].set_index("farm_id")["vwc_pct"]
        f["sensor_vwc_pct"] = f.index.map(sensors)

        has_weather = f["temp_min_c"].notna() & f["temp_max_c"].notna()
        ra = extraterrestrial_radiation(f["lat"].to_numpy(dtype=float), day.timetuple().tm_yday)
        tmin, tmax = f["temp_min_c"].to_numpy(dtype=float), f["temp_max_c"].to_numpy(dtype=float)
        can_pm = has_weather & f["humidity_pct"].notna() & f["wind_speed_m_s"].notna()
        et0 = np.where(can_pm, penman_monteith(tmin, tmax, f["humidity_pct"].to_numpy(dtype=float),
                                               f["wind_speed_m_s"].to_numpy(dtype=float), ra),
                       hargreaves(tmin, tmax, ra))
        k, stage = kc(f["crop"].to_numpy(), f["season_fraction"].to_numpy(dtype=float))
        fc_, wp = (np.array([SOILS.get(s, SOILS["red_loam"])[i] for s in f["soil_type"]]) for i in (0, 1))
        zr = np.array([CROPS[c][3] for c in f["crop"]])
        p = np.array([CROPS[c][4] for c in f["crop"]])
        taw = 1000 * (fc_ - wp) * zr
        raw = p * taw
        etc = k * et0
        prev = depletion.reindex(f.index).to_numpy()
        prev = np.where(np.isnan(prev), taw / 2, prev)
        dr = np.clip(prev + np.where(has_weather, etc, 0) - EFFECTIVE_RAIN * f["rain_today"].fillna(0).to_numpy(), 0, taw)
        vwc = f["sensor_vwc_pct"].to_numpy(dtype=float)
        dr = np.where(np.isnan(vwc), dr, np.clip(1000 * (fc_ - vwc / 100) * zr, 0, taw))
        depletion.loc[f.index] = dr

        rain_eff = EFFECTIVE_RAIN * f["rain_forecast_3d_mm"].to_numpy()
        need = np.maximum(dr - rain_eff, 0)
        rainfed = (f["irrigation"] == "rainfed").to_numpy()
        stressed = dr > raw
        reason = np.select([~has_weather.to_numpy(), rainfed, ~stressed, need <= 0],
                           ["NO_WEATHER", "RAINFED", "NO_DEFICIT", "RAIN_EXPECTED"], "IRRIGATE")
        severity = np.select([reason == "NO_WEATHER", reason == "IRRIGATE", stressed & rainfed],
                             ["info", np.where(dr > 0.8 * taw, "high", "medium"), "medium"], "low")
        amount = np.where(reason == "IRRIGATE", np.round(need, 1), np.where(reason == "NO_WEATHER", np.nan, 0.0))
        inputs = [json.dumps({"crop": c, "stage": s, "kc": round(float(kk), 3), "et0_mm": round(float(e), 2),
                              "et0_method": "penman_monteith" if pm else "hargreaves", "etc_mm": round(float(ec), 2),
                              "rain_mm": None if np.isnan(r) else float(r), "rain_forecast_3d_mm": float(rf),
                              "depletion_mm": round(float(d), 1), "taw_mm": round(float(t), 1), "raw_mm": round(float(rw), 1),
                              "sensor_vwc_pct": None if np.isnan(v) else float(v), "weather_imputed": bool(wi) if wi == wi else None,
                              "soil_type": so, "irrigation": ir})
                  for c, s, kk, e, pm, ec, r, rf, d, t, rw, v, wi, so, ir in zip(
                      f["crop"], stage, k, et0, can_pm, etc, f["rain_today"].to_numpy(dtype=float), f["rain_forecast_3d_mm"],
                      dr, taw, raw, vwc, f["weather_imputed"], f["soil_type"], f["irrigation"])]
        out.append(pd.DataFrame({"farm_id": f.index, "advisory_date": day, "advisory_type": "irrigation", "severity": severity,
                                 "reason_code": reason, "amount_mm": amount,
                                 "amount_litres_per_acre": np.round(amount * LITRES_PER_MM_PER_ACRE),
                                 "inputs": inputs, "model_version": MODEL_VERSION}))
    return pd.concat(out, ignore_index=True)[ADVISORY_COLUMNS] if out else pd.DataFrame(columns=ADVISORY_COLUMNS)
