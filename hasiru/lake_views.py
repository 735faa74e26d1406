"""The lake as a DuckDB catalogue of views (no copy): `bronze_mandi_prices`, `ops_load_log`, ..."""

from __future__ import annotations

import duckdb

from lake import delta_io
from lake.catalog import TableSpec, all_tables


def connect() -> duckdb.DuckDBPyConnection:
    from transform.lake_export import model_tables

    con = duckdb.connect()
    specs = all_tables() + [TableSpec(m.spec_name, None, "") for m in model_tables()]
    for spec in specs:
        if spec.schema is not None or delta_io.exists(spec):
            delta_io.duckdb_relation(spec, con).create_view(spec.name.replace(".", "_"))
    return con
