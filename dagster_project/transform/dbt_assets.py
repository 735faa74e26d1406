"""dbt models as Dagster assets. A partitioned run passes its window of landing days to dbt as vars
(min_date, max_date); incremental models process that window, the rest rebuild. After the build the
built silver and gold models are exported to the Delta lake. dbt tests are asset checks; a failing
test stops the models downstream of it (dbt build skips them).

The engine is configuration (HASIRU_ENGINE), not another graph: on Spark dbt-spark builds the same
models straight into the lake (the incremental ones MERGE or overwrite the touched partitions there),
and nothing is exported."""

import contextlib
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from dagster_project.partitions import DAILY_IST
from hasiru import engine as engines
from lake.catalog import MODEL_LAYERS, lake_name
from transform import lake_export
from transform.dbt_cli import build_vars
from transform.dbt_env import DBT_PROJECT_DIR, dbt_environment, manifest_path

if not manifest_path().exists():
    raise FileNotFoundError(f"{manifest_path()} is missing: run `bash scripts/setup.sh` (it prepares the dbt manifest)")


class HasiruTranslator(DagsterDbtTranslator):
    """Asset keys follow the lake: silver/<source>__<entity>, gold/<model>; other nodes by kind."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest["nodes"].get(unique_id) or manifest["sources"].get(unique_id) or {}
        layer = (node.get("config", {}).get("meta", {}) or {}).get("lake_layer")
        if node.get("resource_type") == "model" and layer in MODEL_LAYERS:
            layer_name, table = lake_name(node["name"], layer).split(".", 1)
            return spec.replace_attributes(key=dg.AssetKey([layer_name, table]), group_name=layer_name)
        if node.get("resource_type") == "model":
            return spec.replace_attributes(key=dg.AssetKey(["intermediate", node["name"]]), group_name="intermediate")
        if node.get("resource_type") == "seed":
            return spec.replace_attributes(key=dg.AssetKey(["reference", node["name"]]), group_name="reference")
        return spec


# the dbt of this virtualenv, found without relying on PATH, wrapped so it dies with its parent
hasiru_dbt_resource = DbtCliResource(project_dir=str(DBT_PROJECT_DIR), profiles_dir=str(DBT_PROJECT_DIR),
                                     dbt_executable=str(Path(sys.executable).parent / "hasiru-dbt"))


# the serving models are built by the publish (dagster_project/delivery/serving.py), not with the lakehouse
@dbt_assets(manifest=manifest_path(), dagster_dbt_translator=HasiruTranslator(), partitions_def=DAILY_IST,
            backfill_policy=dg.BackfillPolicy.single_run(), name="hasiru_dbt", exclude="tag:serving")
def hasiru_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    window = context.partition_time_window
    first = dt.date.fromisoformat(window.start.strftime("%Y-%m-%d"))
    last = dt.date.fromisoformat((window.end - dt.timedelta(days=1)).strftime("%Y-%m-%d"))
    with dbt_environment():  # while dagster-dbt reads the profile and starts dbt, not after
        invocation = dbt.cli(["build", "--vars", json.dumps(build_vars((first, last)))], context=context)
    yield from _stream(invocation, context)
    if engines.on_spark():
        return  # dbt-spark wrote the tables into the lake itself
    results = invocation.get_artifact("run_results.json")
    built = [r["unique_id"].split(".")[-1] for r in results["results"]
             if r["unique_id"].startswith("model.") and r["status"] == "success"]
    written = lake_export.export(models=built, window=(first, last), progress=context.log.info)
    context.log.info(f"exported {len(written)} silver/gold tables to the lake for {first}..{last}")


def _stream(invocation, context: dg.AssetExecutionContext, every_s: float = 5.0):
    """dbt's results as Dagster events. dagster-dbt also echoes every dbt log line to stdout (~300 a build,
    with dbt's "Unable to do partial parsing" notices): a run from the command line (tagged hasiru/trigger)
    drops that echo, since dbt keeps its full log in dbt/logs/dbt.log and the run's log says how far the build
    is every few seconds; a run from the UI or a schedule keeps it in the step's captured stdout."""
    if "hasiru/trigger" not in context.run.tags:
        yield from invocation.stream()
        return
    done, said = 0, time.monotonic()
    with open(os.devnull, "w") as sink:
        events = iter(invocation.stream())
        while True:
            with contextlib.redirect_stdout(sink):  # only while dagster-dbt works, not while Dagster handles an event
                event = next(events, None)
            if event is None:
                break
            done += 1
            if time.monotonic() - said >= every_s:
                context.log.info(f"dbt build: {done} models and tests done")
                said = time.monotonic()
            yield event
    context.log.info(f"dbt build: {done} models and tests done (dbt's full log: dbt/logs/dbt.log)")
