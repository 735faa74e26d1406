"""Run the platform's assets in this process as named Dagster jobs, recorded in DAGSTER_HOME so the runs
show up in the Dagster UI under their job and the command that started them. Every CLI command that
builds tables comes through here (`hasiru run`, `ingest`, `transform`, `forecast`, `advise`, `publish`);
production runs come from schedules and sensors."""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from collections.abc import Callable

import dagster as dg

from hasiru.recovery import recover, run_tags

# the CLI reports a failed run itself, in one line (_report): Dagster's own console log stays quiet
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


class PipelineFailed(RuntimeError):
    pass


class _StepLines(logging.Handler):
    """What the steps log (context.log.info: files loaded, tables exported, checks run) as the CLI's progress
    lines, so a long run is never silent; Dagster's own event lines (step started, output handled) stay out."""

    def __init__(self, progress: Callable[[str], None]):
        super().__init__(logging.INFO)
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None)
        if not meta or meta.get("dagster_event") is not None:
            return
        self.progress(f"  {meta.get('step_key') or meta.get('job_name')}: {meta.get('orig_message')}")


def _step_lines_logger(progress: Callable[[str], None]) -> dg.LoggerDefinition:
    @dg.logger
    def step_lines(_init_context) -> logging.Logger:
        log = logging.getLogger(f"hasiru.steps.{uuid.uuid4().hex}")
        log.handlers, log.propagate = [_StepLines(progress)], False
        log.setLevel(logging.INFO)
        return log
    return step_lines


def run_job(name: str, assets: list, what: str, progress: Callable[[str], None], *, trigger: str,
            tags: dict[str, str] | None = None, run_config: dict | None = None, partition_key: str | None = None,
            resources: dict | None = None) -> dg.ExecuteInProcessResult:
    """Materialise `assets` as the job `name` (not Dagster's __ephemeral_asset_job__), tagged with the command
    that started it and this process (hasiru/recovery.py marks the run failed if the process dies). First the
    recovery: it prepares DAGSTER_HOME and clears what a killed earlier run left (half-built files, a dbt still
    running, runs left STARTED and their pool slots)."""
    recover(progress)
    loggers = {"console": dg.colored_console_logger, "step_lines": _step_lines_logger(progress)}
    defs = dg.Definitions(jobs=[dg.define_asset_job(name=name)], assets=assets, resources=resources, loggers=loggers)
    job = defs.resolve_job_def(name)
    config = dict(run_config or QUIET)
    config["loggers"] = {**QUIET["loggers"], **config.get("loggers", {}), "step_lines": {}}
    result = job.execute_in_process(run_config=config, instance=dg.DagsterInstance.get(), raise_on_error=False,
                                    partition_key=partition_key, tags={**run_tags(), "hasiru/trigger": trigger, **(tags or {})})
    _report(result, what, progress)
    return result


def materialize_partitions(first: dt.date, last: dt.date, progress: Callable[[str], None], *,
                           ingest: bool = True, transform: bool = True, trigger: str = "hasiru run",
                           sources: tuple[str, ...] = ()) -> None:
    """One Dagster run over the days first..last: ingestion (with the bronze suites), dbt and the lake
    export, the silver suites, and the serving publish, which any failed blocking check stops."""
    name = "daily_pipeline" if ingest and transform else ("ingest" if ingest else "transform")
    what = " + ".join((["ingestion"] if ingest else []) + (["dbt build + lake export + serving publish"] if transform else []))
    progress(f"{what} for {first}..{last} (Dagster job {name}): loading the pipeline's definitions")
    assets, resources = [], {}
    if ingest:
        from dagster_project.ingestion.assets import INGESTION_ASSETS

        assets += [a for a in INGESTION_ASSETS if not sources or a.node_def.name.removeprefix("ingest_") in sources]
    if transform:  # dagster-dbt and the manifest only when dbt runs: an ingest starts seconds sooner
        from dagster_project.delivery.serving import serving_db
        from dagster_project.transform.dbt_assets import hasiru_dbt_assets, hasiru_dbt_resource
        from dagster_project.transform.silver_checks import silver_ge_suites

        assets += [hasiru_dbt_assets, silver_ge_suites, serving_db]
        resources = {"dbt": hasiru_dbt_resource}
    run_job(name, assets, f"{first}..{last}", progress, trigger=trigger, resources=resources,
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


def forecast(progress: Callable[[str], None], config: dict) -> dict:
    """The weekly forecast job (weekly_price_forecasts) with `config` (dagster_project/ml/forecasts.py ForecastConfig)."""
    from dagster_project.ml.forecasts import price_forecasts

    result = run_job("weekly_price_forecasts", [price_forecasts], "price forecasts", progress, trigger="hasiru forecast",
                     run_config={**QUIET, "ops": {"price_forecasts": {"config": config}}})
    return _metadata(result, ["gold", "price_forecasts"])


def advise(progress: Callable[[str], None]) -> dict:
    """Farm advice and its verification (job farm_advisories, as the Tuesday/Friday schedule runs it)."""
    from dagster_project.ml.advisories import advisory_verification, farm_advisories

    result = run_job("farm_advisories", [farm_advisories, advisory_verification], "farm advisories", progress,
                     trigger="hasiru advise")
    return _metadata(result, ["gold", "farm_advisories"])


def publish(progress: Callable[[str], None], day: dt.date) -> dict:
    """The serving files from gold as it is now (job publish; the asset is partitioned like the marts)."""
    from dagster_project.delivery.serving import serving_db

    result = run_job("publish", [serving_db], "serving publish", progress, trigger="hasiru publish",
                     partition_key=day.isoformat())
    return _metadata(result, ["serving", "hasiru_serving_db"])


def _metadata(result: dg.ExecuteInProcessResult, key: list[str]) -> dict:
    """What the asset reported about its materialization, as plain values."""
    for event in result.get_asset_materialization_events():
        mat = event.step_materialization_data.materialization
        if mat.asset_key == dg.AssetKey(key):
            return {k: getattr(v, "value", v) for k, v in mat.metadata.items()}
    return {}


def _cause(error) -> str:
    """The innermost error's message: the user code's, under Dagster's "error occurred while executing"."""
    while error is not None and error.cause is not None:
        error = error.cause
    if error is None:
        return "unknown error"
    # "ml.forecast.run.NoPrices: silver... is not built yet": the message, without the exception's module path
    return re.sub(r"^(?:[a-z_]\w*\.)+[A-Z]\w*: ", "", error.message.strip(), count=1)


def _report(result: dg.ExecuteInProcessResult, what: str, progress: Callable[[str], None]) -> None:
    checks = result.get_asset_check_evaluations()
    failed_checks = [f"{c.asset_key.to_user_string()}:{c.check_name}" for c in checks if not c.passed]
    if not result.success:
        # the step's own error first (what is wrong and what fixes it), not just "step X failed"
        failed = [_cause(e.step_failure_data.error) for e in result.all_events if e.is_step_failure] \
            or [e.message for e in result.all_events if e.is_failure]
        raise PipelineFailed(f"{what} failed (Dagster run {result.run_id[:8]}): " + "; ".join(dict.fromkeys(failed[:3]))
                             + (f"; failed checks: {failed_checks}" if failed_checks else ""))
    progress(f"{what}: done (run {result.run_id[:8]}, {len(checks)} checks"
             + (f"; not passed: {failed_checks}" if failed_checks else ", all passed") + ")")
