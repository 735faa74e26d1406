"""Transformation domain: the dbt project as assets (silver and gold), exported to the lake; weekly lake maintenance."""

import dagster as dg

from dagster_project.transform.dbt_assets import hasiru_dbt_assets, hasiru_dbt_resource
from dagster_project.transform.maintenance import lake_maintenance, lake_maintenance_schedule
from dagster_project.transform.silver_checks import silver_ge_suites

defs = dg.Definitions(assets=[hasiru_dbt_assets], asset_checks=[silver_ge_suites], resources={"dbt": hasiru_dbt_resource},
                      jobs=[lake_maintenance], schedules=[lake_maintenance_schedule])
