"""Write dbt's silver and gold models from the DuckDB warehouse into the Delta lake.

dbt-duckdb cannot write Delta, so after a build every model whose `meta.lake_layer` is silver or gold
is read from DuckDB as Arrow and written to <lake>/<layer>/<name>. A model built for a window of
landing days (an incremental, partitioned run) replaces only the partitions that window touched;
every other model replaces its whole table. The model's YAML (description, meta.lake_partition_by,
meta.key) is its declaration: the lake table is declared from it here, not a second time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from hasiru.config import settings
from lake import delta_io
from lake.catalog import TableSpec
from transform.dbt_env import manifest_path

LAYERS = ("silver", "gold")


@dataclass(frozen=True)
class ModelTable:
    model: str  # dbt model name
    relation: str  # "schema"."identifier" in the warehouse (its catalog name follows the file name)
    spec_name: str  # <layer>.<table>
    description: str
    partition_by: tuple[str, ...]
    key: tuple[str, ...]
    window_column: str | None  # the landing-day column a partitioned run filters on
    spark_job: str | None  # on the Spark engine, the job that builds this table instead of dbt


def lake_name(model: str, layer: str) -> str:
    """silver: stg_sensors__readings -> silver.sensors__readings; gold keeps the model name."""
    return f"{layer}.{model.removeprefix('stg_') if layer == 'silver' else model}"


def model_tables(manifest: dict | None = None) -> list[ModelTable]:
    manifest = manifest or json.loads(manifest_path().read_text())
    out = []
    for node in manifest["nodes"].values():
        meta = node.get("config", {}).get("meta", {}) or {}
        layer = meta.get("lake_layer")
        if node["resource_type"] != "model" or layer not in LAYERS:
            continue
        out.append(ModelTable(
            model=node["name"], relation=f'"{node["schema"]}"."{node["alias"]}"',
            spec_name=lake_name(node["name"], layer), description=node.get("description", ""),
            partition_by=tuple(meta.get("lake_partition_by", ())), key=tuple(meta.get("key", ())),
            window_column=meta.get("window_column"), spark_job=meta.get("spark_job"),
        ))
    return sorted(out, key=lambda m: m.spec_name)


def spark_job_models(manifest: dict | None = None) -> list[ModelTable]:
    """The models a Spark job builds instead of dbt on the Spark engine (meta.spark_job)."""
    return [m for m in model_tables(manifest) if m.spark_job]


def export(models: list[str] | None = None, window: tuple[dt.date, dt.date] | None = None,
           progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Export the given models (default: all silver and gold); returns rows written per lake table."""
    wanted = [m for m in model_tables() if models is None or m.model in models]
    written: dict[str, int] = {}
    con = duckdb.connect(str(settings().warehouse_path), read_only=True)
    try:
        for m in wanted:
            data = con.sql(f"select * from {m.relation}").to_arrow_table()
            spec = TableSpec(m.spec_name, data.schema, m.description, m.partition_by, m.key)
            if window and m.window_column and m.partition_by and delta_io.exists(spec):
                written[m.spec_name] = _replace_touched(spec, data, m, window)
            else:
                delta_io.replace_all(spec, data)
                written[m.spec_name] = data.num_rows
            if progress:
                progress(f"exported {m.spec_name}: {written[m.spec_name]:,} rows")
    finally:
        con.close()
    return written


def _replace_touched(spec: TableSpec, data: pa.Table, m: ModelTable, window: tuple[dt.date, dt.date]) -> int:
    """Replace the partitions that rows landed in the window belong to (late data included)."""
    col = m.partition_by[0]
    landed = pc.and_(pc.greater_equal(data[m.window_column], pa.scalar(window[0], pa.date32())),
                     pc.less_equal(data[m.window_column], pa.scalar(window[1], pa.date32())))
    touched = pc.unique(data[col].filter(landed))
    if len(touched) == 0:
        return 0
    rows = data.filter(pc.is_in(data[col], touched))
    values = ", ".join(delta_io.sql_literal(v) for v in touched.to_pylist())
    delta_io.replace_where(spec, rows, f"{col} in ({values})")
    return rows.num_rows
