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

from hasiru.config import engine as config_engine
from lake import delta_io
from lake.catalog import TableSpec, table

from ml.forecast.backtest import BASELINES, MODELS, backtest, champions, forecast_at
from ml.forecast.series import daily_series, drop_outliers

PARAMS = {"naive": {}, "seasonal_naive": {"season": 7}, "prophet": {"log": True, "weekly": True, "yearly": ">=2y",
          "holidays": "IN", "changepoint_prior_scale": 0.05, "samples": 200},
          "lightgbm": {"objective": "quantile", "quantiles": [0.025, 0.1, 0.5, 0.9, 0.975], "rounds": 150,
                       "num_leaves": 31, "learning_rate": 0.05, "stride": "3, or more to stay under 1.5 M rows"}}


def _fingerprint(series: pd.DataFrame) -> str:
    h = hashlib.sha256()
    h.update(pd.util.hash_pandas_object(series[["series_id", "ds", "y"]], index=False).to_numpy().tobytes())
    return h.hexdigest()[:16]


def _version(model: str, trained_through: dt.date, fingerprint: str) -> str:
    blob = json.dumps({"model": model, "params": PARAMS[model], "through": str(trained_through), "data": fingerprint})
    return f"{model}-{hashlib.sha256(blob.encode()).hexdigest()[:10]}"


def _arrow(frame: pd.DataFrame, name: str) -> pa.Table:
    spec = table(name)
    return pa.Table.from_pandas(frame[spec.schema.names], schema=spec.schema, preserve_index=False)


def run(workers: int = 1, n_cutoffs: int = 3, wanted: tuple[str, ...] = MODELS, now: dt.datetime | None = None,
        progress: Callable[[str], None] = lambda _: None, engine: str | None = None) -> dict:
    """`engine`: where the per-series fits run: `embedded` (a local pool of `workers`) or `spark`
    (applyInPandas); default HASIRU_ENGINE."""
    now = now or dt.datetime.now(dt.timezone.utc)
    fanout = None
    if (engine or config_engine()) == "spark":
        from spark_jobs.forecast_fanout import spark_fanout as fanout
    prices = delta_io.read_arrow(TableSpec("silver.mandi_prices__prices", None, "")).to_pandas()
    series, outliers = drop_outliers(daily_series(prices))
    if series.empty:
        progress("no price series in silver: nothing to forecast")
        return {"series": 0}
    trained_from, trained_through = series["ds"].min().date(), series["ds"].max().date()
    fingerprint = _fingerprint(series)
    versions = {m: _version(m, trained_through, fingerprint) for m in wanted}
    progress(f"forecasting {series['series_id'].nunique():,} series ({trained_from}..{trained_through}); "
             f"{outliers} outlier prices left out; backtests at {n_cutoffs} cutoffs")
    scores = backtest(series, n_cutoffs=n_cutoffs, wanted=wanted, workers=workers, fanout=fanout)
    forecasts, rules = forecast_at(series, None, wanted, workers=workers, fanout=fanout)
    if forecasts.empty:
        progress(f"no series has the history a forecast needs (rules: {rules['rule'].value_counts().to_dict()}): nothing written")
        return {"series": int(series["series_id"].nunique()), "forecast_rows": 0, "champions": {}, "promoted": {}}

    # promotion: a model no better than the seasonal naive on backtests (mean 30-day MASE) is not used
    h30 = scores[scores["window"] == "h1_30"]
    mean = h30.groupby("model")["mase"].mean()
    base = float(mean.get("seasonal_naive", np.nan))
    promoted = {m: bool(m in BASELINES or (m in mean and not np.isnan(base) and mean[m] < base)) for m in wanted}
    registry = pd.DataFrame([{"model_version": versions[m], "model": m, "params": json.dumps(PARAMS[m]), "trained_from": trained_from,
                              "trained_through": trained_through, "data_fingerprint": fingerprint,
                              "mean_mase_h1_30": float(mean.get(m, np.nan)), "seasonal_naive_mean_mase_h1_30": base,
                              "promoted": promoted[m], "generated_at": now} for m in wanted])
    champs = champions(scores[scores["model"].isin([m for m, ok in promoted.items() if ok])], rules)

    last_day = series.groupby("series_id")["ds"].max().dt.date
    champ_of = dict(zip(champs["series_id"], champs["champion_model"]))
    fc = forecasts.assign(
        mandi_key=forecasts["series_id"].str.split("|").str[0], commodity=forecasts["series_id"].str.split("|").str[1],
        forecast_date=forecasts["ds"].dt.date, is_champion=forecasts["model"] == forecasts["series_id"].map(champ_of),
        model_version=forecasts["model"].map(versions), trained_from=trained_from,
        trained_through=forecasts["series_id"].map(last_day), generated_at=now)
    scores = scores.assign(model_version=scores["model"].map(versions), generated_at=now)
    champs = champs.assign(model_version=champs["champion_model"].map(versions),
                           trained_through=champs["series_id"].map(last_day), generated_at=now)
    delta_io.merge(table("gold.price_forecasts"), _arrow(fc, "gold.price_forecasts"))
    delta_io.merge(table("gold.price_forecast_backtests"), _arrow(scores, "gold.price_forecast_backtests"))
    delta_io.merge(table("gold.price_forecast_champions"), _arrow(champs, "gold.price_forecast_champions"))
    delta_io.merge(table("gold.price_forecast_models"), _arrow(registry, "gold.price_forecast_models"))
    vs = forecast_vs_actual(series)
    delta_io.replace_all(table("gold.price_forecast_vs_actual"), vs)
    progress(f"forecasts: {len(fc):,} rows; champions: {champs['champion_model'].value_counts().to_dict()}; "
             f"promoted: {[m for m, ok in promoted.items() if ok]}")
    return {"series": int(series["series_id"].nunique()), "forecast_rows": len(fc), "outliers_dropped": outliers,
            "promoted": promoted,
            "champions": champs["champion_model"].value_counts().to_dict(), "mean_mase_h1_30": mean.to_dict()}


def forecast_vs_actual(series: pd.DataFrame) -> pa.Table:
    """All stored forecasts next to actuals, where they have arrived."""
    fc = delta_io.read_arrow(table("gold.price_forecasts")).to_pandas()
    actual = series.dropna(subset=["y"]).assign(forecast_date=lambda d: d["ds"].dt.date)[["series_id", "forecast_date", "y"]]
    j = fc.merge(actual, on=["series_id", "forecast_date"], how="left").rename(columns={"y": "actual"})
    j["abs_error"] = (j["actual"] - j["yhat"]).abs()
    j["in_80"] = np.where(j["actual"].isna(), None, (j["actual"] >= j["lo80"]) & (j["actual"] <= j["hi80"]))
    j["in_95"] = np.where(j["actual"].isna(), None, (j["actual"] >= j["lo95"]) & (j["actual"] <= j["hi95"]))
    return _arrow(j, "gold.price_forecast_vs_actual")


