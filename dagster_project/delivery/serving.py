"""The serving database as an asset: rebuilt from gold and swapped in whole after the marts change."""

import dagster as dg

from serving.publish import publish
from transform.lake_export import model_tables

GOLD_KEYS = [dg.AssetKey(m.spec_name.split(".", 1)) for m in model_tables() if m.spec_name.startswith("gold.")]


@dg.asset(key=["serving", "hasiru_serving_db"], deps=GOLD_KEYS, group_name="serving", kinds={"duckdb"},
          description="Read-only DuckDB file of every gold table, published by building a new file and renaming it into place.")
def serving_db(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    result = publish(progress=context.log.info)
    return dg.MaterializeResult(metadata={"version": result["version"], "path": result["path"],
                                          "tables": len(result["tables"]), "rows": sum(result["tables"].values())})
