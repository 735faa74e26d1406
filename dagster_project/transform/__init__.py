"""Transformation domain: the dbt project as assets (silver and gold), exported to the lake."""

import dagster as dg

from dagster_project.transform.dbt_assets import hasiru_dbt_assets, hasiru_dbt_resource

defs = dg.Definitions(assets=[hasiru_dbt_assets], resources={"dbt": hasiru_dbt_resource})
