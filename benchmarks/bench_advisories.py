"""Advisory benchmark (issue 6): irrigation advice for the farms of 200,000 farmers.

    .venv/bin/python benchmarks/bench_advisories.py [--farmers 200000] [--days 7]

Builds the simulator's population and block weather in memory (no lake), then times advise() for one
day and for a week; the floor is the bare vectorised Hargreaves ET0 over the same farms and days.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--farmers", type=int, default=200_000)
    ap.add_argument("--days", type=int, default=7)
    args = ap.parse_args()
    from ml.advisories.et0 import extraterrestrial_radiation, hargreaves
    from ml.advisories.irrigation import advise
    from simulator.geography import geography
    from simulator.population import build_population
    from simulator.weather import simulate_weather

    start = dt.date(2026, 11, 10)
    pop = build_population(7, args.farmers, start)
    weather = simulate_weather(7, start, args.days)
    farms = pop.tables["farms"].to_pandas()[["farm_id", "lat", "block_code", "soil_type", "irrigation"]]
    plans = pop.tables["crop_plans"].to_pandas()[["farm_id", "crop", "sowing_date", "expected_harvest_date"]]
    blocks = [b["block_code"] for b in geography().blocks]
    days = weather.dates[: args.days]
    obs = pd.concat([pd.DataFrame({"block_code": blocks, "obs_date": d, "temp_min_c": weather.tmin[:, j], "temp_max_c": weather.tmax[:, j],
                                   "humidity_pct": weather.humidity[:, j], "rain_mm": weather.rain_mm[:, j],
                                   "wind_speed_m_s": weather.wind_m_s[:, j]}) for j, d in enumerate(days)])
    fc = pd.concat([pd.DataFrame({"block_code": blocks, "issued_date_ist": d, "forecast_date": d + dt.timedelta(days=k),
                                  "lead_days": k, "rain_mm": weather.rain_mm[:, j + k]}) for j, d in enumerate(days) for k in (1, 2, 3)])
    sensors = pd.DataFrame({"farm_id": pd.Series(dtype=str), "day": pd.Series(dtype=object), "vwc_pct": pd.Series(dtype=float)})
    print(f"# advisory benchmark: {args.farmers:,} farmers, {len(farms):,} farms, {os.cpu_count()} cores")

    def floor(n_days):
        lat = farms["lat"].to_numpy()
        for j in range(n_days):
            ra = extraterrestrial_radiation(lat, days[j].timetuple().tm_yday)
            hargreaves(np.full(len(lat), 20.0), np.full(len(lat), 32.0), ra)

    for n in (1, args.days):
        t = time.perf_counter()
        adv = advise(farms, plans, obs, fc, sensors, days[:n])
        ours = time.perf_counter() - t
        t = time.perf_counter()
        floor(n)
        base = time.perf_counter() - t
        print(f"irrigation advice, {n} day(s): {ours:.1f} s for {len(adv):,} rows ({len(adv) / ours:,.0f} rows/s); "
              f"floor (bare Hargreaves ET0 over the same farms) {base:.3f} s; ratio {ours / base:.0f}x")
    print("by reason (last run):", adv.groupby("reason_code").size().to_dict())

    # the other advisory types, for one day
    from ingestion.parsers import soil_health
    from ml.advisories import crop_suitability, fertilizer, pest_risk
    from ml.advisories.irrigation import crop_today
    from simulator.soil import soil_health_cards

    cards = soil_health.parse(soil_health_cards(7, pop, start), "shc.csv", dt.date(2030, 1, 1)).tables[soil_health.CARDS].to_pandas()
    day = days[-1]
    t = time.perf_counter()
    pests = pest_risk.advise(farms, crop_today(plans, day)[["farm_id", "crop"]], obs, fc.assign(
        temp_min_c=25.0, temp_max_c=33.0, humidity_pct=80.0), day)
    print(f"pest and disease weather rules, 1 day: {time.perf_counter() - t:.1f} s for {len(pests):,} rows")
    t = time.perf_counter()
    soil = fertilizer.advise(cards, day)
    print(f"fertilizer guidance: {time.perf_counter() - t:.1f} s for {len(cards):,} cards, {len(soil):,} rows")
    f = farms.merge(pop.tables["farms"].to_pandas()[["farm_id", "district"]], on="farm_id").merge(
        cards[["farm_id", "ph", "organic_carbon_pct"]], on="farm_id", how="left")
    t = time.perf_counter()
    model = crop_suitability.train(f, pop.tables["crop_plans"].to_pandas()[["farm_id", "season", "crop"]])
    trained = time.perf_counter() - t
    suit = crop_suitability.advise(model, f, day)
    print(f"crop suitability: training {trained:.1f} s on {model['training_rows']:,} plans, advice {time.perf_counter() - t - trained:.1f} s "
          f"for {len(suit):,} farms")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
