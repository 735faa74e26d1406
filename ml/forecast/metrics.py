"""Forecast accuracy: MASE against the seasonal naive, sMAPE, and interval coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.forecast import SEASON


def seasonal_naive_scale(history: pd.Series, season: int = SEASON) -> float:
    """In-sample MAE of the seasonal naive forecast (y_t - y_{t-season}) on the observed pairs."""
    y = history.to_numpy(dtype=float)
    if len(y) <= season:
        return float("nan")
    diff = np.abs(y[season:] - y[:-season])
    diff = diff[~np.isnan(diff)]
    return float(diff.mean()) if len(diff) and diff.mean() > 0 else float("nan")


def score(frame: pd.DataFrame, scale: float) -> dict:
    """frame: y (actual), yhat, lo80, hi80, lo95, hi95 for the observed target days."""
    f = frame.dropna(subset=["y", "yhat"])
    if f.empty:
        return {"mase": np.nan, "smape": np.nan, "coverage80": np.nan, "coverage95": np.nan, "n": 0}
    err = np.abs(f["y"] - f["yhat"])
    return {
        "mase": float(err.mean() / scale) if scale and not np.isnan(scale) else np.nan,
        "smape": float((200 * err / (np.abs(f["y"]) + np.abs(f["yhat"])).replace(0, np.nan)).mean()),
        "coverage80": float(((f["y"] >= f["lo80"]) & (f["y"] <= f["hi80"])).mean()),
        "coverage95": float(((f["y"] >= f["lo95"]) & (f["y"] <= f["hi95"])).mean()),
        "n": int(len(f)),
    }
