"""The forecast models. Each returns FORECAST_COLUMNS for horizons 1..HORIZON after the cutoff.

Prices move multiplicatively, so every model works on log prices and intervals are symmetric in logs."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from ml.forecast import FORECAST_COLUMNS, HORIZON, SEASON

Z80, Z95 = 1.2816, 1.9600
QUANTILES = {"lo95": 0.025, "lo80": 0.10, "yhat": 0.5, "hi80": 0.90, "hi95": 0.975}


def _frame(series_id: str, cutoff: pd.Timestamp, horizon: int, model: str, log_mid: np.ndarray, log_sd: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({
        "series_id": series_id, "ds": pd.date_range(cutoff + pd.Timedelta(days=1), periods=horizon, freq="D"),
        "horizon": np.arange(1, horizon + 1), "yhat": np.exp(log_mid),
        "lo80": np.exp(log_mid - Z80 * log_sd), "hi80": np.exp(log_mid + Z80 * log_sd),
        "lo95": np.exp(log_mid - Z95 * log_sd), "hi95": np.exp(log_mid + Z95 * log_sd), "model": model,
    })[FORECAST_COLUMNS]


def _log_changes(y: np.ndarray, lag: int) -> np.ndarray:
    ly = np.log(y)
    d = ly[lag:] - ly[:-lag]
    return d[~np.isnan(d)]


def naive(history: pd.DataFrame, horizon: int = HORIZON) -> pd.DataFrame:
    """Tomorrow's price is today's (the last observed price), with intervals from daily log changes."""
    y = history["y"].to_numpy(dtype=float)
    last = y[~np.isnan(y)][-1]
    sd = np.std(_log_changes(pd.Series(y).ffill().to_numpy(), 1)) if np.sum(~np.isnan(y)) > 2 else 0.1
    h = np.arange(1, horizon + 1)
    return _frame(history["series_id"].iloc[0], history["ds"].iloc[-1], horizon, "naive",
                  np.full(horizon, np.log(last)), np.maximum(sd, 1e-3) * np.sqrt(h))


def seasonal_naive(history: pd.DataFrame, horizon: int = HORIZON, season: int = SEASON) -> pd.DataFrame:
    """The price of the same weekday in the last observed week (gaps filled forward)."""
    y = pd.Series(history["y"].to_numpy(dtype=float)).ffill().bfill().to_numpy()
    h = np.arange(1, horizon + 1)
    idx = len(y) - season + ((h - 1) % season)
    idx = np.clip(idx, 0, len(y) - 1)
    changes = _log_changes(y, season) if len(y) > season + 2 else np.array([0.1])
    sd = max(float(np.std(changes)), 1e-3)
    return _frame(history["series_id"].iloc[0], history["ds"].iloc[-1], horizon, "seasonal_naive",
                  np.log(y[idx]), sd * np.sqrt(np.ceil(h / season)))


def prophet(history: pd.DataFrame, horizon: int = HORIZON, samples: int = 200, seed: int = 0) -> pd.DataFrame:
    """Prophet on log prices: yearly and weekly seasonality, Indian public holidays and festivals."""
    from prophet import Prophet

    # after the import: cmdstanpy sets up its own logger when it is first imported (in each worker)
    logging.getLogger("cmdstanpy").setLevel(logging.WARNING)
    logging.getLogger("prophet").setLevel(logging.WARNING)

    obs = history.dropna(subset=["y"])
    span_days = (obs["ds"].max() - obs["ds"].min()).days
    m = Prophet(yearly_seasonality=span_days >= 365 * 2, weekly_seasonality=True, daily_seasonality=False,
                uncertainty_samples=samples, changepoint_prior_scale=0.05)
    m.add_country_holidays(country_name="IN")
    np.random.seed(seed)  # prophet's predictive samples draw from numpy's global generator
    m.fit(pd.DataFrame({"ds": obs["ds"], "y": np.log(obs["y"].to_numpy(dtype=float))}))
    future = pd.DataFrame({"ds": pd.date_range(history["ds"].iloc[-1] + pd.Timedelta(days=1), periods=horizon, freq="D")})
    draws = m.predictive_samples(future)["yhat"]  # log prices, one row per day
    q = {k: np.quantile(draws, p, axis=1) for k, p in QUANTILES.items()}
    out = pd.DataFrame({"series_id": history["series_id"].iloc[0], "ds": future["ds"], "horizon": np.arange(1, horizon + 1),
                        **{k: np.exp(v) for k, v in q.items()}, "model": "prophet"})
    return out[FORECAST_COLUMNS]


# --- LightGBM: one global model over all series, direct multi-horizon, quantile objectives

FEATURES = ["h", "lvl7", "lvl30", "chg7", "chg28", "year_ago", "dow", "doy_sin", "doy_cos", "arrivals_ratio", "commodity"]


def _series_arrays(g: pd.DataFrame):
    y = g["y"].to_numpy(dtype=float)
    obs = ~np.isnan(y)
    yf = pd.Series(y).ffill().to_numpy()
    ly = np.log(yf)
    arr = pd.Series(g["arrivals"].to_numpy(dtype=float)).fillna(0)
    m7 = pd.Series(yf).rolling(7, min_periods=1).mean().to_numpy()
    m30 = pd.Series(yf).rolling(30, min_periods=1).mean().to_numpy()
    a7 = arr.rolling(7, min_periods=1).mean().to_numpy()
    a30 = arr.rolling(30, min_periods=1).mean().to_numpy()
    return y, obs, ly, m7, m30, a7, a30


def _rows(g: pd.DataFrame, origins: np.ndarray, hs: np.ndarray, commodity_code: int) -> dict[str, np.ndarray]:
    """Feature rows for (origin, horizon) pairs of one series (arrays aligned)."""
    y, obs, ly, m7, m30, a7, a30 = _series_arrays(g)
    o, h = origins, hs
    t = o + h
    ds = g["ds"].to_numpy()
    lag = lambda k: np.where(o - k >= 0, ly[np.maximum(o - k, 0)], np.nan)  # noqa: E731
    ya_idx = t - 364
    year_ago = np.where(ya_idx >= 0, ly[np.clip(ya_idx, 0, len(ly) - 1)] - ly[o], np.nan)
    target_ds = ds[o] + (h * np.timedelta64(1, "D"))
    doy = pd.DatetimeIndex(target_ds).dayofyear.to_numpy()
    return {
        "h": h.astype(float), "lvl7": ly[o] - np.log(m7[o]), "lvl30": ly[o] - np.log(m30[o]),
        "chg7": ly[o] - lag(7), "chg28": ly[o] - lag(28), "year_ago": year_ago,
        "dow": pd.DatetimeIndex(target_ds).dayofweek.to_numpy().astype(float),
        "doy_sin": np.sin(2 * np.pi * doy / 365.25), "doy_cos": np.cos(2 * np.pi * doy / 365.25),
        "arrivals_ratio": np.log((a7[o] + 1) / (a30[o] + 1)), "commodity": np.full(len(o), commodity_code, dtype=float),
        "_target": np.where(t < len(ly), np.log(np.where(t < len(y), y[np.minimum(t, len(y) - 1)], np.nan)) - ly[o], np.nan),
        "_level": ly[o],
    }


MAX_TRAINING_ROWS = 1_500_000


def lightgbm_train(histories: pd.DataFrame, horizon: int = HORIZON, stride: int | None = None, seed: int = 0,
                   n_estimators: int = 150, threads: int = 0) -> dict:
    """Train the quantile models on every series' history (each history ends at its cutoff). Origins are
    taken every `stride` days; by default as often as keeps the training set under MAX_TRAINING_ROWS."""
    import lightgbm as lgb

    if stride is None:
        stride = max(3, int(np.ceil(len(histories) * horizon / MAX_TRAINING_ROWS)))
    commodities = sorted({sid.split("|", 1)[1] for sid in histories["series_id"].unique()})
    code = {c: i for i, c in enumerate(commodities)}
    parts = []
    for sid, g in histories.groupby("series_id", sort=False):
        g = g.reset_index(drop=True)
        obs = g["y"].notna().to_numpy()
        origins = np.arange(30, len(g) - 1, stride)
        origins = origins[obs[origins]]
        if len(origins) == 0:
            continue
        o = np.repeat(origins, horizon)
        h = np.tile(np.arange(1, horizon + 1), len(origins))
        keep = o + h < len(g)
        rows = _rows(g, o[keep], h[keep], code[sid.split("|", 1)[1]])
        frame = pd.DataFrame(rows)
        parts.append(frame[frame["_target"].notna()])
    if not parts:
        return {"models": {}, "code": code}
    data = pd.concat(parts, ignore_index=True)
    models = {}
    for name, alpha in QUANTILES.items():
        params = {"objective": "quantile", "alpha": alpha, "learning_rate": 0.05, "num_leaves": 31, "min_data_in_leaf": 50,
                  "feature_fraction": 0.9, "seed": seed, "deterministic": True, "verbose": -1, "num_threads": threads}
        ds_ = lgb.Dataset(data[FEATURES], data["_target"], categorical_feature=["commodity"], free_raw_data=False)
        models[name] = lgb.train(params, ds_, num_boost_round=n_estimators)
    return {"models": models, "code": code, "rows": len(data)}


def lightgbm_forecast(trained: dict, history: pd.DataFrame, horizon: int = HORIZON) -> pd.DataFrame:
    """Forecast one series from the end of its history with the trained global model."""
    g = history.reset_index(drop=True)
    sid = g["series_id"].iloc[0]
    commodity = sid.split("|", 1)[1]
    if not trained["models"] or commodity not in trained["code"]:
        raise ValueError(f"{sid}: the global model has not seen commodity {commodity!r}")
    o = np.full(horizon, len(g) - 1)
    rows = pd.DataFrame(_rows(g, o, np.arange(1, horizon + 1), trained["code"][commodity]))
    pred = {name: m.predict(rows[FEATURES]) + rows["_level"].to_numpy() for name, m in trained["models"].items()}
    # quantile models are fitted apart: sort so the interval bounds never cross
    stacked = np.sort(np.vstack([pred[k] for k in ("lo95", "lo80", "yhat", "hi80", "hi95")]), axis=0)
    out = pd.DataFrame({"series_id": sid, "ds": pd.date_range(g["ds"].iloc[-1] + pd.Timedelta(days=1), periods=horizon, freq="D"),
                        "horizon": np.arange(1, horizon + 1), "lo95": np.exp(stacked[0]), "lo80": np.exp(stacked[1]),
                        "yhat": np.exp(stacked[2]), "hi80": np.exp(stacked[3]), "hi95": np.exp(stacked[4]), "model": "lightgbm"})
    return out[FORECAST_COLUMNS]
