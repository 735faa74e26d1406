"""dbt's environment, from the platform's settings: one place that says where dbt reads and writes."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from pathlib import Path

from hasiru import engine as engines
from hasiru import config
from hasiru.config import REPO_ROOT, ConfigError, settings
from hasiru.secrets import pseudonym_salt

DBT_PROJECT_DIR = REPO_ROOT / "dbt"


@functools.cache
def project_vars() -> dict:
    """The vars declared in dbt/dbt_project.yml with their defaults: rules that code outside dbt applies too
    (the Spark sensor job's thresholds) read them here instead of restating them."""
    import yaml

    return dict(yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"])


def dbt_env(target: str | None = None) -> dict[str, str]:
    """dbt's variables for `target` (None: the engine's: with HASIRU_ENGINE=spark the `spark` target, whose
    session gets the factory's settings). `serving` (DuckDB on views of the lake) is the same on both engines."""
    s = settings()
    s.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    env = {
        "HASIRU_LAKE_URI": s.lake_uri,
        "HASIRU_WAREHOUSE_PATH": str(s.warehouse_path),
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        # colours only on a terminal: in a log file or CI output they are escape codes around every status
        "DBT_USE_COLORS": "true" if sys.stdout.isatty() else "false",
        "HASIRU_DBT_TARGET": target or engines.dbt_target(),
        "HASIRU_PSEUDONYM_SALT": pseudonym_salt(),
    }
    if target is None and engines.on_spark():
        from spark_jobs.session import spark_uri, submit_args

        if config.env("HASIRU_SPARK_REMOTE"):
            # dbt-spark's session method starts its own local JVM: it would quietly not use the cluster
            raise ConfigError("HASIRU_SPARK_REMOTE is set, but dbt-spark's session method cannot use Spark Connect: "
                              "unset it and give the cluster as HASIRU_SPARK_MASTER")

        env.update({"HASIRU_DBT_TARGET": "spark", "PYSPARK_SUBMIT_ARGS": submit_args(),
                    "HASIRU_SPARK_LAKE_URI": spark_uri(s.lake_uri)})
    return env


@contextlib.contextmanager
def dbt_environment():
    """dbt's variables in this process's environment for the duration, then as they were: dagster-dbt hands
    the process environment to dbt's subprocess and reads the profile from it, so they must be there while
    it starts dbt, but must not stay (an in-process caller's next world, or a child process started later,
    would inherit another world's warehouse and the pseudonym salt)."""
    values = dbt_env()
    before = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield values
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def manifest_path() -> Path:
    return DBT_PROJECT_DIR / "target" / "manifest.json"
