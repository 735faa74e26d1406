"""All Dagster definitions of the platform, gathered from each domain. `workspace.yaml` points here."""

import dagster as dg

from dagster_project import delivery, ingestion, transform

defs = dg.Definitions.merge(ingestion.defs, transform.defs, delivery.defs)
