"""The lake as a DuckDB catalogue of views (no copy): `bronze_mandi_prices`, `ops_load_log`, ...

A job passes the tables it declares it reads (its READS): only those become views, so SQL that
reads anything else fails at once instead of quietly depending on an undeclared table."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from hasiru import sql_functions
from lake import delta_io
from lake.catalog import all_tables, table


def view_name(table: str) -> str:
    """silver.app__farms -> silver_app__farms"""
    return table.replace(".", "_", 1)


def connect(tables: Iterable[str] | None = None) -> duckdb.DuckDBPyConnection:
    """Views over `tables` (catalogue names, `layer.table`); None: every table (ad-hoc use)."""
    con = sql_functions.install(duckdb.connect())
    specs = all_tables() if tables is None else [table(n) for n in sorted(set(tables))]
    for spec in specs:
        if spec.schema is not None or delta_io.exists(spec):
            delta_io.duckdb_relation(spec, con).create_view(view_name(spec.name))
    return con
