"""The LightGBM global model: one model learnt across every mandi and commodity (cross-learning), direct
multi-horizon, predicting the log change from the origin's price to the price h days later.

Features carry what is known at the origin about the next 1-30 days: where today's price stands against
its own recent levels and against the same commodity across the state's mandis (spreads revert), recent
changes, arrivals and their change, the year-ago price at the target date, the season of the target
date, the weekday, the days to the next big festival, recent volatility, the commodity. Rainfall is not
a feature yet (no per-mandi rainfall in silver).

`market_columns` adds the cross-sectional column over all series (the commodity's median log price per
day) before the per-series work is fanned out, so a per-series call (pool or Spark) needs only its
group's rows. Nothing uses data after the origin."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ml.forecast.models import filled

FEATURES = ["h", "lvl7", "lvl30", "lvl90", "chg1", "chg7", "chg28", "spread", "spread_chg7", "year_ago_gap",
            "year_ago_level", "arr_7_30", "arr_chg7", "arr_year", "vol30", "days_since_price", "dow", "doy_sin",
            "doy_cos", "festival_days", "commodity"]
PARAMS = {"objective": "l1", "learning_rate": 0.05, "num_leaves": 31, "min_data_in_leaf": 100,
          "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0,
          "deterministic": True, "verbose": -1}
ROUNDS = 100
MAX_TRAINING_ROWS = 100_000  # sampled (origin, horizon) pairs per training: 250k and 150 rounds scored the same
FESTIVALS = ("Diwali", "Dussehra", "Holi", "Eid al-Fitr", "Eid al-Adha", "Ganesh Chaturthi", "Makar Sankranti")


def commodity_of(series_id: str) -> str:
    return series_id.split("|", 1)[1]


def market_columns(series: pd.DataFrame) -> pd.DataFrame:
    """series + market_ly: the median observed log price of the same commodity across mandis that day,
    carried forward over days nobody traded."""
    s = series.assign(commodity=series["series_id"].map(commodity_of), ly=np.log(series["y"]))
    med = s.dropna(subset=["ly"]).groupby(["commodity", "ds"])["ly"].median().rename("market_ly").reset_index()
    days = pd.DataFrame({"ds": pd.date_range(series["ds"].min(), series["ds"].max(), freq="D")}) if len(series) else \
        pd.DataFrame({"ds": pd.Series(dtype="datetime64[ns]")})
    full = (pd.MultiIndex.from_product([med["commodity"].unique(), days["ds"]], names=["commodity", "ds"])
            .to_frame(index=False).merge(med, how="left", on=["commodity", "ds"]))
    full["market_ly"] = full.groupby("commodity")["market_ly"].ffill()
    out = s.merge(full, how="left", on=["commodity", "ds"])
    return out.drop(columns=["commodity", "ly"])


@functools.lru_cache(maxsize=1)
def _festival_days() -> np.ndarray:
    import holidays

    days = [d for d, name in holidays.country_holidays("IN", years=range(2001, 2036)).items()
            if any(f in name for f in FESTIVALS)]
    return np.array(sorted(days), dtype="datetime64[D]")


def _days_to_festival(target: np.ndarray) -> np.ndarray:
    fest = _festival_days()
    t = target.astype("datetime64[D]")
    i = np.clip(np.searchsorted(fest, t), 0, len(fest) - 1)
    return np.clip((fest[i] - t).astype(float), 0, 60)


def _trailing_mean(x: np.ndarray, window: int) -> np.ndarray:
    """Mean of the last `window` values up to each index (fewer at the start)."""
    c = np.cumsum(np.concatenate([[0.0], x]))
    i = np.arange(1, len(x) + 1)
    lo = np.maximum(i - window, 0)
    return (c[i] - c[lo]) / (i - lo)


def arrays(g: pd.DataFrame) -> dict[str, np.ndarray]:
    """One series' columns as arrays (full calendar, sorted): what `features` and the models read."""
    return {"ds": g["ds"].to_numpy(dtype="datetime64[ns]"), "y": g["y"].to_numpy(dtype=float),
            "arrivals": g["arrivals"].to_numpy(dtype=float) if "arrivals" in g else np.zeros(len(g)),
            "market_ly": g["market_ly"].to_numpy(dtype=float) if "market_ly" in g else np.full(len(g), np.nan)}


def features(a: dict[str, np.ndarray], origins: np.ndarray, hs: np.ndarray, commodity_code: int) -> dict[str, np.ndarray]:
    """Feature rows for (origin index, horizon) pairs of one series (`arrays`), plus _target (log change
    to the target day, NaN when that day is unpriced or past the data) and _level (log price at the origin)."""
    y = a["y"]
    n = len(y)
    yf = filled(y)
    ly = np.log(yf)
    obs_idx = np.where(~np.isnan(y), np.arange(n), -1)
    last_obs = np.maximum.accumulate(obs_idx)
    arr = np.nan_to_num(a["arrivals"], nan=0.0)
    a7, a30 = _trailing_mean(arr, 7), _trailing_mean(arr, 30)
    market = filled(a["market_ly"]) if np.isfinite(a["market_ly"]).any() else ly
    spread = ly - np.where(np.isnan(market), ly, market)
    absd = np.abs(np.diff(ly, prepend=ly[0]))
    vol30 = _trailing_mean(absd, 30)
    o, h = origins.astype(int), hs.astype(int)
    t = o + h

    def at(x: np.ndarray, idx: np.ndarray) -> np.ndarray:
        return np.where((idx >= 0) & (idx < n), x[np.clip(idx, 0, n - 1)], np.nan)

    ds = a["ds"]
    target_ds = ds[o] + h * np.timedelta64(1, "D")
    days = target_ds.astype("datetime64[D]")
    doy = (days - days.astype("datetime64[Y]")).astype(int) + 1
    dow = (days.astype(int) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    target = np.where(t < n, np.log(at(y, t)) - ly[o], np.nan)
    return {
        "h": h.astype(float),
        "lvl7": ly[o] - np.log(_trailing_mean(yf, 7)[o]), "lvl30": ly[o] - np.log(_trailing_mean(yf, 30)[o]),
        "lvl90": ly[o] - np.log(_trailing_mean(yf, 90)[o]),
        "chg1": ly[o] - at(ly, o - 1), "chg7": ly[o] - at(ly, o - 7), "chg28": ly[o] - at(ly, o - 28),
        "spread": spread[o], "spread_chg7": spread[o] - at(spread, o - 7),
        "year_ago_gap": at(ly, t - 364) - ly[o], "year_ago_level": ly[o] - at(ly, o - 364),
        "arr_7_30": np.log((a7[o] + 1) / (a30[o] + 1)), "arr_chg7": np.log((a7[o] + 1) / (at(a7, o - 7) + 1)),
        "arr_year": np.log((a30[o] + 1) / (at(a30, o - 364) + 1)),
        "vol30": vol30[o], "days_since_price": (o - last_obs[o]).astype(float),
        "dow": dow.astype(float),
        "doy_sin": np.sin(2 * np.pi * doy / 365.25), "doy_cos": np.cos(2 * np.pi * doy / 365.25),
        "festival_days": _days_to_festival(target_ds),
        "commodity": np.full(len(o), commodity_code, dtype=float),
        "_target": target, "_level": ly[o], "_target_ds": target_ds,
    }


@dataclass
class TrainingRows:
    """Candidate training rows: features X (float32, FEATURES order), target (log change), target day."""
    X: np.ndarray
    target: np.ndarray
    target_ds: np.ndarray
    code: dict[str, int]

    def __len__(self) -> int:
        return len(self.target)


def training_rows(histories: pd.DataFrame, horizon: int, seed: int = 0, per_origin: int = 2) -> TrainingRows:
    """Candidate training rows over every series' whole history: each priced day as an origin with
    `per_origin` random horizons. A training at a cutoff takes the rows whose target day is on or before it."""
    rng = np.random.default_rng(seed)
    commodities = sorted({commodity_of(s) for s in histories["series_id"].unique()})
    code = {c: i for i, c in enumerate(commodities)}
    X, target, target_ds = [], [], []
    for sid, g in histories.groupby("series_id", sort=True):
        a = arrays(g.sort_values("ds"))
        origins = np.flatnonzero(~np.isnan(a["y"]))
        origins = origins[origins >= 30]
        if len(origins) == 0:
            continue
        o = np.repeat(origins, per_origin)
        h = rng.integers(1, horizon + 1, len(o))
        keep = o + h < len(a["y"])
        f = features(a, o[keep], h[keep], code[commodity_of(sid)])
        ok = ~np.isnan(f["_target"])
        X.append(np.column_stack([f[c][ok] for c in FEATURES]).astype(np.float32))
        target.append(f["_target"][ok])
        target_ds.append(f["_target_ds"][ok])
    if not X:
        return TrainingRows(np.empty((0, len(FEATURES)), np.float32), np.empty(0), np.empty(0, "datetime64[ns]"), code)
    return TrainingRows(np.concatenate(X), np.concatenate(target), np.concatenate(target_ds), code)


def train(rows: TrainingRows, cutoff: pd.Timestamp, seed: int = 0, threads: int = 0,
          max_rows: int | None = None, rounds: int | None = None) -> dict:
    """The global model for forecasts from `cutoff`: trained on the rows whose target day is on or
    before it (no leakage), at most `max_rows` of them, sampled."""
    import lightgbm as lgb

    max_rows, rounds = max_rows or MAX_TRAINING_ROWS, rounds or ROUNDS
    idx = np.flatnonzero(rows.target_ds <= np.datetime64(cutoff, "ns"))
    if len(idx) < 1_000:
        return {"model": None, "code": rows.code, "rows": len(idx)}
    if len(idx) > max_rows:
        idx = np.sort(np.random.default_rng(seed).choice(idx, max_rows, replace=False))
    ds_ = lgb.Dataset(rows.X[idx], rows.target[idx], feature_name=FEATURES, categorical_feature=["commodity"],
                      free_raw_data=True)
    model = lgb.train({**PARAMS, "seed": seed, "num_threads": threads}, ds_, num_boost_round=rounds)
    return {"model": model, "code": rows.code, "rows": len(idx)}


def forecast(trained: dict, series_id: str, a: dict[str, np.ndarray], horizon: int) -> np.ndarray:
    """Log-price forecasts for one series from the end of its arrays (the origin)."""
    commodity = commodity_of(series_id)
    if trained.get("model") is None or commodity not in trained["code"]:
        raise KeyError(commodity)
    f = features(a, np.full(horizon, len(a["y"]) - 1), np.arange(1, horizon + 1), trained["code"][commodity])
    X = np.column_stack([f[c] for c in FEATURES]).astype(np.float32)
    return trained["model"].predict(X, num_threads=1) + f["_level"]
