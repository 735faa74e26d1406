"""Serving models (dbt/models/serving) built outside the warehouse: into a DuckDB file of their own, from
views of the lake's tables, with dbt's `serving` target. One build per selector (dbt/selectors.yml):
`api` (the publish's hasiru_api.duckdb) and `digest` (an SMS batch's inputs).

The models' lake inputs come from their refs and sources in dbt's manifest (lake.catalog.serving_tables),
so what a build reads is what its SQL names; each becomes a view of the lake table in the file (a copy on
object storage), and the views are dropped afterwards: the file keeps only the models' tables."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb

from lake import delta_io
from lake.catalog import ServingTable, serving_tables, table


class ServingBuildFailed(RuntimeError):
    """The serving models did not build, or one of their dbt tests failed."""


def reads(build: str) -> tuple[str, ...]:
    """The lake tables a build reads (its models' refs and sources)."""
    return tuple(sorted({name for t in serving_tables(build) for name in t.reads}))


def build(path: Path, selector: str, dbt_vars: dict | None = None,
          progress: Callable[[str], None] | None = None) -> list[ServingTable]:
    """Build the selector's models into the DuckDB file `path` (created if need be); returns the models."""
    from hasiru import sql_functions

    models = serving_tables(selector)
    inputs = sorted({i for t in models for i in t.inputs})  # (schema, name) in the build, lake table
    with duckdb.connect(str(path)) as con:
        sql_functions.install(con)  # stored in the file: the API and the FPO app call distance_km()
        for schema in sorted({schema for schema, _, _ in inputs}):
            con.execute(f'create schema if not exists "{schema}"')
        for schema, name, lake_table in inputs:
            delta_io.create_in(table(lake_table), con, f'"{schema}"."{name}"')
    _run_dbt(path, selector, dbt_vars or {}, progress)
    with duckdb.connect(str(path)) as con:
        for schema, name, _ in inputs:
            kind = con.execute("select table_type from information_schema.tables where table_catalog = current_database() "
                               "and table_schema = ? and table_name = ?", [schema, name]).fetchall()
            if kind:
                con.execute(f'drop {"view" if kind[0][0] == "VIEW" else "table"} "{schema}"."{name}"')
        for (schema,) in con.execute("select schema_name from information_schema.schemata "
                                     "where catalog_name = current_database() and schema_name <> 'main'").fetchall():
            con.execute(f'drop schema "{schema}" cascade')  # the pipeline views, dbt's test-failure views
    return models


def _run_dbt(path: Path, selector: str, dbt_vars: dict, progress: Callable[[str], None] | None) -> None:
    """dbt in this process (its start-up is most of a subprocess's cost: 3 s once, not 9 s each build)."""
    import json

    from dbt.cli.main import dbtRunner

    from transform.dbt_env import DBT_PROJECT_DIR, dbt_env

    env = {**dbt_env("serving"), "HASIRU_SERVING_BUILD_PATH": str(path)}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        with tempfile.TemporaryDirectory(prefix="hasiru-serving-dbt-") as scratch:
            # its own target and log paths: the warehouse build's manifest (which Dagster reads) stays as it is;
            # the build file's name is in the profile, so dbt cannot reuse a parse
            if progress:
                progress(f"dbt build --selector {selector}")
            args = ["build", "--selector", selector, "--target", "serving", "--project-dir", str(DBT_PROJECT_DIR),
                    "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", scratch, "--log-path", scratch,
                    "--no-partial-parse", "--quiet", "--no-use-colors"]
            if dbt_vars:
                args += ["--vars", json.dumps(dbt_vars)]
            done = dbtRunner().invoke(args)
    finally:
        _close_dbt_duckdb()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    if not done.success:
        failed = [f"{r.node.name}: {r.status}: {(r.message or '').strip()}" for r in getattr(done.result, "results", None) or []
                  if str(r.status) in ("error", "fail")]
        raise ServingBuildFailed(f"dbt could not build the {selector} models: " + ("; ".join(failed) or repr(done.exception))
                                 + " (after changing a serving model, `hasiru prepare` refreshes the manifest its lake inputs "
                                   "come from)")


def _close_dbt_duckdb() -> None:
    """dbt-duckdb keeps its connection (and so the attached build file) open in the process after a run;
    close it, or nobody can open the file again in this process (close_all_connections only drops the
    reference)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    env = DuckDBConnectionManager._ENV
    if env is not None:
        env.close()
    DuckDBConnectionManager.close_all_connections()
