"""One multi-asset per source family: its bronze tables and quarantine table, loaded per day."""

import datetime as dt

import dagster as dg

from dagster_project.partitions import DAILY_IST
from ingestion.bronze import load_partition
from ingestion.sources import SOURCES, Source
from lake import delta_io
from lake.catalog import TableSpec, quarantine_table, table
from quality.suites import SUITES
from quality.validate import validate

POOL = "lake_ingestion"  # loads never race each other for the shared load log


def asset_key(spec: TableSpec) -> dg.AssetKey:
    return dg.AssetKey([spec.layer, spec.short_name])


def _spec(spec: TableSpec) -> dg.AssetSpec:
    return dg.AssetSpec(
        asset_key(spec), description=spec.description, group_name=spec.layer, kinds={"delta"},
        partitions_def=DAILY_IST,
        metadata={
            "dagster/column_schema": dg.TableSchema(
                columns=[dg.TableColumn(f.name, str(f.type)) for f in spec.schema]),
            "partition_by": list(spec.partition_by), "natural_key": list(spec.key),
            "dagster/table_name": spec.name,
        },
    )


def _bronze_asset(src: Source) -> dg.AssetsDefinition:
    targets = [table(t) for t in src.targets]
    quarantine = quarantine_table(src.name)
    checks = [
        dg.AssetCheckSpec("rows_accounted", asset=asset_key(targets[0]),
                          description="Every landed row is written or quarantined: rows_read = rows_written + rows_quarantined"),
        dg.AssetCheckSpec("no_rejected_files", asset=asset_key(quarantine),
                          description="No landing file was rejected whole (empty, truncated, unknown format)"),
    ] + [
        dg.AssetCheckSpec("ge_suite", asset=asset_key(t), blocking=True,
                          description=f"Great Expectations suite for {t.name} on the loaded days; blocks what depends on it")
        for t in targets if t.name in SUITES
    ]

    @dg.multi_asset(
        name=f"ingest_{src.name}", specs=[_spec(t) for t in targets] + [_spec(quarantine)], check_specs=checks,
        partitions_def=DAILY_IST, pool=POOL, description=src.description,
        backfill_policy=dg.BackfillPolicy.single_run(),
    )
    def _load(context: dg.AssetExecutionContext):
        # one run may cover a range of days (a backfill): each day is its own idempotent load
        reports = [load_partition(src.name, dt.date.fromisoformat(key), progress=context.log.info)
                   for key in context.partition_keys]
        for report in reports:
            context.log.info(report.summary())
        files = [f for r in reports for f in r.files]
        for spec in targets + [quarantine]:
            yield dg.MaterializeResult(
                asset_key=asset_key(spec),
                metadata={"rows_in_partitions": sum(r.rows_by_table.get(spec.name, 0) for r in reports),
                          "delta_version": delta_io.version(spec), "load_ids": [r.load_id for r in reports][:31],
                          "files": len(files)},
            )
        broken = [f.source_file for f in files if f.rows_read != f.rows_written + f.rows_quarantined]
        yield dg.AssetCheckResult(
            check_name="rows_accounted", asset_key=asset_key(targets[0]), passed=not broken,
            metadata={"rows_read": sum(f.rows_read for f in files), "rows_written": sum(f.rows_written for f in files),
                      "rows_quarantined": sum(f.rows_quarantined for f in files), "files_off": broken},
        )
        rejected = [f"{f.source_file}: {f.message}" for f in files if f.status == "rejected"]
        yield dg.AssetCheckResult(
            check_name="no_rejected_files", asset_key=asset_key(quarantine), passed=not rejected,
            severity=dg.AssetCheckSeverity.WARN, metadata={"rejected_files": rejected[:20]},
        )
        days = [dt.date.fromisoformat(k) for k in context.partition_keys]
        for t in targets:
            if t.name in SUITES:
                outcome = validate(t.name, partitions=days)
                yield dg.AssetCheckResult(check_name="ge_suite", asset_key=asset_key(t), passed=outcome.success,
                                          severity=dg.AssetCheckSeverity.ERROR, metadata=outcome.metadata())

    return _load


INGESTION_ASSETS = [_bronze_asset(s) for s in SOURCES.values()]


def source_asset_keys(source_name: str) -> list[dg.AssetKey]:
    src = SOURCES[source_name]
    return [asset_key(table(t)) for t in src.targets] + [asset_key(quarantine_table(source_name))]


ingest_job = dg.define_asset_job("ingest_bronze", selection=dg.AssetSelection.assets(*INGESTION_ASSETS))
