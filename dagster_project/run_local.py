"""Materialise the ingestion assets for a list of days in this process, recorded in DAGSTER_HOME so
the runs show up in the Dagster UI (what `hasiru run` uses; production runs come from schedules and sensors)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import dagster as dg

from hasiru.recovery import recover, run_tags

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


class PipelineFailed(RuntimeError):
    pass


def materialize_partitions(first: dt.date, last: dt.date, progress: Callable[[str], None], *,
                           ingest: bool = True, transform: bool = True) -> None:
    """One Dagster run over the days first..last: ingestion (with the bronze suites), dbt and the lake
    export, the silver suites, and the serving publish, which any failed blocking check stops."""
    from dagster_project.delivery.serving import serving_db
    from dagster_project.ingestion.assets import INGESTION_ASSETS
    from dagster_project.transform.dbt_assets import hasiru_dbt_assets, hasiru_dbt_resource
    from dagster_project.transform.silver_checks import silver_ge_suites

    recover(progress)  # what a killed earlier run left: half-built files, a dbt still running, runs left STARTED
    instance = dg.DagsterInstance.get()
    assets = (INGESTION_ASSETS if ingest else []) + ([hasiru_dbt_assets, silver_ge_suites, serving_db] if transform else [])
    tags = {**run_tags(), "hasiru/trigger": "hasiru run", "dagster/asset_partition_range_start": first.isoformat(),
            "dagster/asset_partition_range_end": last.isoformat()}
    what = " + ".join((["ingestion"] if ingest else []) + (["dbt build + lake export + serving publish"] if transform else []))
    progress(f"{what} for {first}..{last} (one Dagster run)")
    result = dg.materialize(assets, instance=instance, run_config=QUIET, raise_on_error=False, tags=tags,
                            resources={"dbt": hasiru_dbt_resource})
    _report(result, f"{first}..{last}", progress)


def materialize_ml_and_delivery(last: dt.date, progress: Callable[[str], None]) -> None:
    """A second run for the work that is not per landing day: price forecasts and farm advisories; then
    the SMS outbox for the last day (digests whatever the weekday, so the demo shows them) and the
    serving databases again, now with forecasts, advisories and digests."""
    from dagster_project.delivery.serving import serving_db
    from dagster_project.delivery.sms import sms_outbox
    from dagster_project.ml.advisories import advisory_verification, farm_advisories
    from dagster_project.ml.forecasts import price_forecasts

    instance = dg.DagsterInstance.get()
    tags = {**run_tags(), "hasiru/trigger": "hasiru run"}
    progress("price forecasts + farm advisories (one Dagster run)")
    _report(dg.materialize([price_forecasts, farm_advisories, advisory_verification], instance=instance, run_config=QUIET, raise_on_error=False,
                           tags=tags), "forecasts and advisories", progress)
    progress(f"SMS outbox + serving publish for {last} (one Dagster run)")
    config = {**QUIET, "ops": {"delivery__sms_outbox": {"config": {"force_digests": True, "as_scheduled": True}}}}
    _report(dg.materialize([sms_outbox, serving_db], instance=instance, run_config=config, raise_on_error=False,
                           partition_key=last.isoformat(), tags=tags), f"delivery {last}", progress)


def _report(result: dg.ExecuteInProcessResult, what: str, progress: Callable[[str], None]) -> None:
    checks = result.get_asset_check_evaluations()
    failed_checks = [f"{c.asset_key.to_user_string()}:{c.check_name}" for c in checks if not c.passed]
    if not result.success:
        failed = [e.message for e in result.all_events if e.is_failure]
        raise PipelineFailed(f"run {result.run_id} ({what}) failed: {failed[:3]}"
                             + (f"; failed checks: {failed_checks}" if failed_checks else ""))
    progress(f"{what}: done (run {result.run_id[:8]}, {len(checks)} checks"
             + (f"; not passed: {failed_checks}" if failed_checks else ", all passed") + ")")
