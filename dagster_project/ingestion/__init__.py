"""Ingestion domain: bronze assets per source family, their checks, the daily schedule and the landing sensor."""

import dagster as dg

from dagster_project.ingestion.assets import INGESTION_ASSETS, ingest_job
from dagster_project.ingestion.schedules import daily_ingestion_schedule
from dagster_project.ingestion.sensors import landing_sensor

defs = dg.Definitions(
    assets=INGESTION_ASSETS,
    jobs=[ingest_job],
    schedules=[daily_ingestion_schedule],
    sensors=[landing_sensor],
)
