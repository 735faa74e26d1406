"""Forecast benchmark (issue 17): the weekly run for 1,000 series x 3 years of daily prices, backtests included.

    .venv/bin/python benchmarks/bench_forecast.py [--series 1000] [--years 3] [--cutoffs 8] [--prophet]

Times `evaluate` (8 backtest cutoffs + the final origin; the naive, seasonal naive, Theta, the LightGBM
global model and their combination; intervals calibrated on the backtest errors) with 2 worker
processes, against the baseline of the same evaluation with the naive alone, in the same run. With
--prophet, also Prophet alone at the final origin (what one fit per series costs). Goal: at most 120 s
on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def synthetic(n_series: int, years: int, seed: int = 7) -> pd.DataFrame:
    """Price series shaped like the simulator's: yearly season, persistent noise, shocks, Sundays closed."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2023-01-01", periods=365 * years, freq="D")
    doy = days.day_of_year.to_numpy()
    commodities = ["onion", "tomato", "potato", "ragi", "maize", "tur", "paddy", "groundnut"]
    frames = []
    for i in range(n_series):
        noise = np.zeros(len(days))
        eps = rng.normal(0, 0.03, len(days))
        for t in range(1, len(days)):
            noise[t] = 0.9 * noise[t - 1] + eps[t]
        y = 2000 * np.exp(0.2 * np.cos(2 * np.pi * (doy - rng.integers(0, 365)) / 365.25) + noise)
        y[days.day_of_week.to_numpy() == 6] = np.nan
        frames.append(pd.DataFrame({"series_id": f"M{i:04d}|{commodities[i % len(commodities)]}", "ds": days, "y": y,
                                    "arrivals": rng.gamma(4, 10, len(days))}))
    return pd.concat(frames, ignore_index=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--series", type=int, default=1000)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--cutoffs", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--prophet", action="store_true")
    args = ap.parse_args()
    from ml.forecast.backtest import MODELS, band_summary, evaluate

    data = synthetic(args.series, args.years)
    print(f"# forecast benchmark: {args.series:,} series x {args.years} years ({len(data):,} days), 30-day horizon, "
          f"{args.cutoffs} backtest cutoffs + the final origin, {args.workers} workers, {os.cpu_count()} cores")
    t = time.perf_counter()
    evaluate(data, n_cutoffs=args.cutoffs, wanted=("naive",), workers=args.workers)
    base = time.perf_counter() - t
    print(f"baseline (naive only, same backtests and intervals): {base:.1f} s")
    t = time.perf_counter()
    ev = evaluate(data, n_cutoffs=args.cutoffs, wanted=MODELS, workers=args.workers,
                  progress=lambda m: print(f"  [{time.perf_counter() - t:6.1f}s] {m}"))
    s = time.perf_counter() - t
    print(f"weekly run, {', '.join(MODELS)}: {s:.1f} s ({len(ev.forecasts):,} forecast rows, {len(ev.scores):,} scores, "
          f"global model on {ev.lgbm_rows:,} rows); {s / base:.1f}x the baseline; goal <= 120 s: {'met' if s <= 120 else 'NOT met'}")
    b = band_summary(ev.scores)
    print(b[b["window"] == "h1_30"][["model", "rel_mae_naive", "coverage80", "coverage95"]].round(3).to_string(index=False))
    if args.prophet:
        t = time.perf_counter()
        evaluate(data, n_cutoffs=1, wanted=("prophet",), workers=args.workers)
        print(f"prophet alone, one backtest cutoff + the final origin: {time.perf_counter() - t:.1f} s")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
