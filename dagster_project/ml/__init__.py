"""ML domain: weekly price forecasts with backtests, champions and model versions."""

import dagster as dg

from dagster_project.ml.forecasts import price_forecasts, weekly_forecast_job, weekly_forecast_schedule

defs = dg.Definitions(assets=[price_forecasts], jobs=[weekly_forecast_job], schedules=[weekly_forecast_schedule])
