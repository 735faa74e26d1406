"""Forecast benchmark (issue 6): 1,000 series x 3 years of daily prices, 30 days ahead.

    .venv/bin/python benchmarks/bench_forecast.py [--series 1000] [--years 3]

Prints the time to forecast every series with Prophet (1 and 2 worker processes) and with the
LightGBM global model (training + forecast; 1 and 2 threads), against the seasonal-naive baseline
on the same series in the same run. Goal: the 1,000-series forecast in under 4 minutes on 2 cores.
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
    doy = days.dayofyear.to_numpy()
    commodities = ["onion", "tomato", "potato", "ragi", "maize", "tur", "paddy", "groundnut"]
    frames = []
    for i in range(n_series):
        noise = np.zeros(len(days))
        eps = rng.normal(0, 0.03, len(days))
        for t in range(1, len(days)):
            noise[t] = 0.9 * noise[t - 1] + eps[t]
        y = 2000 * np.exp(0.2 * np.cos(2 * np.pi * (doy - rng.integers(0, 365)) / 365.25) + noise)
        y[days.dayofweek.to_numpy() == 6] = np.nan
        frames.append(pd.DataFrame({"series_id": f"M{i:04d}|{commodities[i % len(commodities)]}", "ds": days, "y": y,
                                    "arrivals": rng.gamma(4, 10, len(days))}))
    return pd.concat(frames, ignore_index=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--series", type=int, default=1000)
    ap.add_argument("--years", type=int, default=3)
    args = ap.parse_args()
    from ml.forecast import models
    from ml.forecast.backtest import forecast_at

    data = synthetic(args.series, args.years)
    print(f"# forecast benchmark: {args.series:,} series x {args.years} years ({len(data):,} days), 30-day horizon, "
          f"{os.cpu_count()} cores")
    t = time.perf_counter()
    forecast_at(data, None, ("seasonal_naive",))
    base = time.perf_counter() - t
    print(f"baseline seasonal naive: {base:.1f} s")
    for workers in (1, 2):
        t = time.perf_counter()
        fc, _ = forecast_at(data, None, ("prophet",), workers=workers)
        s = time.perf_counter() - t
        print(f"prophet, {workers} worker(s): {s:.1f} s ({s / args.series * 1000:.0f} ms/series, {len(fc):,} rows); "
              f"{s / base:.0f}x the baseline; goal < 240 s: {'met' if s < 240 else 'NOT met'}")
    groups = {sid: g.reset_index(drop=True) for sid, g in data.groupby("series_id")}
    for threads in (1, 2):
        t = time.perf_counter()
        trained = models.lightgbm_train(data, threads=threads)
        fit = time.perf_counter() - t
        for g in groups.values():
            models.lightgbm_forecast(trained, g)
        s = time.perf_counter() - t
        print(f"lightgbm global, {threads} thread(s): {s:.1f} s (training {fit:.1f} s on {trained['rows']:,} rows); "
              f"{s / base:.0f}x the baseline; goal < 240 s: {'met' if s < 240 else 'NOT met'}")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
