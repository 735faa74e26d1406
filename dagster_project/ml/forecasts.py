"""Price forecasts as assets: retrained weekly (Monday 06:30 IST) from silver prices."""

import os

import dagster as dg

from dagster_project.lineage import deps
from dagster_project.metadata import plain
from hasiru.config import IST_TZ
from ml.forecast.backtest import MODELS
from ml.forecast.run import DEFAULT_CUTOFFS, DEFAULT_STEP_DAYS, READS, run

TABLES = ["price_forecasts", "price_forecast_backtests", "price_forecast_champions", "price_forecast_models",
          "price_forecast_vs_actual"]


class ForecastConfig(dg.Config):
    """What a run backtests and forecasts (the schedule's defaults; `hasiru forecast` passes its options)."""

    workers: int = max(1, os.cpu_count() or 2)  # processes for the per-series fits
    cutoffs: int = DEFAULT_CUTOFFS  # backtest cutoffs
    step_days: int = DEFAULT_STEP_DAYS  # days between cutoffs
    models: list[str] = list(MODELS)


@dg.multi_asset(
    name="price_forecasts",
    specs=[dg.AssetSpec(["gold", t], deps=deps(READS), group_name="ml", kinds={"delta"})
           for t in TABLES],
    description="Backtest every model, promote those better than the seasonal naive, choose a champion per series, forecast 30 days.",
)
def price_forecasts(context: dg.AssetExecutionContext, config: ForecastConfig):
    summary = run(workers=config.workers, n_cutoffs=config.cutoffs, step_days=config.step_days, wanted=tuple(config.models),
                  progress=context.log.info)
    for t in TABLES:
        yield dg.MaterializeResult(asset_key=["gold", t], metadata={k: plain(v) for k, v in summary.items()})


weekly_forecast_job = dg.define_asset_job("weekly_price_forecasts", selection=dg.AssetSelection.assets(price_forecasts))
weekly_forecast_schedule = dg.ScheduleDefinition(job=weekly_forecast_job, cron_schedule="30 6 * * 1", execution_timezone=IST_TZ,
                                                 description="Mondays 06:30 IST: retrain and forecast prices")
