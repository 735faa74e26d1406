"""Rolling-origin backtests, honest intervals and the champion per series.

One fan-out computes every model's point forecasts from every origin (the backtest cutoffs and the final
origin) per series; intervals are then calibrated on the backtest errors that precede each origin
(ml/forecast/intervals.py), and the scores are computed against what happened. A champion is chosen on
backtests only, never on the window it will forecast, and only if it beat the naive there.

Rules for series that cannot carry a model, at an origin (recorded as the champion's reason):
  no_history      fewer than 2 observed prices: no forecast;
  stale_series    no price in the STALE_DAYS before the origin (a mandi that stopped reporting): no forecast;
  short_series    fewer than 60 observed prices: the naive only;
  constant_series the price did not move in the last year: the naive only;
  gappy_series    fewer than 30 % of the last 60 days priced: the naive only.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from hasiru.console import heartbeat
from ml.forecast import BANDS, FORECAST_COLUMNS, HORIZON, POINT_COLUMNS, global_model, intervals, models
from ml.forecast.metrics import SCORE_COLUMNS, naive_scale, score_frame

MODELS = ("naive", "seasonal_naive", "theta", "lightgbm", "combination")  # the weekly run's default
ALL_MODELS = MODELS + ("prophet",)
BASELINES = ("naive", "seasonal_naive")
PER_SERIES = ("theta", "prophet")  # fitted per series; lightgbm is global, combination is computed from others
COMBINED = ("naive", "theta", "lightgbm")  # the combination: the mean of their log forecasts
STALE_DAYS = 30
CHAMPION_MARGIN = 0.02  # a model must beat the naive's backtest MAE by 2 % to replace it
GUARD_FACTOR = 1.5  # a forecast may move at most 1.5x the largest move the series made over the same days
SCALE_COLUMNS = ["scale", "sd", "naive_scale"]
SERIES_OUTPUT = POINT_COLUMNS + SCALE_COLUMNS


def rule_of(ds: np.ndarray, y: np.ndarray, origin: np.datetime64) -> str | None:
    """The rule for a series' prices `y` on days `ds` up to `origin`."""
    obs = ~np.isnan(y)
    if obs.sum() < 2:
        return "no_history"
    if ds[obs][-1] < origin - np.timedelta64(STALE_DAYS, "D"):
        return "stale_series"
    if obs.sum() < 60:
        return "short_series"
    last_year = y[-365:]
    if np.nanmax(last_year) == np.nanmin(last_year):
        return "constant_series"
    if np.mean(obs[-60:]) < 0.3:
        return "gappy_series"
    return None


def series_rule(g: pd.DataFrame, origin: pd.Timestamp | None = None) -> str | None:
    """The rule for a series' history up to `origin` (default: its last day)."""
    ds = g["ds"].to_numpy(dtype="datetime64[ns]")
    origin = ds[-1] if origin is None else np.datetime64(origin, "ns")
    return rule_of(ds, g["y"].to_numpy(dtype=float), origin)


def guard(log_fc: np.ndarray, log_last: float, limit: np.ndarray) -> float | None:
    """The factor by which a forecast moved beyond what the series ever did (None: within limits)."""
    move = np.abs(log_fc - log_last)
    if not np.isfinite(log_fc).all():
        return float("inf")
    over = move > np.maximum(GUARD_FACTOR * limit, 0.1)
    return float(np.exp(move[over].max())) if over.any() else None


def series_forecast(history: pd.DataFrame, origins: tuple[pd.Timestamp, ...], horizon: int = HORIZON,
                    wanted: tuple[str, ...] = MODELS, lgbm: dict | None = None) -> pd.DataFrame:
    """Every wanted model's point forecasts for ONE series from each origin: pandas in, pandas out
    (SERIES_OUTPUT). The unit of work of both engines: the local pool maps it over series, Spark runs it in
    `groupBy("series_id").applyInPandas` (spark_jobs/forecast_fanout.py). `lgbm` maps each origin to the
    global model trained for it (LightGBM is skipped without one, or for a commodity it has not seen)."""
    g = history.sort_values("ds")
    sid = str(g["series_id"].iloc[0])
    full = global_model.arrays(g)
    cols: dict[str, list] = {c: [] for c in SERIES_OUTPUT}
    steps = np.arange(1, horizon + 1)
    ends = np.searchsorted(full["ds"], np.array([np.datetime64(o, "ns") for o in origins]), side="right")
    theta_on = "theta" in wanted or "combination" in wanted
    # the per-origin work that one pass over the series can do for every origin
    thetas = models.theta_at(full["y"], np.maximum(ends, 1), horizon) if theta_on and ends.max() > 0 else None
    limits = models.max_moves(full["y"], ends, horizon) if ends.max() > 1 else None
    for k, origin in enumerate(origins):
        o = np.datetime64(origin, "ns")
        end = int(ends[k])
        a = {key: v[:end] for key, v in full.items()}
        y = a["y"]
        rule = rule_of(a["ds"], y, o) if end else "no_history"
        if rule in ("no_history", "stale_series"):
            continue
        scale, sd = intervals.scale_of(a["ds"], y)
        n_scale = naive_scale(y[-365:])
        base = models.naive(y, horizon)
        parts = {"naive": (base, None)}
        if "seasonal_naive" in wanted:
            parts["seasonal_naive"] = (models.seasonal_naive(y, horizon), None)
        if rule is None:
            fits: dict[str, Callable[[], np.ndarray]] = {"theta": lambda k=k: thetas[k],
                                                         "prophet": lambda a=a, y=y: models.prophet(a["ds"], y, horizon)}
            if lgbm is not None and lgbm.get(origin) is not None:
                fits["lightgbm"] = partial(global_model.forecast, lgbm[origin], sid, a, horizon)
            for name, fit in fits.items():
                if name not in wanted and not (name in COMBINED and "combination" in wanted):
                    continue
                try:
                    fc = fit()
                except KeyError:  # a commodity the global model has not seen
                    continue
                moved = guard(fc, base[0], limits[k])
                if moved is not None:
                    parts[name] = (base, f"guard: {name} moved the price {moved:.3g}x, more than this series "
                                         f"ever moved in as many days; the naive forecast stands in")
                else:
                    parts[name] = (fc, None)
        days = o + steps * np.timedelta64(1, "D")
        for name, (fc, note) in parts.items():
            for c, v in (("series_id", [sid] * horizon), ("origin", [o] * horizon), ("ds", days), ("horizon", steps),
                         ("yhat", np.exp(fc)), ("model", [name] * horizon), ("note", [note] * horizon),
                         ("scale", [scale] * horizon), ("sd", [sd] * horizon), ("naive_scale", [n_scale] * horizon)):
                cols[c].append(v)
    if not cols["series_id"]:
        return pd.DataFrame(columns=SERIES_OUTPUT)
    out = pd.DataFrame({c: np.concatenate(v) for c, v in cols.items()})
    out["note"] = out["note"].astype(object).where(out["note"].notna(), None)
    return out[SERIES_OUTPUT]


def combine(points: pd.DataFrame, wanted: tuple[str, ...]) -> pd.DataFrame:
    """Add the combination (mean of the COMBINED models' log forecasts) where all of them forecast a series."""
    if "combination" not in wanted or points.empty:
        return points[points["model"].isin(wanted)]
    keys = ["series_id", "origin", "ds", "horizon"]
    parts = points[points["model"].isin(COMBINED)]
    n = parts.groupby(keys)["model"].transform("size")
    parts = parts[n == len(COMBINED)]
    combo = (parts.assign(ly=np.log(parts["yhat"])).groupby(keys, as_index=False)
             .agg(ly=("ly", "mean"), scale=("scale", "first"), sd=("sd", "first"), naive_scale=("naive_scale", "first")))
    combo = combo.assign(yhat=np.exp(combo["ly"]), model="combination", note=None).drop(columns=["ly"])
    return pd.concat([points[points["model"].isin(wanted)], combo[SERIES_OUTPUT]], ignore_index=True)


Fanout = Callable[[pd.DataFrame, Callable[[pd.DataFrame], pd.DataFrame]], pd.DataFrame]


def local_fanout(workers: int = 1) -> Fanout:
    """Run a per-series function over every series here: in this process, or a pool of `workers`."""
    def fanout(hist: pd.DataFrame, fn: Callable[[pd.DataFrame], pd.DataFrame]) -> pd.DataFrame:
        groups = [g for _, g in hist.groupby("series_id", sort=True)]
        if workers > 1 and len(groups) > 1:
            # spawn: cmdstanpy reads its output with polars, whose threads do not survive fork (docs/architecture.md)
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
                parts = list(pool.map(fn, groups, chunksize=max(1, len(groups) // (workers * 4))))
        else:
            parts = [fn(g) for g in groups]
        parts = [p for p in parts if len(p)]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=SERIES_OUTPUT)
    return fanout


def cutoffs(last: pd.Timestamp, n: int, step_days: int, horizon: int = HORIZON) -> list[pd.Timestamp]:
    """Backtest origins, oldest first: the latest `horizon` days before `last` are the last one's test window."""
    return [last - pd.Timedelta(days=horizon + step_days * (k - 1)) for k in range(n, 0, -1)]


def rules_at(series: pd.DataFrame, origin: pd.Timestamp) -> pd.DataFrame:
    """series_id, rule for every series at `origin`."""
    hist = series[series["ds"] <= origin]
    rows = [(sid, series_rule(g, origin)) for sid, g in hist.groupby("series_id", sort=True)]
    return pd.DataFrame(rows, columns=["series_id", "rule"])


@dataclass
class Evaluation:
    forecasts: pd.DataFrame  # FORECAST_COLUMNS from the final origin
    scores: pd.DataFrame  # SCORE_COLUMNS per series, model, backtest origin and band
    rules: pd.DataFrame  # series_id, rule at the final origin
    calibration: pd.DataFrame  # intervals.calibrate at the final origin
    origins: list[pd.Timestamp]
    lgbm_rows: int = 0


def evaluate(series: pd.DataFrame, n_cutoffs: int = 8, step_days: int = 30, wanted: tuple[str, ...] = MODELS,
             horizon: int = HORIZON, workers: int = 1, fanout: Fanout | None = None, origin: pd.Timestamp | None = None,
             progress: Callable[[str], None] = lambda _: None) -> Evaluation:
    """Backtests at `n_cutoffs` origins `step_days` apart and the forecast from `origin` (default: the
    last priced day of any series), in one fan-out."""
    unknown = set(wanted) - set(ALL_MODELS)
    if unknown:
        raise ValueError(f"unknown forecast models {sorted(unknown)}; choose from {list(ALL_MODELS)}")
    wanted = tuple(dict.fromkeys(("naive",) + tuple(wanted)))  # the naive is every score's reference
    final = pd.Timestamp(origin) if origin is not None else series["ds"].max()
    first = series["ds"].min()
    backs = [c for c in cutoffs(final, n_cutoffs, step_days, horizon) if c > first + pd.Timedelta(days=1)]
    origins = backs + [final]
    hist = global_model.market_columns(series[series["ds"] <= final])
    lgbm, rows = None, 0
    if "lightgbm" in wanted or "combination" in wanted:
        progress(f"global model: training rows from {hist['series_id'].nunique():,} series; "
                 f"{len(origins)} trainings (one per origin)")
        with heartbeat(progress, "global model: training"):
            candidates = global_model.training_rows(hist, horizon)
            lgbm = {o: global_model.train(candidates, o) for o in origins}
        rows = max((t["rows"] for t in lgbm.values()), default=0)
    progress(f"fitting {', '.join(m for m in wanted if m != 'combination')} per series from {len(origins)} origins")
    fn = partial(series_forecast, origins=tuple(origins), horizon=horizon, wanted=wanted, lgbm=lgbm)
    with heartbeat(progress, "fitting per series"):
        points = combine((fanout or local_fanout(workers))(hist, fn), wanted)
    points["origin"] = pd.to_datetime(points["origin"])
    actual = series[["series_id", "ds", "y"]]
    back = points[points["origin"] < final]
    errors = intervals.residuals(back, actual)
    scored = []
    for o in backs:  # each backtest origin's intervals from the errors known by then
        at = back[back["origin"] == o]
        if len(at):
            scored.append(intervals.apply(at, intervals.calibrate(errors, o, horizon)))
    calib = intervals.calibrate(errors, final, horizon)
    fc = intervals.apply(points[points["origin"] == final], calib)
    if scored:
        bt = pd.concat(scored, ignore_index=True)
        scales = bt[["series_id", "origin", "naive_scale"]].drop_duplicates(["series_id", "origin"])
        scores = score_frame(bt, actual, scales)
    else:
        scores = pd.DataFrame(columns=SCORE_COLUMNS)
    return Evaluation(fc[FORECAST_COLUMNS].sort_values(["series_id", "model", "horizon"], ignore_index=True),
                      scores, rules_at(series, final), calib, origins, rows)


def per_series(scores: pd.DataFrame, window: str = "h1_30") -> pd.DataFrame:
    """Per series and model over all backtest origins: MAE relative to the naive's on the same days
    (total error over total error), MASE, coverage; series_id, model, rel_mae_naive, mase, coverage80, coverage95, n."""
    s = scores[(scores["window"] == window) & scores["mae"].notna()].copy()
    if s.empty:
        return pd.DataFrame(columns=["series_id", "model", "rel_mae_naive", "mase", "coverage80", "coverage95", "n"])
    naive = s[s["model"] == "naive"][["series_id", "cutoff", "mae"]].rename(columns={"mae": "naive_mae"})
    s = s.merge(naive, on=["series_id", "cutoff"], how="inner")
    s["err"], s["nerr"] = s["mae"] * s["n"], s["naive_mae"] * s["n"]
    s["c80"], s["c95"] = s["coverage80"] * s["n"], s["coverage95"] * s["n"]
    g = s.groupby(["series_id", "model"], as_index=False).agg(err=("err", "sum"), nerr=("nerr", "sum"), n=("n", "sum"),
                                                              c80=("c80", "sum"), c95=("c95", "sum"), mase=("mase", "mean"))
    g["rel_mae_naive"] = g["err"] / g["nerr"].replace(0, np.nan)
    g["coverage80"], g["coverage95"] = g["c80"] / g["n"], g["c95"] / g["n"]
    return g[["series_id", "model", "rel_mae_naive", "mase", "coverage80", "coverage95", "n"]]


def promotion(scores: pd.DataFrame, wanted: tuple[str, ...]) -> dict[str, bool]:
    """A model is used only if its median per-series 30-day MAE relative to the naive is below 1: a median,
    so one exploding series cannot decide it. Baselines are always available."""
    med = per_series(scores).groupby("model")["rel_mae_naive"].median()
    return {m: bool(m in BASELINES or (m in med and med[m] < 1)) for m in wanted}


CHAMPION_COLUMNS = ["series_id", "champion_model", "reason", "champion_rel_mae_naive_h1_30", "champion_mase_h1_30",
                    "naive_mase_h1_30", "champion_coverage80_h1_30", "backtest_days"]


def champions(scores: pd.DataFrame, rules: pd.DataFrame, promoted: dict[str, bool] | None = None) -> pd.DataFrame:
    """The champion per series: the promoted model with the lowest backtest MAE relative to the naive over
    days 1-30, if it beat the naive by CHAMPION_MARGIN; otherwise the naive. A series rule can name the
    naive outright; series with no forecast (no_history, stale_series) get no champion."""
    ps = per_series(scores)
    if promoted is not None:
        # astype(bool): an empty object Series would select columns, not rows (no backtest scores yet)
        ps = ps[ps["model"].map(lambda m: promoted.get(m, False)).astype(bool)]
    by_series = {sid: g for sid, g in ps.groupby("series_id")}
    out = []
    for sid, rule in zip(rules["series_id"], rules["rule"]):
        rule = None if pd.isna(rule) else rule  # pandas 3 turns None into NaN in an object column
        if rule in ("no_history", "stale_series"):
            continue
        m = by_series.get(sid, pd.DataFrame(columns=ps.columns)).dropna(subset=["rel_mae_naive"])
        naive_row = m[m["model"] == "naive"]
        if rule is not None:
            champ, reason = "naive", rule
        elif m.empty or naive_row.empty:
            champ, reason = "naive", "no_backtest_scores"
        else:
            best = m[m["model"] != "naive"].sort_values(["rel_mae_naive", "model"])
            if len(best) and best["rel_mae_naive"].iloc[0] < 1 - CHAMPION_MARGIN:
                champ, reason = best["model"].iloc[0], "beat_naive_on_backtests"
            else:
                champ, reason = "naive", "naive_not_beaten"
        c = m[m["model"] == champ]
        out.append({"series_id": sid, "champion_model": champ, "reason": reason,
                    "champion_rel_mae_naive_h1_30": float(c["rel_mae_naive"].iloc[0]) if len(c) else np.nan,
                    "champion_mase_h1_30": float(c["mase"].iloc[0]) if len(c) else np.nan,
                    "naive_mase_h1_30": float(naive_row["mase"].iloc[0]) if len(naive_row) else np.nan,
                    "champion_coverage80_h1_30": float(c["coverage80"].iloc[0]) if len(c) else np.nan,
                    "backtest_days": int(c["n"].iloc[0]) if len(c) else 0})
    return pd.DataFrame(out, columns=CHAMPION_COLUMNS)


def band_summary(scores: pd.DataFrame) -> pd.DataFrame:
    """Per model and band over every series and origin: the median over series of the MAE relative to the
    naive (per_series: what promotion uses), the median relative MAE against the seasonal naive and MASE over
    series and origins, mean sMAPE and pooled interval coverage (what the registry and the benchmarks report)."""
    if scores.empty:
        return pd.DataFrame(columns=["model", "window", "rel_mae_naive", "rel_mae_seasonal_naive", "mase", "smape",
                                     "coverage80", "coverage95", "n"])
    s = scores.assign(c80=scores["coverage80"] * scores["n"], c95=scores["coverage95"] * scores["n"])
    g = s.groupby(["model", "window"], as_index=False).agg(
        rel_mae_naive=("rel_mae_naive", "median"), rel_mae_seasonal_naive=("rel_mae_seasonal_naive", "median"),
        mase=("mase", "median"), smape=("smape", "mean"), c80=("c80", "sum"), c95=("c95", "sum"), n=("n", "sum"))
    g["coverage80"], g["coverage95"] = g["c80"] / g["n"], g["c95"] / g["n"]
    rel = pd.concat([per_series(scores, w).groupby("model", as_index=False)["rel_mae_naive"].median().assign(window=w)
                     for w in BANDS], ignore_index=True)
    g = g.drop(columns=["rel_mae_naive"]).merge(rel, on=["model", "window"], how="left")
    order = {w: i for i, w in enumerate(BANDS)}
    return g.drop(columns=["c80", "c95"]).sort_values(["model", "window"], key=lambda c: c.map(order) if c.name == "window" else c)
