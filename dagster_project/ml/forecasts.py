"""Price forecasts as assets: retrained weekly (Monday 06:30 IST) from silver prices."""

import os

import dagster as dg

from hasiru.config import IST_TZ
from dagster_project.lineage import deps
from ml.forecast.run import READS, run

TABLES = ["price_forecasts", "price_forecast_backtests", "price_forecast_champions", "price_forecast_models",
          "price_forecast_vs_actual"]


@dg.multi_asset(
    name="price_forecasts",
    specs=[dg.AssetSpec(["gold", t], deps=deps(READS), group_name="ml", kinds={"delta"})
           for t in TABLES],
    description="Backtest every model, promote those better than the seasonal naive, choose a champion per series, forecast 30 days.",
)
def price_forecasts(context: dg.AssetExecutionContext):
    summary = run(workers=max(1, (os.cpu_count() or 2)), progress=context.log.info)
    for t in TABLES:
        yield dg.MaterializeResult(asset_key=["gold", t], metadata={k: str(v) for k, v in summary.items()})


weekly_forecast_job = dg.define_asset_job("weekly_price_forecasts", selection=dg.AssetSelection.assets(price_forecasts))
weekly_forecast_schedule = dg.ScheduleDefinition(job=weekly_forecast_job, cron_schedule="30 6 * * 1", execution_timezone=IST_TZ,
                                                 description="Mondays 06:30 IST: retrain and forecast prices")
