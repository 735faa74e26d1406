"""The per-series forecast models. Each takes one series' prices up to its origin (`y`, one value per
calendar day, NaN where not traded) and returns log-price point forecasts for horizons 1..horizon.

Prices move multiplicatively, so every model works on log prices. None of them makes its own interval:
intervals come from each model's out-of-sample errors (ml/forecast/intervals.py)."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from ml.forecast import SEASON


def filled(y: np.ndarray) -> np.ndarray:
    """Gaps filled with the last price before them (leading gaps with the first price)."""
    y = np.asarray(y, dtype=float)
    obs = ~np.isnan(y)
    if obs.all() or not obs.any():
        return y
    idx = np.maximum.accumulate(np.where(obs, np.arange(len(y)), -1))
    idx[idx < 0] = np.flatnonzero(obs)[0]
    return y[idx]


def _log_filled(y: np.ndarray) -> np.ndarray:
    return np.log(filled(y))


def naive(y: np.ndarray, horizon: int) -> np.ndarray:
    """Every day ahead at the last observed price (the random walk)."""
    y = np.asarray(y, dtype=float)
    return np.full(horizon, np.log(y[~np.isnan(y)][-1]))


def seasonal_naive(y: np.ndarray, horizon: int, season: int = SEASON) -> np.ndarray:
    """The price of the same weekday in the last week (gaps filled forward)."""
    ly = _log_filled(y)
    h = np.arange(1, horizon + 1)
    idx = np.clip(len(ly) - season + ((h - 1) % season), 0, len(ly) - 1)
    return ly[idx]


THETA_WINDOW_DAYS = 730  # the drift of the last two years; older levels say little about next month
_ALPHAS = np.linspace(0.01, 0.99, 99)


def theta(y: np.ndarray, horizon: int) -> np.ndarray:
    """The standard Theta method (Assimakopoulos & Nikolopoulos 2000, as Hyndman & Billah 2003 showed it:
    simple exponential smoothing plus half the slope of a linear trend), on log prices, in the formulation
    of statsmodels' ThetaModel (theta=2, no deseasonalising; tests/test_forecast.py holds it to that
    library), from the end of `y`. See theta_at."""
    return theta_at(y, np.array([len(y)]), horizon)[0]


def theta_at(y: np.ndarray, ends: np.ndarray, horizon: int) -> np.ndarray:
    """Theta forecasts from several origins of one series at once (row k: from y[:ends[k]]), in ONE
    smoothing pass: the smoothing weight is the one of 99 on a 0.01 grid with the least one-step squared
    error over the last THETA_WINDOW_DAYS before each origin, searched for all weights together. A series'
    nine weekly origins cost about a millisecond, against ThetaModel's 35-55 ms a fit, which decides
    whether 1,000 series x 9 origins fit in the weekly run's two minutes. For a history no longer than the
    window this is exactly ThetaModel's fit (initial level = first value)."""
    ly = _log_filled(y)
    n = len(ly)
    level = np.full(len(_ALPHAS), ly[0])
    sse = np.zeros((n + 1, len(_ALPHAS)))  # sse[t]: errors of the one-step forecasts of y[1..t-1]
    levels = np.empty((n + 1, len(_ALPHAS)))
    levels[1] = level
    acc = np.zeros(len(_ALPHAS))
    for t in range(1, n):
        err = ly[t] - level
        acc = acc + err * err
        level = level + _ALPHAS * err
        sse[t + 1] = acc
        levels[t + 1] = level
    out = np.empty((len(ends), horizon))
    for k, e in enumerate(np.asarray(ends, dtype=int)):
        if e < 3:
            out[k] = np.log(y[:e][~np.isnan(y[:e])][-1])
            continue
        start = max(0, e - THETA_WINDOW_DAYS)
        window_sse = sse[e] - sse[start + 1] if start else sse[e]
        a = int(np.argmin(window_sse))
        alpha, one_step = _ALPHAS[a], levels[e][a]
        w = ly[start:e]
        b0 = np.polyfit(np.arange(len(w), dtype=float), w, 1)[0]
        h = np.arange(horizon, dtype=float) + 1 / alpha - (1 - alpha) ** len(w) / alpha
        out[k] = one_step + 0.5 * b0 * h
    return out


def prophet(ds: np.ndarray, y: np.ndarray, horizon: int, seed: int = 0) -> np.ndarray:
    """Prophet on log prices: yearly and weekly seasonality, Indian public holidays and festivals. On
    request only (hasiru forecast --models): on real onion series it lost to the naive at every horizon
    and costs ~0.25 s a fit."""
    from prophet import Prophet

    # after the import: cmdstanpy sets up its own logger when it is first imported (in each worker)
    logging.getLogger("cmdstanpy").setLevel(logging.WARNING)
    logging.getLogger("prophet").setLevel(logging.WARNING)

    history = pd.DataFrame({"ds": ds, "y": y})
    obs = history.dropna(subset=["y"])
    span_days = (obs["ds"].max() - obs["ds"].min()).days
    m = Prophet(yearly_seasonality=span_days >= 365 * 2, weekly_seasonality=True, daily_seasonality=False,
                uncertainty_samples=0, changepoint_prior_scale=0.05)
    m.add_country_holidays(country_name="IN")
    np.random.seed(seed)
    m.fit(pd.DataFrame({"ds": obs["ds"], "y": np.log(obs["y"].to_numpy(dtype=float))}))
    future = pd.DataFrame({"ds": pd.date_range(history["ds"].iloc[-1] + pd.Timedelta(days=1), periods=horizon, freq="D")})
    return m.predict(future)["yhat"].to_numpy()


def max_moves(y: np.ndarray, ends: np.ndarray, horizon: int) -> np.ndarray:
    """Per origin (row k: y[:ends[k]]) and h = 1..horizon, the largest |log change| over h days the series
    itself had made by then: what a forecast may honestly claim before the guard calls it a runaway
    (backtest.guard). One pass for all origins."""
    ly = _log_filled(y)
    n = len(ly)
    ends = np.asarray(ends, dtype=int)
    out = np.zeros((len(ends), horizon))
    for h in range(1, min(horizon, n - 1) + 1):
        running = np.maximum.accumulate(np.abs(ly[h:] - ly[:-h]))  # running[i]: max over moves ending by i + h
        idx = ends - 1 - h
        out[:, h - 1] = np.where(idx >= 0, running[np.clip(idx, 0, len(running) - 1)], 0.0)
    return np.maximum.accumulate(out, axis=1)


def max_move(y: np.ndarray, horizon: int) -> np.ndarray:
    return max_moves(y, np.array([len(y)]), horizon)[0]
