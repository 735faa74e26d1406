"""A pest and disease model learned from what farmers report (the app's advisory feedback): the chance
that a farm with a given crop reports a pest or disease, from that day's block weather.

LightGBM (binary) is trained on the earliest 60 % of reports, calibrated with isotonic regression on
the next 20 % and scored on the latest 20 % (split by date, so the score is on unseen days), with the
Brier score against the base rate. It is used only when it beats the base rate there.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ml.advisories.crops import CROPS

MODEL_VERSION_PREFIX = "pest-incident-lgbm"
FEATURES = ["temp_min_c", "temp_max_c", "humidity_pct", "rain_mm", "crop", "month"]
CROP_CODES = {c: i for i, c in enumerate(sorted(CROPS))}
MIN_REPORTS = 100
REASON = "REPORTED_INCIDENTS_MODEL"


def isotonic_fit(score: np.ndarray, label: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pool-adjacent-violators: non-decreasing frequencies over blocks of scores. Returns knots (each
    block's first and last score, with the block's frequency) for piecewise-linear interpolation:
    flat inside a block, linear between blocks, clipped outside."""
    order = np.argsort(score, kind="stable")
    x, y = score[order], label[order].astype(float)
    values, weights, starts, ends = [], [], [], []
    for xi, yi in zip(x, y):
        values.append(yi)
        weights.append(1.0)
        starts.append(xi)
        ends.append(xi)
        while len(values) > 1 and values[-2] > values[-1]:
            w = weights[-2] + weights[-1]
            v = (values[-2] * weights[-2] + values[-1] * weights[-1]) / w
            values[-2:], weights[-2:], starts[-2:], ends[-2:] = [v], [w], [starts[-2]], [ends[-1]]
    knots_x = np.ravel(np.column_stack([starts, ends]))
    knots_y = np.repeat(values, 2)
    return knots_x, knots_y


def isotonic_apply(model: tuple[np.ndarray, np.ndarray], score: np.ndarray) -> np.ndarray:
    knots_x, knots_y = model
    return np.interp(score, knots_x, knots_y)


def features(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"temp_min_c": frame["temp_min_c"].astype(float), "temp_max_c": frame["temp_max_c"].astype(float),
                         "humidity_pct": frame["humidity_pct"].astype(float), "rain_mm": frame["rain_mm"].astype(float),
                         "crop": frame["crop"].map(CROP_CODES).astype(float),
                         "month": pd.to_datetime(frame["date"]).dt.month.astype(float)})


@dataclass
class PestModel:
    booster: object
    calibration: tuple[np.ndarray, np.ndarray]
    base_rate: float
    brier_base: float
    brier_raw: float
    brier_calibrated: float
    version: str
    reports: int

    @property
    def useful(self) -> bool:
        return self.brier_calibrated < self.brier_base

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return isotonic_apply(self.calibration, self.booster.predict(features(frame)))


def train(reports: pd.DataFrame, seed: int = 0) -> PestModel | None:
    """reports: date, crop, temp_min_c, temp_max_c, humidity_pct, rain_mm, incident (bool). None when there
    are too few reports, or only one outcome, to learn from."""
    import lightgbm as lgb

    r = reports.dropna(subset=["temp_min_c", "temp_max_c", "humidity_pct"]).sort_values("date").reset_index(drop=True)
    if len(r) < MIN_REPORTS or r["incident"].nunique() < 2:
        return None
    a, b = int(len(r) * 0.6), int(len(r) * 0.8)
    fit, cal, test = r.iloc[:a], r.iloc[a:b], r.iloc[b:]
    params = {"objective": "binary", "learning_rate": 0.05, "num_leaves": 7, "min_data_in_leaf": 10, "seed": seed,
              "deterministic": True, "verbose": -1, "num_threads": 0}
    booster = lgb.train(params, lgb.Dataset(features(fit), fit["incident"].astype(int), categorical_feature=["crop"]),
                        num_boost_round=150)
    calibration = isotonic_fit(booster.predict(features(cal)), cal["incident"].to_numpy())
    y = test["incident"].to_numpy(dtype=float)
    raw = booster.predict(features(test))
    calibrated = isotonic_apply(calibration, raw)
    base = float(fit["incident"].mean())
    blob = json.dumps({"params": params, "from": str(r["date"].min()), "to": str(r["date"].max()), "n": len(r)})
    return PestModel(booster, calibration, base, float(np.mean((base - y) ** 2)), float(np.mean((raw - y) ** 2)),
                     float(np.mean((calibrated - y) ** 2)), f"{MODEL_VERSION_PREFIX}-{hashlib.sha256(blob.encode()).hexdigest()[:10]}",
                     len(r))


def advise(model: PestModel, farms_today: pd.DataFrame) -> pd.DataFrame:
    """farms_today: farm_id, date, crop and the block's weather of the day. Rows for a chance of 30 % or more."""
    if not model.useful or farms_today.empty:
        return pd.DataFrame()
    f = farms_today.dropna(subset=["temp_min_c", "temp_max_c", "humidity_pct"]).reset_index(drop=True)
    p = model.predict(f)
    keep = p >= 0.3
    f, p = f[keep], p[keep]
    inputs = [json.dumps({"crop": c, "incident_probability": round(float(q), 3), "base_rate": round(model.base_rate, 3),
                          "brier_test": round(model.brier_calibrated, 4), "brier_base_rate": round(model.brier_base, 4),
                          "reports_trained_on": model.reports}) for c, q in zip(f["crop"], p)]
    return pd.DataFrame({"farm_id": f["farm_id"].to_numpy(), "advisory_date": f["date"].to_numpy(), "advisory_type": "pest_risk_model",
                         "severity": np.where(p >= 0.5, "high", "medium"), "reason_code": REASON,
                         "amount_mm": np.nan, "amount_litres_per_acre": np.nan, "inputs": inputs, "model_version": model.version})
