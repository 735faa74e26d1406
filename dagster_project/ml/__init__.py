"""ML domain: weekly price forecasts (backtests, champions, model versions) and farm advisories."""

import dagster as dg

from dagster_project.ml.advisories import advisory_job, advisory_schedule, advisory_verification, farm_advisories
from dagster_project.ml.forecasts import price_forecasts, weekly_forecast_job, weekly_forecast_schedule

defs = dg.Definitions(assets=[price_forecasts, farm_advisories, advisory_verification], jobs=[weekly_forecast_job, advisory_job],
                      schedules=[weekly_forecast_schedule, advisory_schedule])
