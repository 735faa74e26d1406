"""Irrigation advice over a whole kharif season: is it plausible? (issue 13)

    .venv/bin/python benchmarks/season_irrigation.py [--farmers 1000] [--year 2026]

Runs the simulator's population and block weather from 1 June to 31 October through the FAO-56 water
balance (ml/advisories/irrigation.py) day by day, as the advisory service would, and prints:
  - the distribution of advised (gross) amounts by crop and stage, and the share of farm-days advised;
  - each crop's season ETc (its water need) against the published seasonal crop water needs
    (FAO Irrigation Water Management Training Manual 3, Table 13; the baseline named here);
  - the hard limits: no net amount above the total available water, no irrigation on a day with heavy
    rain (IMD: 64.5 mm or more) in the 3-day forecast;
and the run time against the floor of the bare ET0 computation for the same farm-days.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

# FAO Irrigation Water Management Training Manual 3 (1986), Table 13: seasonal crop water needs, mm per
# growing period (paddy: without the puddling and ponding water)
PUBLISHED_MM = {"maize": (500, 800), "groundnut": (500, 700), "sunflower": (600, 1000), "cotton": (700, 1300),
                "jowar": (450, 650), "ragi": (450, 650), "tomato": (400, 800), "potato": (500, 700), "onion": (350, 550),
                "tur": (300, 500), "green_gram": (300, 500), "horse_gram": (300, 500), "bengal_gram": (300, 500),
                "paddy": (450, 700), "vegetables": (350, 550), "ginger": (500, 700), "sugarcane": (1500, 2500)}


def world(seed: int, farmers: int, start: dt.date, days: int):
    """The simulator's farms, crop plans, block observations and 3-day forecasts as the advisory run reads them."""
    from hasiru.reference import district_climate
    from simulator.geography import geography
    from simulator.population import build_population
    from simulator.weather import simulate_weather

    pop = build_population(seed, farmers, start)
    weather = simulate_weather(seed, start, days + 3)
    climate = district_climate()
    farms = pop.tables["farms"].to_pandas()[["farm_id", "lat", "district", "block_code", "soil_type", "irrigation"]]
    farms = farms.assign(elevation_m=farms["district"].map(lambda d: climate[d][0]), coastal=farms["district"].map(lambda d: climate[d][1]))
    plans = pop.tables["crop_plans"].to_pandas()[["farm_id", "crop", "sowing_date", "expected_harvest_date"]]
    blocks = [b["block_code"] for b in geography().blocks]
    dates = weather.dates[:days]
    obs = pd.concat([pd.DataFrame({"block_code": blocks, "obs_date": d, "temp_min_c": weather.tmin[:, j],
                                   "temp_max_c": weather.tmax[:, j], "humidity_pct": weather.humidity[:, j],
                                   "rain_mm": weather.rain_mm[:, j], "wind_speed_m_s": weather.wind_m_s[:, j]})
                     for j, d in enumerate(dates)])
    fc = pd.concat([pd.DataFrame({"block_code": blocks, "issued_date_ist": d, "forecast_date": d + dt.timedelta(days=k),
                                  "lead_days": k, "rain_mm": weather.rain_mm[:, j + k]}) for j, d in enumerate(dates) for k in (1, 2, 3)])
    return farms, plans, obs, fc, list(dates)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--farmers", type=int, default=1000)
    ap.add_argument("--year", type=int, default=2026)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    from ml.advisories.et0 import reference_et0
    from ml.advisories.irrigation import HEAVY_RAIN_MM, advise

    start, end = dt.date(args.year, 6, 1), dt.date(args.year, 10, 31)
    farms, plans, obs, fc, days = world(args.seed, args.farmers, start, (end - start).days + 1)
    sensors = pd.DataFrame({"farm_id": pd.Series(dtype=str), "day": pd.Series(dtype=object), "vwc_pct": pd.Series(dtype=float)})
    t = time.perf_counter()
    adv = advise(farms, plans, obs, fc, sensors, days)
    took = time.perf_counter() - t
    inputs = pd.DataFrame([json.loads(i) for i in adv["inputs"]])
    a = pd.concat([adv.reset_index(drop=True), inputs[["crop", "stage", "etc_mm", "net_mm", "taw_mm", "effective_rain_mm",
                                                       "heavy_rain_forecast", "et0_method"]]], axis=1)
    # floor: the bare ET0 for the same farm-days
    t = time.perf_counter()
    reference_et0(np.full(len(adv), 20.0), np.full(len(adv), 31.0), np.full(len(adv), 14.0), 200, 600.0,
                  rh_mean=np.full(len(adv), 70.0), wind_m_s=np.full(len(adv), 3.0), wind_height_m=10.0)
    floor = time.perf_counter() - t
    irrigated = a[a["farm_id"].isin(farms.loc[farms["irrigation"] != "rainfed", "farm_id"])]
    adv_days = irrigated[irrigated["reason_code"] == "IRRIGATE"]
    pd.set_option("display.width", 200)
    print(f"# kharif {args.year} ({start}..{end}): {args.farmers:,} farmers, {len(farms):,} farms, "
          f"{len(a):,} farm-days with a crop; {took:.1f} s ({len(a) / took:,.0f} farm-days/s) against the bare ET0 "
          f"floor {floor:.2f} s (ratio {took / floor:.0f}x), {os.cpu_count()} cores\n")
    print(f"irrigated farm-days advised to irrigate: {len(adv_days):,} of {len(irrigated):,} "
          f"({100 * len(adv_days) / max(len(irrigated), 1):.1f} %)")
    print("\nadvised gross amount (mm) by crop and stage, irrigated farms:")
    table = adv_days.groupby(["crop", "stage"])["amount_mm"].describe(percentiles=[0.5, 0.99])[["count", "50%", "99%", "max"]]
    print(table.round(1).to_string())
    print("\nseason totals per farm (crops sown and harvested inside the window), median over farms:")
    season = a.groupby(["farm_id", "crop"]).agg(etc=("etc_mm", "sum"), net=("net_mm", "sum"), rain=("effective_rain_mm", "sum"),
                                                 days=("etc_mm", "size")).reset_index()
    season = season[season["days"] >= 90]
    rows = []
    for crop, g in season.groupby("crop"):
        lo, hi = PUBLISHED_MM.get(crop, (np.nan, np.nan))
        med = g["etc"].median()
        if np.isnan(lo) or crop in ("sugarcane", "cotton"):  # perennials, and crops longer than the window
            continue
        rows.append({"crop": crop, "farms": len(g), "season_days": int(g["days"].median()), "ETc_mm": round(med),
                     "published_mm": f"{lo}-{hi}", "within": "yes" if lo <= med <= hi else ("below" if med < lo else "above"),
                     "net_irrigation_mm": round(g["net"].median()), "effective_rain_mm": round(g["rain"].median())})
    print(pd.DataFrame(rows).to_string(index=False))
    over_taw = int((a["net_mm"] > a["taw_mm"] + 1e-9).sum())
    heavy = int(((a["reason_code"] == "IRRIGATE") & a["heavy_rain_forecast"]).sum())
    print(f"\nlimits: advice with net amount above the total available water: {over_taw} (must be 0); irrigation advised "
          f"with heavy rain (>= {HEAVY_RAIN_MM} mm) forecast: {heavy} (must be 0); ET0 methods: "
          f"{a['et0_method'].value_counts().to_dict()}")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
