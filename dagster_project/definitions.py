"""All Dagster definitions of the platform, gathered from each domain. `workspace.yaml` points here."""

import dagster as dg

from dagster_project import ingestion

defs = dg.Definitions.merge(ingestion.defs)
