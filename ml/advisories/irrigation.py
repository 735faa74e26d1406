"""Irrigation advice from a daily root-zone water balance (FAO-56 chapter 8, single crop coefficient).

Per farm and day: ETc = Kc x ET0, with Kc interpolated through the crop's stages (crops.kc) and ET0 from
the best weather inputs there are (et0.reference_et0). The root zone grows from ZR_INITIAL at sowing to
the crop's maximum depth over the development stage; the total available water TAW = 1000 (theta_FC -
theta_WP) Zr from the farm's soil (its recorded soil type, or the red loam most Karnataka blocks have,
stated in the advice); the readily available water RAW = p TAW with p adjusted for ETc (FAO-56 Table 22
note: p + 0.04 (5 - ETc)). The depletion Dr grows with ETc and shrinks with effective rain (rain below
0.2 ET0 evaporates; of the rest RUNOFF_SHARE runs off) and with the irrigation advised the day before
(the balance assumes advice is followed; a trustworthy probe reading corrects that): a probe's daily
mean, when it is neither stuck nor spiking, resets Dr. Rules (reason codes):
  IRRIGATE          Dr above RAW and the 3-day forecast's effective rain does not bring it back within
                    RAW: the net amount is Dr less that rain (never more than TAW), the gross amount (the
                    advice) adds the method's application losses; severity high above 80 % of TAW;
  RAIN_EXPECTED     Dr above RAW, but forecast rain covers it, or heavy rain (IMD: 64.5 mm or more in a day)
                    is forecast for the next 3 days: no irrigation;
  NO_DEFICIT        Dr within RAW;
  RAINFED           the farm has no irrigation: the deficit is reported, no amount advised;
  NO_WEATHER        no observation for the block within the last 3 days: no advice.
Farms with no crop in the field that day get no row. The balance starts half-way (Dr = RAW / 2) on the
first day it has, unless a probe says otherwise.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd

from ml.advisories.crops import CROPS, DEFAULT_SOIL, SOILS, STAGES, kc
from ml.advisories.et0 import reference_et0

MODEL_VERSION = "irrigation-fao56-v2"
LITRES_PER_MM_PER_ACRE = 4046.86
RUNOFF_SHARE = 0.2
WEATHER_CARRY_DAYS = 3
HEAVY_RAIN_MM = 64.5  # IMD: heavy rain, 64.5-115.5 mm in 24 hours
ZR_INITIAL = 0.15  # m: FAO-56 chapter 8, the initial root depth of sown crops (0.15-0.20 m)
# application efficiency by irrigation method (FAO Irrigation Water Management Training Manual 4, ch. 7:
# surface 60 %, sprinkler 75 %, drip 90 %); a borewell or canal farm irrigates by furrow or basin
# why an irrigation advice says what it says, in the order the rules are tried (else IRRIGATE)
REASONS = ("NO_WEATHER", "RAINFED", "NO_DEFICIT", "RAIN_EXPECTED", "IRRIGATE")
EFFICIENCY = {"drip": 0.90, "sprinkler": 0.75, "borewell": 0.60, "canal": 0.60}
ADVISORY_COLUMNS = ["farm_id", "advisory_date", "advisory_type", "severity", "reason_code", "amount_mm",
                    "amount_litres_per_acre", "inputs", "model_version"]


def crop_today(plans: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    p = plans[(plans["sowing_date"] <= day) & (plans["expected_harvest_date"] >= day) & plans["crop"].isin(list(CROPS))]
    p = p.sort_values("sowing_date").drop_duplicates("farm_id", keep="last")
    span = (pd.to_datetime(p["expected_harvest_date"]) - pd.to_datetime(p["sowing_date"])).dt.days.clip(lower=1)
    frac = (pd.Timestamp(day) - pd.to_datetime(p["sowing_date"])).dt.days / span
    return p.assign(season_fraction=frac.to_numpy())[["farm_id", "crop", "season_fraction"]]


def root_depth_m(crop: np.ndarray, season_fraction: np.ndarray) -> np.ndarray:
    """Zr: ZR_INITIAL through the initial stage, growing linearly to the crop's maximum over the
    development stage, the maximum after it (FAO-56 chapter 8). Perennials (coconut, arecanut, coffee)
    and sugarcane ratoons are taken at their maximum."""
    zmax = np.array([CROPS[c][3] for c in crop])
    perennial = np.isin(crop, ["coconut", "arecanut", "coffee"])
    f = np.clip(season_fraction, 0, 1)
    a, b = STAGES[0], STAGES[0] + STAGES[1]
    grown = np.clip((f - a) / (b - a), 0, 1)
    z = np.minimum(ZR_INITIAL, zmax) + (zmax - np.minimum(ZR_INITIAL, zmax)) * grown
    return np.where(perennial, zmax, z)


def effective_rain(rain_mm: np.ndarray, et0_mm: np.ndarray) -> np.ndarray:
    """Rain that enters the root zone: none below 0.2 ET0 (it evaporates, FAO-56 chapter 8), else less runoff."""
    r = np.nan_to_num(rain_mm, nan=0.0)
    return np.where(r < 0.2 * np.nan_to_num(et0_mm, nan=0.0), 0.0, (1 - RUNOFF_SHARE) * r)


def _weather_today(obs: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """The block's observation of the day, or the latest of the previous WEATHER_CARRY_DAYS (imputed)."""
    recent = obs[(obs["obs_date"] <= day) & (obs["obs_date"] > day - dt.timedelta(days=WEATHER_CARRY_DAYS + 1))]
    latest = recent.sort_values("obs_date").drop_duplicates("block_code", keep="last")
    return latest.assign(weather_imputed=latest["obs_date"] != day,
                         rain_today=np.where(latest["obs_date"] == day, latest["rain_mm"], 0.0))


def advise(farms: pd.DataFrame, plans: pd.DataFrame, obs: pd.DataFrame, forecasts: pd.DataFrame,
           sensor_days: pd.DataFrame, days: list[dt.date]) -> pd.DataFrame:
    """Advice for every farm with a crop, for each of `days` (the balance runs through them in order).
    farms: farm_id, lat, block_code, soil_type, irrigation, and optionally elevation_m and coastal."""
    farms = farms.set_index("farm_id")
    depletion = pd.Series(np.nan, index=farms.index)
    applied = pd.Series(0.0, index=farms.index)  # net irrigation advised the day before (assumed applied)
    out = []
    for day in sorted(days):
        crop = crop_today(plans, day).set_index("farm_id")
        f = farms.join(crop, how="inner")
        if f.empty:
            continue
        w = _weather_today(obs, day).set_index("block_code")
        f = f.join(w[["temp_min_c", "temp_max_c", "humidity_pct", "wind_speed_m_s", "rain_today", "weather_imputed"]],
                   on="block_code")
        upcoming = forecasts[(forecasts["issued_date_ist"] == day) & forecasts["lead_days"].between(1, 3)]
        f["rain_forecast_3d_mm"] = f["block_code"].map(upcoming.groupby("block_code")["rain_mm"].sum()).fillna(0.0)
        f["rain_forecast_max_mm"] = f["block_code"].map(upcoming.groupby("block_code")["rain_mm"].max()).fillna(0.0)
        sensors = sensor_days[sensor_days["day"] == day].set_index("farm_id")["vwc_pct"]
        f["sensor_vwc_pct"] = f.index.map(sensors)

        has_weather = (f["temp_min_c"].notna() & f["temp_max_c"].notna()).to_numpy()
        doy = day.timetuple().tm_yday
        tmin, tmax = f["temp_min_c"].to_numpy(dtype=float), f["temp_max_c"].to_numpy(dtype=float)
        e = reference_et0(tmin, tmax, f["lat"].to_numpy(dtype=float), doy,
                          f["elevation_m"].to_numpy(dtype=float) if "elevation_m" in f else 600.0,
                          rh_mean=f["humidity_pct"].to_numpy(dtype=float), wind_m_s=f["wind_speed_m_s"].to_numpy(dtype=float),
                          wind_height_m=10.0, coastal=f["coastal"].to_numpy(dtype=bool) if "coastal" in f else False)
        et0 = np.nan_to_num(e.et0_mm, nan=0.0)
        crops = f["crop"].to_numpy()
        k, stage = kc(crops, f["season_fraction"].to_numpy(dtype=float))
        known_soil = f["soil_type"].isin(list(SOILS)).to_numpy()
        soils = np.where(known_soil, f["soil_type"].to_numpy(dtype=object), DEFAULT_SOIL)
        fc_, wp = (np.array([SOILS[s][i] for s in soils]) for i in (0, 1))
        zr = root_depth_m(crops, f["season_fraction"].to_numpy(dtype=float))
        etc = k * et0
        p = np.clip(np.array([CROPS[c][4] for c in crops]) + 0.04 * (5 - etc), 0.1, 0.8)
        taw = 1000 * (fc_ - wp) * zr
        raw = p * taw
        prev = depletion.reindex(f.index).to_numpy()
        prev = np.where(np.isnan(prev), raw / 2, prev)
        rain_eff = effective_rain(f["rain_today"].to_numpy(dtype=float), et0)
        dr = np.clip(prev - applied.reindex(f.index).fillna(0).to_numpy() - rain_eff + np.where(has_weather, etc, 0), 0, taw)
        vwc = f["sensor_vwc_pct"].to_numpy(dtype=float)
        model_dr = dr  # the balance's own estimate, kept to be verified against the probe (ml/advisories/verification.py)
        dr = np.where(np.isnan(vwc), dr, np.clip(1000 * (fc_ - vwc / 100) * zr, 0, taw))
        depletion.loc[f.index] = dr

        fc_eff = (1 - RUNOFF_SHARE) * f["rain_forecast_3d_mm"].to_numpy()
        heavy = f["rain_forecast_max_mm"].to_numpy() >= HEAVY_RAIN_MM
        net = np.clip(dr - fc_eff, 0, taw)
        rainfed = (f["irrigation"] == "rainfed").to_numpy()
        stressed = dr > raw
        reason = np.select([~has_weather, rainfed, ~stressed, heavy | (net <= raw)], list(REASONS[:-1]), REASONS[-1])
        efficiency = np.array([EFFICIENCY.get(m, EFFICIENCY["borewell"]) for m in f["irrigation"]])
        irrigate = reason == "IRRIGATE"
        net = np.where(irrigate, np.round(net, 1), 0.0)
        gross = np.where(irrigate, np.round(net / efficiency, 1), np.where(reason == "NO_WEATHER", np.nan, 0.0))
        applied = pd.Series(net, index=f.index)
        severity = np.select([reason == "NO_WEATHER", irrigate, stressed & rainfed],
                             ["info", np.where(dr > 0.8 * taw, "high", "medium"), "medium"], "low")
        inputs = [json.dumps({"crop": c, "stage": s, "kc": round(float(kk), 3), "et0_mm": round(float(ev), 2),
                              "et0_method": str(m), "vapour_pressure_from": str(ea), "radiation_from": str(rs),
                              "wind_from": str(ws), "etc_mm": round(float(ec), 2), "root_depth_m": round(float(z), 2),
                              "rain_mm": None if np.isnan(r) else float(r), "effective_rain_mm": round(float(re), 1),
                              "rain_forecast_3d_mm": float(rf), "heavy_rain_forecast": bool(hv),
                              "depletion_mm": round(float(d), 1), "model_depletion_mm": round(float(md), 1),
                              "taw_mm": round(float(t), 1), "raw_mm": round(float(rw), 1),
                              "p": round(float(pp), 3), "net_mm": float(n), "efficiency": float(eff),
                              "sensor_vwc_pct": None if np.isnan(v) else float(v), "weather_imputed": bool(wi) if wi == wi else None,
                              "soil_type": str(so), "soil_from": "farm_record" if ks else "default_red_loam", "irrigation": ir})
                  for c, s, kk, ev, m, ea, rs, ws, ec, z, r, re, rf, hv, d, md, t, rw, pp, n, eff, v, wi, so, ks, ir in zip(
                      crops, stage, k, et0, e.method, e.ea_source, e.rs_source, e.wind_source, etc, zr,
                      f["rain_today"].to_numpy(dtype=float), rain_eff, f["rain_forecast_3d_mm"], heavy, dr, model_dr, taw, raw, p,
                      net, efficiency, vwc, f["weather_imputed"], soils, known_soil, f["irrigation"])]
        out.append(pd.DataFrame({"farm_id": f.index, "advisory_date": day, "advisory_type": "irrigation", "severity": severity,
                                 "reason_code": reason, "amount_mm": gross,
                                 "amount_litres_per_acre": np.round(gross * LITRES_PER_MM_PER_ACRE),
                                 "inputs": inputs, "model_version": MODEL_VERSION}))
    return pd.concat(out, ignore_index=True)[ADVISORY_COLUMNS] if out else pd.DataFrame(columns=ADVISORY_COLUMNS)


