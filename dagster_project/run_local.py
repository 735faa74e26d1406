"""Run the platform's assets in this process as named Dagster jobs, recorded in DAGSTER_HOME so the runs
show up in the Dagster UI under their job and the command that started them (what `hasiru run` and
`hasiru transform` use; production runs come from schedules and sensors)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import dagster as dg

from hasiru.recovery import recover, run_tags

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


class PipelineFailed(RuntimeError):
    pass


def run_job(name: str, assets: list, what: str, progress: Callable[[str], None], *, trigger: str,
            tags: dict[str, str] | None = None, run_config: dict | None = None, partition_key: str | None = None,
            resources: dict | None = None) -> None:
    """Materialise `assets` as the job `name` (not Dagster's __ephemeral_asset_job__), tagged with the command
    that started it and this process (hasiru/recovery.py marks the run failed if the process dies)."""
    defs = dg.Definitions(jobs=[dg.define_asset_job(name=name)], assets=assets, resources=resources)
    job = defs.resolve_job_def(name)
    result = job.execute_in_process(run_config=run_config or QUIET, instance=dg.DagsterInstance.get(), raise_on_error=False,
                                    partition_key=partition_key, tags={**run_tags(), "hasiru/trigger": trigger, **(tags or {})})
    _report(result, what, progress)


def materialize_partitions(first: dt.date, last: dt.date, progress: Callable[[str], None], *,
                           ingest: bool = True, transform: bool = True, trigger: str = "hasiru run") -> None:
    """One Dagster run over the days first..last: ingestion (with the bronze suites), dbt and the lake
    export, the silver suites, and the serving publish, which any failed blocking check stops."""
    from dagster_project.delivery.serving import serving_db
    from dagster_project.ingestion.assets import INGESTION_ASSETS
    from dagster_project.transform.dbt_assets import hasiru_dbt_assets, hasiru_dbt_resource
    from dagster_project.transform.silver_checks import silver_ge_suites

    recover(progress)  # what a killed earlier run left: half-built files, a dbt still running, runs left STARTED
    assets = (INGESTION_ASSETS if ingest else []) + ([hasiru_dbt_assets, silver_ge_suites, serving_db] if transform else [])
    name = "daily_pipeline" if ingest and transform else ("ingest" if ingest else "transform")
    what = " + ".join((["ingestion"] if ingest else []) + (["dbt build + lake export + serving publish"] if transform else []))
    progress(f"{what} for {first}..{last} (Dagster job {name})")
    run_job(name, assets, f"{first}..{last}", progress, trigger=trigger, resources={"dbt": hasiru_dbt_resource},
            tags={"dagster/asset_partition_range_start": first.isoformat(), "dagster/asset_partition_range_end": last.isoformat()})


def materialize_ml_and_delivery(last: dt.date, progress: Callable[[str], None]) -> None:
    """A second run for the work that is not per landing day: price forecasts and farm advisories; then
    the SMS outbox for the last day (digests whatever the weekday, so the demo shows them) and the
    serving databases again, now with forecasts, advisories and digests."""
    from dagster_project.delivery.serving import serving_db
    from dagster_project.delivery.sms import sms_outbox
    from dagster_project.ml.advisories import advisory_verification, farm_advisories
    from dagster_project.ml.forecasts import price_forecasts

    progress("price forecasts + farm advisories (Dagster job forecasts_and_advice)")
    run_job("forecasts_and_advice", [price_forecasts, farm_advisories, advisory_verification], "forecasts and advisories",
            progress, trigger="hasiru run")
    progress(f"SMS outbox + serving publish for {last} (Dagster job delivery)")
    config = {**QUIET, "ops": {"delivery__sms_outbox": {"config": {"force_digests": True, "as_scheduled": True}}}}
    run_job("delivery", [sms_outbox, serving_db], f"delivery {last}", progress, trigger="hasiru run", run_config=config,
            partition_key=last.isoformat())


def _report(result: dg.ExecuteInProcessResult, what: str, progress: Callable[[str], None]) -> None:
    checks = result.get_asset_check_evaluations()
    failed_checks = [f"{c.asset_key.to_user_string()}:{c.check_name}" for c in checks if not c.passed]
    if not result.success:
        failed = [e.message for e in result.all_events if e.is_failure]
        raise PipelineFailed(f"run {result.run_id} ({what}) failed: {failed[:3]}"
                             + (f"; failed checks: {failed_checks}" if failed_checks else ""))
    progress(f"{what}: done (run {result.run_id[:8]}, {len(checks)} checks"
             + (f"; not passed: {failed_checks}" if failed_checks else ", all passed") + ")")
