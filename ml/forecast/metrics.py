"""Forecast accuracy as the forecasting literature reports it, per horizon band (ml.forecast.BANDS):
MAE; MASE, scaled by the in-sample MAE of the one-step naive forecast (Hyndman & Koehler 2006); the
relative MAE against the naive and against the seasonal naive on the same days; sMAPE (%); and the
coverage of the 80 % and 95 % intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.forecast import BANDS

SCORE_COLUMNS = ["series_id", "model", "cutoff", "window", "mae", "mase", "rel_mae_naive", "rel_mae_seasonal_naive",
                 "smape", "coverage80", "coverage95", "n"]


def naive_scale(history: pd.Series | np.ndarray) -> float:
    """In-sample MAE (Rs/quintal) of the one-step naive forecast over consecutive priced days; NaN when the
    series never moved or has fewer than two prices."""
    y = np.asarray(history, dtype=float)
    y = y[~np.isnan(y)]
    if len(y) < 2:
        return float("nan")
    d = np.abs(np.diff(y))
    return float(d.mean()) if d.mean() > 0 else float("nan")


def score_frame(fc: pd.DataFrame, actual: pd.DataFrame, scales: pd.DataFrame) -> pd.DataFrame:
    """fc: series_id, origin, ds, horizon, model, yhat, lo80, hi80, lo95, hi95; actual: series_id, ds, y;
    scales: series_id, origin, naive_scale. One row per series, model, origin and band (SCORE_COLUMNS)."""
    j = fc.merge(actual.dropna(subset=["y"])[["series_id", "ds", "y"]], on=["series_id", "ds"], how="inner")
    if j.empty:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    j["err"] = (j["y"] - j["yhat"]).abs()
    denom = (j["y"].abs() + j["yhat"].abs()).replace(0, np.nan)
    j["sape"] = 200 * j["err"] / denom
    j["in80"] = ((j["y"] >= j["lo80"]) & (j["y"] <= j["hi80"])).astype(float)
    j["in95"] = ((j["y"] >= j["lo95"]) & (j["y"] <= j["hi95"])).astype(float)
    parts = []
    for window, (lo, hi) in BANDS.items():
        b = j[j["horizon"].between(lo, hi)]
        agg = b.groupby(["series_id", "model", "origin"], as_index=False).agg(
            mae=("err", "mean"), smape=("sape", "mean"), coverage80=("in80", "mean"), coverage95=("in95", "mean"),
            n=("err", "size"))
        parts.append(agg.assign(window=window))
    s = pd.concat(parts, ignore_index=True).merge(scales, on=["series_id", "origin"], how="left")
    s["mase"] = s["mae"] / s["naive_scale"]
    for base in ("naive", "seasonal_naive"):
        ref = s[s["model"] == base][["series_id", "origin", "window", "mae"]].rename(columns={"mae": f"_{base}"})
        s = s.merge(ref, on=["series_id", "origin", "window"], how="left")
        s[f"rel_mae_{base}"] = s["mae"] / s[f"_{base}"].replace(0, np.nan)
    s["cutoff"] = pd.to_datetime(s["origin"]).dt.date
    return s[SCORE_COLUMNS]
