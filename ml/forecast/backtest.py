"""Rolling-origin backtests and the champion per series.

Cutoffs lie before the final forecast origin, each with HORIZON days of actuals after it, so a
champion is chosen on backtests only, never on the window it will forecast. Rules for series that
cannot carry a model (recorded as the champion's reason):
  no_history      fewer than 2 observed prices: no forecast at all;
  short_series    fewer than 60 observed prices: seasonal naive;
  constant_series the price never moved: naive;
  gappy_series    fewer than 30 % of the last 60 days priced: naive.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import partial

import numpy as np
import pandas as pd

from ml.forecast import FORECAST_COLUMNS, HORIZON, models
from ml.forecast.metrics import score, seasonal_naive_scale

MODELS = ("naive", "seasonal_naive", "prophet", "lightgbm")
BASELINES = ("naive", "seasonal_naive")
WINDOWS = {"h1_7": 7, "h1_30": 30}


def series_rule(g: pd.DataFrame) -> str | None:
    y = g["y"].to_numpy(dtype=float)
    obs = y[~np.isnan(y)]
    if len(obs) < 2:
        return "no_history"
    if len(obs) < 60:
        return "short_series"
    if np.nanstd(obs) == 0:
        return "constant_series"
    if np.mean(~np.isnan(y[-60:])) < 0.3:
        return "gappy_series"
    return None


def series_forecast(history: pd.DataFrame, horizon: int = HORIZON, wanted: tuple[str, ...] = MODELS,
                    lgbm: dict | None = None) -> pd.DataFrame:
    """Every wanted model's forecast for ONE series from the end of its history: pandas in, pandas out
    (FORECAST_COLUMNS). The unit of work of both engines: the local pool maps it over series, Spark runs
    it in `groupBy("series_id").applyInPandas` (spark_jobs/forecast_fanout.py). `lgbm` is the global
    model trained once over all series (LightGBM forecasts are skipped without it)."""
    g = history.sort_values("ds").reset_index(drop=True)
    rule = series_rule(g)
    out = []
    if rule != "no_history":
        if "naive" in wanted:
            out.append(models.naive(g, horizon))
        if "seasonal_naive" in wanted:
            out.append(models.seasonal_naive(g, horizon))
    if rule is None and "prophet" in wanted:
        out.append(models.prophet(g, horizon))
    if rule is None and "lightgbm" in wanted and lgbm is not None:
        out.append(models.lightgbm_forecast(lgbm, g, horizon))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=FORECAST_COLUMNS)


Fanout = Callable[[pd.DataFrame, Callable[[pd.DataFrame], pd.DataFrame]], pd.DataFrame]


def local_fanout(workers: int = 1) -> Fanout:
    """Run a per-series function over every series here: in this process, or a pool of `workers`."""
    def fanout(hist: pd.DataFrame, fn: Callable[[pd.DataFrame], pd.DataFrame]) -> pd.DataFrame:
        groups = [g for _, g in hist.groupby("series_id", sort=True)]
        if workers > 1 and len(groups) > 1:
            # spawn: cmdstanpy reads its output with polars, whose threads do not survive fork (DESIGN.md)
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
                parts = list(pool.map(fn, groups, chunksize=max(1, len(groups) // (workers * 4))))
        else:
            parts = [fn(g) for g in groups]
        parts = [p for p in parts if len(p)]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=FORECAST_COLUMNS)
    return fanout


def forecast_at(series: pd.DataFrame, cutoff: pd.Timestamp | None, wanted: tuple[str, ...] = MODELS,
                horizon: int = HORIZON, workers: int = 1, fanout: Fanout | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Forecasts of every wanted model for every series from `cutoff` (None: each series' last day),
    fanned out by `fanout` (default: the local pool of `workers`). Returns (forecasts, rules: series_id, rule)."""
    hist = series if cutoff is None else series[series["ds"] <= cutoff]
    groups = {sid: g.reset_index(drop=True) for sid, g in hist.groupby("series_id", sort=True)}
    rules = {sid: series_rule(g) for sid, g in groups.items()}
    full = [sid for sid, r in rules.items() if r is None]
    lgbm = None
    if "lightgbm" in wanted and full:  # one global model, trained here; each series is then forecast apart
        lgbm = models.lightgbm_train(pd.concat([groups[s] for s in full]), horizon)
    fn = partial(series_forecast, horizon=horizon, wanted=wanted, lgbm=lgbm)
    forecasts = (fanout or local_fanout(workers))(hist, fn)
    forecasts = forecasts.sort_values(["series_id", "model", "horizon"], ignore_index=True)
    return forecasts, pd.DataFrame({"series_id": list(rules), "rule": list(rules.values())})


SCORE_COLUMNS = ["series_id", "model", "cutoff", "window", "mase", "smape", "coverage80", "coverage95", "n"]


def backtest(series: pd.DataFrame, n_cutoffs: int = 3, step_days: int = 30, wanted: tuple[str, ...] = MODELS,
             horizon: int = HORIZON, workers: int = 1, fanout: Fanout | None = None) -> pd.DataFrame:
    """Scores per series, model, cutoff and horizon window (h1_7, h1_30)."""
    last = series["ds"].max()
    rows = []
    for k in range(n_cutoffs, 0, -1):
        cutoff = last - pd.Timedelta(days=horizon + step_days * (k - 1))
        fc, rules = forecast_at(series, cutoff, wanted, horizon, workers, fanout)
        actual = series[["series_id", "ds", "y"]]
        joined = fc.merge(actual, on=["series_id", "ds"], how="left")
        hist = series[series["ds"] <= cutoff]
        scales = hist.groupby("series_id")["y"].apply(seasonal_naive_scale)
        for (sid, model), g in joined.groupby(["series_id", "model"]):
            for window, h in WINDOWS.items():
                rows.append({"series_id": sid, "model": model, "cutoff": cutoff.date(), "window": window,
                             **score(g[g["horizon"] <= h], scales.get(sid, np.nan))})
    # No cutoff with history before it (a young lake): no scores, but the columns callers select on.
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


CHAMPION_COLUMNS = ["series_id", "champion_model", "reason", "champion_mase_h1_30", "seasonal_naive_mase_h1_30"]


def champions(scores: pd.DataFrame, rules: pd.DataFrame) -> pd.DataFrame:
    """The champion per series: lowest mean 30-day MASE over the backtest cutoffs (simpler model on a
    tie), unless a series rule names the model."""
    mean = (scores[scores["window"] == "h1_30"].groupby(["series_id", "model"], as_index=False)["mase"].mean())
    order = {m: i for i, m in enumerate(MODELS)}
    out = []
    for sid, rule in zip(rules["series_id"], rules["rule"]):
        m = mean[mean["series_id"] == sid].dropna(subset=["mase"])
        snaive = m.loc[m["model"] == "seasonal_naive", "mase"]
        base = float(snaive.iloc[0]) if len(snaive) else np.nan
        if rule == "no_history":
            continue
        if rule == "short_series" or (rule is None and m.empty):
            champ, reason = "seasonal_naive", rule or "no_backtest_scores"
        elif rule in ("constant_series", "gappy_series"):
            champ, reason = "naive", rule
        else:
            m = m.assign(order=m["model"].map(order)).sort_values(["mase", "order"])
            champ, reason = m["model"].iloc[0], "lowest_backtest_mase"
        champ_mase = m.loc[m["model"] == champ, "mase"]
        out.append({"series_id": sid, "champion_model": champ, "reason": reason,
                    "champion_mase_h1_30": float(champ_mase.iloc[0]) if len(champ_mase) else np.nan,
                    "seasonal_naive_mase_h1_30": base})
    return pd.DataFrame(out, columns=CHAMPION_COLUMNS)
