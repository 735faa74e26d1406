"""The lake as a DuckDB catalogue of views (no copy): `bronze_mandi_prices`, `ops_load_log`, ..."""

from __future__ import annotations

import duckdb

from lake import delta_io
from lake.catalog import all_tables


def connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for spec in all_tables():
        delta_io.duckdb_relation(spec, con).create_view(spec.name.replace(".", "_"))
    return con
