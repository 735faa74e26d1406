"""All Dagster definitions of the platform, gathered from each domain. `workspace.yaml` points here."""

import dagster as dg

from dagster_project import delivery, ingestion, ml, transform

defs = dg.Definitions.merge(ingestion.defs, transform.defs, ml.defs, delivery.defs)
