"""Write dbt's silver and gold models from the DuckDB warehouse into the Delta lake.

dbt-duckdb cannot write Delta, so after a build every model whose `meta.lake_layer` is silver or gold
is read from DuckDB as Arrow and written to <lake>/<layer>/<name>. A model built for a window of
landing days (an incremental, partitioned run) replaces only the partitions that window touched;
every other model replaces its whole table. The model's YAML (description, meta.lake_partition_by,
meta.key, meta.audience) is its declaration, read by lake/catalog.py: not declared a second time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from hasiru.config import settings
from lake import delta_io
from lake.catalog import ModelTable, TableSpec, model_tables


def in_lake(manifest: dict | None = None) -> list[str]:
    """The silver and gold model tables the lake holds now, by lake name: the Spark target's catalog is made
    to agree with them before a build (dbt var spark_lake_tables, macros/spark.sql), so an incremental model
    MERGEs into the lake's table and never replaces it, wherever the catalog was kept."""
    return [m.spec_name for m in model_tables(manifest) if delta_io.exists(m.spec)]


def export(models: list[str] | None = None, window: tuple[dt.date, dt.date] | None = None,
           progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Export the given models (default: all silver and gold); returns rows written per lake table."""
    wanted = [m for m in model_tables() if models is None or m.model in models]
    written: dict[str, int] = {}
    con = duckdb.connect(str(settings().warehouse_path), read_only=True)
    try:
        for m in wanted:
            data = con.sql(f"select * from {m.relation}").to_arrow_table()
            spec = dataclasses.replace(m.spec, schema=data.schema)
            if window and m.window_column and spec.partition_by and delta_io.exists(spec):
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
    col = spec.partition_by[0]
    landed = pc.and_(pc.greater_equal(data[m.window_column], pa.scalar(window[0], pa.date32())),
                     pc.less_equal(data[m.window_column], pa.scalar(window[1], pa.date32())))
    touched = pc.unique(data[col].filter(landed))
    if len(touched) == 0:
        return 0
    rows = data.filter(pc.is_in(data[col], touched))
    values = ", ".join(delta_io.sql_literal(v) for v in touched.to_pylist())
    delta_io.replace_where(spec, rows, f"{col} in ({values})")
    return rows.num_rows
