"""The serving database as an asset: rebuilt from gold and swapped in whole after the marts change."""

import dagster as dg

from dagster_project.partitions import DAILY_IST

from dagster_project.lineage import deps
from serving.publish import publish, reads


# Partitioned like the marts, so it runs in the same run as the loads and dbt and their blocking
# checks can stop it; a publish always takes all of gold, whatever the run's window.
@dg.asset(key=["serving", "hasiru_serving_db"], deps=deps(reads()), group_name="serving", kinds={"duckdb"},
          partitions_def=DAILY_IST, backfill_policy=dg.BackfillPolicy.single_run(),
          description="Read-only DuckDB files: every gold mart (hasiru_serving.duckdb, analysts) and the serving API's "
                      "tables (hasiru_api.duckdb), each published by building a new file and renaming it into place.")
def serving_db(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    result = publish(progress=context.log.info)
    return dg.MaterializeResult(metadata={"version": result["version"], "path": result["path"],
                                          "tables": len(result["tables"]), "rows": sum(result["tables"].values()),
                                          "api_tables": len(result["api"]["tables"])})
