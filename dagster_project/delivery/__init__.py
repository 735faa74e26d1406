"""Delivery domain: the serving database readers query."""

import dagster as dg

from dagster_project.delivery.serving import serving_db

defs = dg.Definitions(assets=[serving_db])
