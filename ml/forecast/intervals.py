"""Prediction intervals from each model's own out-of-sample errors (split conformal, scaled per series).

A backtest forecast from origin c for horizon h has the error z = log(actual / forecast) / s, where s is
the series' typical one-day log move before c (`scale_of`). For a model and horizon, the 10th/90th
and 2.5th/97.5th percentiles of z over every series and earlier origin (horizons h-2..h+2 pooled) give
its 80 % and 95 % interval: forecast x exp(q x s). Only errors whose target day is on or before the new
origin are used, so the intervals measured in a backtest are the ones the run would have published then.

Without enough errors (a young lake, a new model), the interval is the random walk's: the series' daily
log volatility x sqrt(h) (or the median over series when it has too few moves), wider than the
conformal ones on real onion series, and marked interval_basis='random_walk'."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.forecast import HORIZON

LEVELS = {"lo95": 0.025, "lo80": 0.10, "hi80": 0.90, "hi95": 0.975}
Z = {"lo95": -1.9600, "lo80": -1.2816, "hi80": 1.2816, "hi95": 1.9600}
POOL_HALF_WIDTH = 2  # horizons h-2..h+2 share their errors
MIN_ERRORS = 40  # fewer pooled errors than this: the random-walk interval instead
SCALE_WINDOW_DAYS = 365
MIN_MOVES = 10
DEFAULT_DAILY_LOG_SD = 0.05  # when no series in the run has ten moves: a volatile vegetable's, not a grain's


def scale_of(ds: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(mean |move|, sd of moves) of a series' prices up to its origin: log changes between consecutive
    priced days of the last SCALE_WINDOW_DAYS; NaN when fewer than MIN_MOVES moves or none of them moved."""
    recent = y[ds > ds[-1] - np.timedelta64(SCALE_WINDOW_DAYS, "D")]
    d = np.diff(np.log(recent[~np.isnan(recent)]))
    if len(d) < MIN_MOVES:
        return np.nan, np.nan
    mad, sd = float(np.mean(np.abs(d))), float(np.std(d))
    return (mad, sd) if mad > 0 else (np.nan, np.nan)


def residuals(points: pd.DataFrame, actual: pd.DataFrame) -> pd.DataFrame:
    """Scaled log errors of backtest forecasts: points (series_id, origin, ds, horizon, yhat, model, scale)
    joined with actual (series_id, ds, y)."""
    j = points.merge(actual.dropna(subset=["y"])[["series_id", "ds", "y"]], on=["series_id", "ds"], how="inner")
    j = j[j["scale"].notna() & (j["scale"] > 0)]
    return j.assign(z=np.log(j["y"] / j["yhat"]) / j["scale"])[["model", "horizon", "ds", "z"]]


def calibrate(errors: pd.DataFrame, before: pd.Timestamp, horizon: int = HORIZON) -> pd.DataFrame:
    """Conformal quantiles per model and horizon from the errors whose target day is on or before
    `before`: model, horizon, n, lo95, lo80, hi80, hi95 (z units). Horizons without MIN_ERRORS are left out."""
    e = errors[errors["ds"] <= before]
    rows = []
    for model, g in e.groupby("model", sort=True):
        by_h = {h: v["z"].to_numpy() for h, v in g.groupby("horizon")}
        for h in range(1, horizon + 1):
            pool = [by_h[k] for k in range(h - POOL_HALF_WIDTH, h + POOL_HALF_WIDTH + 1) if k in by_h]
            z = np.concatenate(pool) if pool else np.array([])
            n = len(z)
            if n < MIN_ERRORS:
                continue
            q = {}
            for name, p in LEVELS.items():
                # finite-sample conformal level: a little further out than p with n errors
                adj = min(1.0, p * (n + 1) / n) if p > 0.5 else max(0.0, 1 - (1 - p) * (n + 1) / n)
                q[name] = float(np.quantile(z, adj, method="higher" if p > 0.5 else "lower"))
            rows.append({"model": model, "horizon": h, "n": n, **q})
    return pd.DataFrame(rows, columns=["model", "horizon", "n", *LEVELS])


def apply(points: pd.DataFrame, calib: pd.DataFrame) -> pd.DataFrame:
    """points (series_id, origin, ds, horizon, yhat, model, note, scale, sd) + lo80, hi80, lo95, hi95 and
    interval_basis. Bounds never cross and always contain the point forecast."""
    j = points.merge(calib.drop(columns=["n"]), on=["model", "horizon"], how="left")
    conformal = j["lo80"].notna() & j["scale"].notna()
    pooled_sd = np.nanmedian(j["sd"]) if j["sd"].notna().any() else DEFAULT_DAILY_LOG_SD
    sd = j["sd"].fillna(pooled_sd if np.isfinite(pooled_sd) and pooled_sd > 0 else DEFAULT_DAILY_LOG_SD)
    ly = np.log(j["yhat"].to_numpy(dtype=float))
    for name in LEVELS:
        q = np.where(conformal, j[name].to_numpy(dtype=float) * j["scale"].to_numpy(dtype=float),
                     Z[name] * sd.to_numpy() * np.sqrt(j["horizon"].to_numpy(dtype=float)))
        j[name] = np.exp(ly + q)
    y = j["yhat"]
    j["lo95"] = np.minimum(j[["lo95", "lo80"]].min(axis=1), y)
    j["lo80"] = np.minimum(np.maximum(j["lo80"], j["lo95"]), y)
    j["hi95"] = np.maximum(j[["hi95", "hi80"]].max(axis=1), y)
    j["hi80"] = np.maximum(np.minimum(j["hi80"], j["hi95"]), y)
    j["interval_basis"] = np.where(conformal, "conformal", "random_walk")
    return j
