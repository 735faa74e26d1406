"""Forecast accuracy on real Agmarknet onion prices: every Karnataka mandi with 3+ years of prices
(tests/fixtures/real/onion__wholesale_karnataka_2006_2021.csv.gz, 2006-2021).

    .venv/bin/python benchmarks/validate_forecasts_onion.py [--cutoffs 12] [--select 8] [--step-days 60]

Rolling-origin backtest at `--cutoffs` origins `--step-days` apart ending at the last full month. The
champion of each series is chosen on the first `--select` cutoffs only and judged on the later ones it
never saw (what a farmer would have got). Printed beside every baseline: per model and horizon band,
the median over series of MAE relative to the naive (last price), relative MAE against the seasonal naive,
MASE, sMAPE and 80/95 % interval coverage; then the champions' held-out MAE against the naive's, with
the goals of issue 17 (champion MAE <= 0.90 x naive over days 1-30, <= 0.95 x over 1-7; 80 % intervals
covering 75-85 % in every band).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests" / "fixtures" / "real" / "onion__wholesale_karnataka_2006_2021.csv.gz"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cutoffs", type=int, default=12)
    ap.add_argument("--select", type=int, default=8, help="cutoffs the champions are chosen on (the rest judge them)")
    ap.add_argument("--step-days", type=int, default=60, help="60: twelve cutoffs span two years (issue 17)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--models", default="naive,seasonal_naive,theta,lightgbm,combination")
    args = ap.parse_args()
    import numpy as np
    import pandas as pd

    from ml.forecast.backtest import band_summary, champions, evaluate, per_series, promotion
    from ml.forecast.series import drop_outliers, wholesale_onion_series

    series, slips = drop_outliers(wholesale_onion_series(DATA))
    obs = series.dropna(subset=["y"]).groupby("series_id")["ds"].agg(["min", "max", "count"])
    long = obs[(obs["max"] - obs["min"]).dt.days >= 3 * 365].index
    series = series[series["series_id"].isin(long)]
    origin = pd.Timestamp("2021-04-30")  # the data ends in May 2021: the last cutoff's 30 days are all there
    t = time.perf_counter()
    ev = evaluate(series, n_cutoffs=args.cutoffs, step_days=args.step_days, wanted=tuple(args.models.split(",")),
                  workers=args.workers, origin=origin)
    took = time.perf_counter() - t
    scored = ev.scores["series_id"].nunique()
    cut = sorted(ev.scores["cutoff"].unique())
    pd.set_option("display.width", 220)
    print(f"# real onion, Karnataka: {len(long)} mandis with 3+ years ({scored} priced at a backtest cutoff), "
          f"{len(cut)} cutoffs {args.step_days} days apart ({cut[0]}..{cut[-1]}), {slips} typing slips blanked; "
          f"{took:.0f} s on {os.cpu_count()} cores\n")
    cols = ["model", "window", "rel_mae_naive", "rel_mae_seasonal_naive", "mase", "smape", "coverage80", "coverage95", "n"]
    print("all cutoffs, per model and band (median over series of MAE / naive's MAE; pooled coverage):")
    print(band_summary(ev.scores)[cols].round(3).to_string(index=False))

    select, judge = cut[:args.select], cut[args.select:]
    pick = ev.scores[ev.scores["cutoff"].isin(select)]
    champs = champions(pick, ev.rules.assign(rule=None), promotion(pick, tuple(args.models.split(","))))
    held = ev.scores[ev.scores["cutoff"].isin(judge)]
    print(f"\nchampions chosen on {len(select)} cutoffs, judged on the {len(judge)} later ones "
          f"({champs['champion_model'].value_counts().to_dict()}):")
    print("band    champion MAE / naive MAE (pooled)  median over series  champion 80 % coverage  goal")
    for window, goal in (("h1_7", 0.95), ("h8_14", None), ("h15_30", None), ("h1_30", 0.90)):
        h = held[held["window"] == window]
        j = h.merge(champs[["series_id", "champion_model"]], left_on=["series_id", "model"],
                    right_on=["series_id", "champion_model"])
        nv = h[h["model"] == "naive"][["series_id", "cutoff", "mae", "n"]].rename(columns={"mae": "naive_mae"})
        j = j.merge(nv[["series_id", "cutoff", "naive_mae"]], on=["series_id", "cutoff"])
        pooled = (j["mae"] * j["n"]).sum() / (j["naive_mae"] * j["n"]).sum()
        per = (j.assign(e=j["mae"] * j["n"], b=j["naive_mae"] * j["n"]).groupby("series_id")[["e", "b"]].sum())
        med = float(np.median(per["e"] / per["b"])) if len(per) else np.nan
        cov = (j["coverage80"] * j["n"]).sum() / j["n"].sum()
        verdict = "" if goal is None else f"<= {goal:.2f}: {'met' if pooled <= goal else 'NOT met'}"
        cov_ok = "met" if 0.75 <= cov <= 0.85 else "NOT met"
        print(f"{window:7s} {pooled:8.3f} {med:30.3f} {cov:18.3f} (75-85 %: {cov_ok})  {verdict}")
    ps = per_series(held)
    print("\nheld-out, per model: median over series of MAE / naive's:",
          ps.groupby("model")["rel_mae_naive"].median().round(3).to_dict())
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
