"""Transformation domain: the dbt project as assets (silver and gold), exported to the lake."""

import dagster as dg

from dagster_project.transform.dbt_assets import hasiru_dbt_assets, hasiru_dbt_resource
from dagster_project.transform.silver_checks import silver_ge_suites

defs = dg.Definitions(assets=[hasiru_dbt_assets], asset_checks=[silver_ge_suites], resources={"dbt": hasiru_dbt_resource})
