"""Materialise the ingestion assets for a list of days in this process, recorded in DAGSTER_HOME so
the runs show up in the Dagster UI (what `hasiru run` uses; production runs come from schedules and sensors)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import dagster as dg

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


class PipelineFailed(RuntimeError):
    pass


def materialize_partitions(days: list[dt.date], progress: Callable[[str], None]) -> None:
    from hasiru.cli import _dagster_home
    from dagster_project.ingestion.assets import INGESTION_ASSETS

    _dagster_home()
    instance = dg.DagsterInstance.get()
    for i, day in enumerate(days, 1):
        result = dg.materialize(INGESTION_ASSETS, partition_key=day.isoformat(), instance=instance,
                                run_config=QUIET, raise_on_error=False, tags={"hasiru/trigger": "hasiru run"})
        if not result.success:
            failed = [e.message for e in result.all_events if e.is_failure]
            raise PipelineFailed(f"run {result.run_id} for {day} failed: {failed[:3]}")
        checks = result.get_asset_check_evaluations()
        failed_checks = [f"{c.asset_key.to_user_string()}:{c.check_name}" for c in checks if not c.passed]
        progress(f"[{i}/{len(days)}] {day}: ingested (run {result.run_id[:8]})"
                 + (f"; checks not passed: {failed_checks}" if failed_checks else "; all checks passed"))
