"""dbt outside Dagster, the way the Dagster asset runs it: the vars a build passes and dbt in a child
process that dies with this one (`hasiru-dbt`), with the engine's environment (on Spark, dbt-spark's
session starts its own JVM with the factory's master, lake and S3 settings). Used by the tests and
benchmarks that build a few models for a window; the pipeline itself runs dbt through Dagster."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from hasiru import engine as engines
from transform.dbt_env import DBT_PROJECT_DIR, dbt_env


class DbtFailed(RuntimeError):
    pass


def build_vars(window: tuple[dt.date, dt.date] | None = None) -> dict:
    """The vars of a build: its window of landing days (incremental models process those; None: every day
    on a first build, see macros/window_filter.sql) and, on Spark, the model tables the lake holds."""
    from transform import lake_export

    out: dict = {"min_date": window[0].isoformat(), "max_date": window[1].isoformat()} if window else {}
    if engines.on_spark():
        out["spark_lake_tables"] = lake_export.in_lake()
    return out


def run(args: list[str], window: tuple[dt.date, dt.date] | None = None, target_path: Path | None = None) -> str:
    """`dbt <args>` with the build's vars; returns dbt's output, raises DbtFailed with its tail on failure.
    `target_path`: dbt's target directory (default the project's, which holds the manifest the platform reads)."""
    cmd = [str(Path(sys.executable).parent / "hasiru-dbt"), *args, "--vars", json.dumps(build_vars(window)),
           "--no-use-colors"]
    if target_path:
        cmd += ["--target-path", str(target_path), "--log-path", str(target_path)]
    done = subprocess.run(cmd, cwd=DBT_PROJECT_DIR, env={**os.environ, **dbt_env()}, capture_output=True, text=True)
    if done.returncode != 0:
        raise DbtFailed(f"dbt {' '.join(args)} failed ({done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-2000:]}")
    return done.stdout
