"""The engine, chosen in one module: every piece of work that runs differently on `embedded`
(delta-rs, DuckDB, a process pool) and `spark` (spark_jobs/, dbt-spark) asks here which to use.

The setting itself is `HASIRU_ENGINE` (`hasiru.config.engine()`); callers never compare its value.
"""

from __future__ import annotations

from collections.abc import Callable

from hasiru.config import engine as name

__all__ = ["dbt_target", "forecast_fanout", "maintenance_runner", "name", "on_spark"]


def on_spark(engine: str | None = None) -> bool:
    return (engine or name()) == "spark"


def dbt_target() -> str:
    """The dbt profile target (dbt/profiles.yml): dbt-duckdb, or dbt-spark writing Delta into the lake."""
    return "spark" if on_spark() else "duckdb"


def maintenance_runner() -> Callable:
    """Compaction, vacuum and checkpoint of lake tables: lake/maintenance.py (delta-rs) or spark_jobs/maintenance.py."""
    if on_spark():
        from spark_jobs.maintenance import run
    else:
        from lake.maintenance import run
    return run


def forecast_fanout(engine: str | None = None) -> Callable | None:
    """Where the per-series forecast fits run: None (a local process pool) or Spark's applyInPandas."""
    if on_spark(engine):
        from spark_jobs.forecast_fanout import spark_fanout

        return spark_fanout
    return None
