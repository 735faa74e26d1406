"""Ingestion domain: the pulling connectors (resources, assets, schedules), bronze assets per source
family with their checks, the daily schedule and the landing sensor."""

import dagster as dg

from dagster_project.ingestion.assets import INGESTION_ASSETS, ingest_job
from dagster_project.ingestion.connectors import CONNECTOR_ASSETS, CONNECTOR_JOBS, CONNECTOR_RESOURCES, CONNECTOR_SCHEDULES
from dagster_project.ingestion.schedules import daily_ingestion_schedule
from dagster_project.ingestion.sensors import landing_sensor

defs = dg.Definitions(
    assets=INGESTION_ASSETS + CONNECTOR_ASSETS,
    jobs=[ingest_job, *CONNECTOR_JOBS],
    schedules=[daily_ingestion_schedule, *CONNECTOR_SCHEDULES],
    sensors=[landing_sensor],
    resources=CONNECTOR_RESOURCES,
)
