"""The weekly forecast run: silver prices -> backtests -> promoted models -> champions -> forecasts,
all written to the lake (gold.price_forecast*), idempotently for a given training end."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa

from hasiru import console
from hasiru import engine as engines
from lake import delta_io
from lake.catalog import table

from ml.forecast import BANDS, global_model, intervals
from ml.forecast.backtest import (COMBINED, GUARD_FACTOR, MODELS, band_summary, champions, evaluate,
                                  promotion)
from ml.forecast.series import SLIP_RATIO, daily_series, drop_outliers

DEFAULT_CUTOFFS = 8
DEFAULT_STEP_DAYS = 90  # 8 cutoffs over two years: champions chosen across seasons, not on one
PARAMS = {"naive": {}, "seasonal_naive": {"season": 7}, "theta": {"theta": 2, "window_days": 730, "alpha_grid": 0.01},
          "prophet": {"log": True, "weekly": True, "yearly": ">=2y", "holidays": "IN", "changepoint_prior_scale": 0.05},
          "lightgbm": {**global_model.PARAMS, "rounds": global_model.ROUNDS, "max_rows": global_model.MAX_TRAINING_ROWS,
                       "features": global_model.FEATURES},
          "combination": {"mean_of_log_forecasts": list(COMBINED)}}
COMMON = {"intervals": {"method": "split conformal on scaled log errors", "pool_horizons": intervals.POOL_HALF_WIDTH,
                        "min_errors": intervals.MIN_ERRORS},
          "guard_factor": GUARD_FACTOR, "slip_ratio": SLIP_RATIO}


def _fingerprint(series: pd.DataFrame) -> str:
    h = hashlib.sha256()
    h.update(pd.util.hash_pandas_object(series[["series_id", "ds", "y"]], index=False).to_numpy().tobytes())
    return h.hexdigest()[:16]


def _version(model: str, trained_through: dt.date, fingerprint: str, backtest: dict) -> str:
    blob = json.dumps({"model": model, "params": PARAMS[model], "common": COMMON, "through": str(trained_through),
                       "data": fingerprint, "backtest": backtest}, default=str)
    return f"{model}-{hashlib.sha256(blob.encode()).hexdigest()[:10]}"


def _arrow(frame: pd.DataFrame, name: str) -> pa.Table:
    spec = table(name)
    return pa.Table.from_pandas(frame[spec.schema.names], schema=spec.schema, preserve_index=False)


class NoPrices(RuntimeError):
    """Silver holds no mandi prices yet."""


# What run() reads from the lake besides its own outputs (the Dagster asset's deps come from here)
READS = ("silver.mandi_prices__prices",)


def load_series() -> tuple[pd.DataFrame, int]:
    spec = table("silver.mandi_prices__prices")
    if not delta_io.exists(spec):
        raise NoPrices("silver.mandi_prices__prices is not built yet: run `hasiru ingest` and `hasiru transform` first")
    prices = delta_io.read_arrow(spec).to_pandas()
    return drop_outliers(daily_series(prices))


def run(workers: int = 1, n_cutoffs: int = DEFAULT_CUTOFFS, step_days: int = DEFAULT_STEP_DAYS,
        wanted: tuple[str, ...] = MODELS, now: dt.datetime | None = None,
        progress: Callable[[str], None] = lambda _: None, engine: str | None = None) -> dict:
    """`engine`: where the per-series fits run: `embedded` (a local pool of `workers`) or `spark`
    (applyInPandas); default HASIRU_ENGINE."""
    if n_cutoffs < 1 or step_days < 1:
        raise ValueError("backtests need at least one cutoff and a spacing of at least one day")
    now = now or dt.datetime.now(dt.timezone.utc)
    fanout = engines.forecast_fanout(engine)
    series, slips = load_series()
    if series.empty:
        progress("no price series in silver: nothing to forecast")
        return {"series": 0}
    trained_from, trained_through = series["ds"].min().date(), series["ds"].max().date()
    fingerprint = _fingerprint(series)
    progress(f"forecasting {series['series_id'].nunique():,} series ({trained_from}..{trained_through}); "
             f"{slips} typing slips left out; backtests at {n_cutoffs} cutoffs {step_days} days apart")
    ev = evaluate(series, n_cutoffs=n_cutoffs, step_days=step_days, wanted=wanted, workers=workers, fanout=fanout,
                  progress=progress)
    rules = ev.rules["rule"].fillna("model").value_counts().to_dict()
    if ev.forecasts.empty:
        progress(f"no series has the history a forecast needs (rules: {console.counts(rules)}): nothing written")
        return {"series": int(series["series_id"].nunique()), "forecast_rows": 0, "champions": {}, "promoted": {},
                "rules": rules}
    models_run = tuple(m for m in dict.fromkeys(("naive",) + tuple(wanted)))
    promoted = promotion(ev.scores, models_run)
    summary = band_summary(ev.scores)
    calib = {m: {"conformal_horizons": int((ev.calibration["model"] == m).sum()),
                 "errors": int(ev.calibration.loc[ev.calibration["model"] == m, "n"].max() or 0)
                 if (ev.calibration["model"] == m).any() else 0} for m in models_run}
    registry_rows, versions = [], {}
    for m in models_run:
        s = summary[summary["model"] == m].set_index("window")
        get = lambda col, w, s=s: float(s.loc[w, col]) if w in s.index else np.nan  # noqa: E731
        backtest = {w: {c: get(c, w) for c in ("rel_mae_naive", "rel_mae_seasonal_naive", "mase", "smape", "coverage80",
                                               "coverage95")} for w in BANDS}
        versions[m] = _version(m, trained_through, fingerprint, backtest)
        registry_rows.append({
            "model_version": versions[m], "model": m, "params": json.dumps({**PARAMS[m], **COMMON}, default=str),
            "trained_from": trained_from, "trained_through": trained_through, "data_fingerprint": fingerprint,
            "backtest_cutoffs": len(ev.origins) - 1, "backtest_step_days": step_days,
            "median_rel_mae_naive_h1_30": get("rel_mae_naive", "h1_30"),
            "median_rel_mae_naive_h1_7": get("rel_mae_naive", "h1_7"),
            "median_mase_h1_30": get("mase", "h1_30"),
            **{f"coverage80_{w}": get("coverage80", w) for w in ("h1_7", "h8_14", "h15_30")},
            **{f"coverage95_{w}": get("coverage95", w) for w in ("h1_7", "h8_14", "h15_30")},
            "backtest": json.dumps({"bands": backtest, "intervals": calib[m]}, default=str),
            "promoted": promoted[m], "generated_at": now})
    registry = pd.DataFrame(registry_rows)
    champs = champions(ev.scores, ev.rules, promoted)

    last_day = series.dropna(subset=["y"]).groupby("series_id")["ds"].max().dt.date
    champ_of = dict(zip(champs["series_id"], champs["champion_model"]))
    fc = ev.forecasts
    fc = fc.assign(
        mandi_key=fc["series_id"].str.split("|").str[0], commodity=fc["series_id"].str.split("|").str[1],
        forecast_date=fc["ds"].dt.date, is_champion=fc["model"] == fc["series_id"].map(champ_of),
        model_version=fc["model"].map(versions), trained_from=trained_from, trained_through=trained_through,
        last_price_date=fc["series_id"].map(last_day), generated_at=now)
    scores = ev.scores.assign(model_version=ev.scores["model"].map(versions), generated_at=now)
    champs = champs.assign(model_version=champs["champion_model"].map(versions), trained_through=trained_through,
                           generated_at=now)
    delta_io.merge(table("gold.price_forecasts"), _arrow(fc, "gold.price_forecasts"))
    delta_io.merge(table("gold.price_forecast_backtests"), _arrow(scores, "gold.price_forecast_backtests"))
    delta_io.merge(table("gold.price_forecast_champions"), _arrow(champs, "gold.price_forecast_champions"))
    delta_io.merge(table("gold.price_forecast_models"), _arrow(registry, "gold.price_forecast_models"))
    delta_io.replace_all(table("gold.price_forecast_vs_actual"), forecast_vs_actual(series))
    used = [m for m, ok in promoted.items() if ok]
    progress(f"forecasts: {len(fc):,} rows; champions: {console.counts(champs['champion_model'].value_counts().to_dict())}; "
             f"models used: {', '.join(used) or 'none'}; series rules: {console.counts(rules)}")
    h30 = summary[summary["window"] == "h1_30"].set_index("model")
    return {"series": int(series["series_id"].nunique()), "forecast_rows": len(fc), "slips_dropped": slips,
            "promoted": promoted, "rules": rules, "backtest_cutoffs": len(ev.origins) - 1,
            "champions": champs["champion_model"].value_counts().to_dict(),
            "median_rel_mae_naive_h1_30": h30["rel_mae_naive"].round(3).to_dict(),
            "coverage80_h1_30": h30["coverage80"].round(3).to_dict()}


def forecast_vs_actual(series: pd.DataFrame) -> pa.Table:
    """All stored forecasts next to actuals, where they have arrived."""
    fc = delta_io.read_arrow(table("gold.price_forecasts")).to_pandas()
    actual = series.dropna(subset=["y"]).assign(forecast_date=lambda d: d["ds"].dt.date)[["series_id", "forecast_date", "y"]]
    j = fc.merge(actual, on=["series_id", "forecast_date"], how="left").rename(columns={"y": "actual"})
    j["abs_error"] = (j["actual"] - j["yhat"]).abs()
    j["in_80"] = np.where(j["actual"].isna(), None, (j["actual"] >= j["lo80"]) & (j["actual"] <= j["hi80"]))
    j["in_95"] = np.where(j["actual"].isna(), None, (j["actual"] >= j["lo95"]) & (j["actual"] <= j["hi95"]))
    return _arrow(j, "gold.price_forecast_vs_actual")


