"""Delta I/O on delta-rs, driven by the catalog declarations.

Writes say what they replace: `replace_partition` (predicate overwrite of one partition),
`merge` (upsert by the declared key) or `append`. Reads return Arrow or a DuckDB relation.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from deltalake import DeltaTable, write_deltalake
from deltalake.exceptions import CommitFailedError, TableNotFoundError

from hasiru.config import settings, storage_options
from lake.catalog import TableSpec

log = logging.getLogger(__name__)

# Spark and delta-rs must both read every table: keep writer features to what both support.
TABLE_CONFIGURATION = {"delta.enableDeletionVectors": "false"}


class SchemaMismatch(ValueError):
    """Data handed to a writer does not fit the table's declaration."""


class MissingTable(FileNotFoundError):
    """A dbt-built table (no declared schema to give an empty one) is not in the lake yet."""

    def __str__(self) -> str:
        return f"{self.args[0]} is not in the lake yet: run `hasiru transform` (or `hasiru run`) first"


def table_uri(spec: TableSpec, lake_uri: str | None = None) -> str:
    return f"{(lake_uri or settings().lake_uri).rstrip('/')}/{spec.path}"


def _open(spec: TableSpec) -> DeltaTable | None:
    try:
        return DeltaTable(table_uri(spec), storage_options=storage_options() or None)
    except TableNotFoundError:
        return None


def exists(spec: TableSpec) -> bool:
    return _open(spec) is not None


def conform(spec: TableSpec, data: pa.Table) -> pa.Table:
    """Select and order the declared columns and cast to the declared types, or say what is off."""
    missing = [n for n in spec.schema.names if n not in data.column_names]
    extra = [n for n in data.column_names if n not in spec.schema.names]
    if missing or extra:
        raise SchemaMismatch(f"{spec.name}: missing columns {missing}, undeclared columns {extra}")
    try:
        return data.select(spec.schema.names).cast(spec.schema)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise SchemaMismatch(f"{spec.name}: data does not cast to the declared schema: {exc}") from exc


def sql_literal(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return f"'{value.isoformat()}'"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def partition_predicate(**values: Any) -> str:
    return " AND ".join(f"{col} = {sql_literal(v)}" for col, v in values.items())


def _with_retry(what: str, fn, attempts: int = 10):
    """Delta commits are optimistic: a writer that lost a race to another commit tries again."""
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except CommitFailedError as exc:
            if attempt == attempts:
                raise
            log.warning("%s: commit conflict (%s), retry %d/%d", what, exc, attempt, attempts - 1)
            # jittered exponential backoff, so writers that collided do not collide again
            time.sleep(min(2.0, 0.05 * 2 ** attempt) * random.uniform(0.5, 1.5))


def _ensure_exists(spec: TableSpec) -> DeltaTable:
    """Create the table empty, from its declaration, if it is not there yet. Two writers racing to
    create it both end with the same empty table; their writes then go through the normal path."""
    table = _open(spec)
    if table is None:
        try:
            write_deltalake(
                table_uri(spec), spec.schema.empty_table(), mode="append", partition_by=list(spec.partition_by) or None,
                configuration=TABLE_CONFIGURATION, storage_options=storage_options() or None,
            )
        except CommitFailedError:
            pass  # another writer created it first
        table = _open(spec)
    return table


def append(spec: TableSpec, data: pa.Table) -> None:
    data = conform(spec, data)
    _ensure_exists(spec)
    # schema_mode="merge": a column added to the declaration is added to an existing table
    _with_retry(spec.name, lambda: write_deltalake(table_uri(spec), data, mode="append", schema_mode="merge",
                                                   storage_options=storage_options() or None))


def replace_where(spec: TableSpec, data: pa.Table, predicate: str) -> None:
    """Atomically replace the rows matching `predicate` with `data` (which must all match it)."""
    data = conform(spec, data)
    _ensure_exists(spec)
    _with_retry(spec.name, lambda: write_deltalake(table_uri(spec), data, mode="overwrite", predicate=predicate,
                                                   schema_mode="merge", storage_options=storage_options() or None))


def replace_all(spec: TableSpec, data: pa.Table) -> None:
    """Replace the whole table (schema included: a rebuilt model may have changed its columns)."""
    data = conform(spec, data)
    _with_retry(spec.name, lambda: write_deltalake(
        table_uri(spec), data, mode="overwrite", schema_mode="overwrite", partition_by=list(spec.partition_by) or None,
        configuration=TABLE_CONFIGURATION, storage_options=storage_options() or None))


def replace_partition(spec: TableSpec, data: pa.Table, **partition_values: Any) -> None:
    """Replace one partition (e.g. landing_date=...) with `data`: a rerun yields the same table."""
    unknown = [c for c in partition_values if c not in spec.schema.names]
    if unknown:
        raise SchemaMismatch(f"{spec.name}: no column(s) {unknown} to replace by")
    replace_where(spec, data, partition_predicate(**partition_values))


def merge(spec: TableSpec, data: pa.Table, key: tuple[str, ...] | None = None, update: bool = True) -> dict:
    """Upsert by key: update rows whose key exists (unless `update` is False: then they are kept as
    they are), insert the others."""
    key = key or spec.key
    if not key:
        raise SchemaMismatch(f"{spec.name}: MERGE needs key columns, and none are declared")
    data = conform(spec, data)
    if data.num_rows and data.group_by(list(key)).aggregate([]).num_rows != data.num_rows:
        raise SchemaMismatch(f"{spec.name}: MERGE source has duplicate keys on {list(key)}")

    _ensure_exists(spec)

    def run() -> dict:
        on = " AND ".join(f"t.{c} = s.{c}" for c in key)
        builder = _open(spec).merge(data, predicate=on, source_alias="s", target_alias="t")
        if update:
            builder = builder.when_matched_update_all()
        return builder.when_not_matched_insert_all().execute()

    return _with_retry(spec.name, run)


def read_arrow(spec: TableSpec, columns: list[str] | None = None, filter: pc.Expression | None = None) -> pa.Table:
    """The table as Arrow (empty with the declared schema when it does not exist yet)."""
    dt_ = _open(spec)
    if dt_ is None:
        if spec.schema is None:
            raise MissingTable(spec.name)
        empty = spec.schema.empty_table()
        return empty.select(columns) if columns else empty
    dataset = dt_.to_pyarrow_dataset()
    return dataset.to_table(columns=columns, filter=filter)


def dataset(spec: TableSpec):
    """The table's current version as an Arrow dataset, read lazily by whoever scans it (a declared table not
    written yet: its empty schema; a dbt table not built yet: MissingTable)."""
    dt_ = _open(spec)
    if dt_ is None:
        if spec.schema is None:
            raise MissingTable(spec.name)
        return spec.schema.empty_table()
    return dt_.to_pyarrow_dataset()


def _local_parquet(dt_: DeltaTable | None) -> tuple[list[str], bool] | None:
    """On a local lake, the Parquet files of the table's current version (our tables have no deletion
    vectors) and whether they are hive-partitioned; None on object storage or for a table not written yet."""
    if dt_ is None or not settings().lake_is_local:
        return None
    return [f.removeprefix("file://") for f in dt_.file_uris()], bool(dt_.metadata().partition_columns)


def _relation(spec: TableSpec, dt_: DeltaTable | None, con):
    if dt_ is None:
        if spec.schema is None:
            raise MissingTable(spec.name)
        return con.from_arrow(spec.schema.empty_table())
    local = _local_parquet(dt_)
    if local is None:
        return con.from_arrow(dt_.to_pyarrow_dataset())
    files, hive = local
    if not files:
        return con.from_arrow(dt_.to_pyarrow_dataset().schema.empty_table())
    return con.read_parquet(files, hive_partitioning=hive)


def create_in(spec: TableSpec, con, relation: str) -> None:
    """The table as `relation` ("schema"."name") in `con`'s database, for other connections to read (a
    relation from duckdb_relation lives only in its connection): on a local lake a view of the current
    version's Parquet files (no copy), else a copy."""
    dt_ = _open(spec)
    local = _local_parquet(dt_)
    if local and local[0]:
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in local[0])
        con.execute(f"create view {relation} as select * from read_parquet([{listed}], hive_partitioning = {str(local[1]).lower()})")
    else:
        _relation(spec, dt_, con).create(relation)


def duckdb_relation(spec: TableSpec, con):
    """A DuckDB relation over the table, read in place (no copy).

    On a local lake DuckDB reads the Parquet files of the table's current version itself (the Delta
    log's file list), with its own filter pushdown: through an Arrow dataset, DuckDB 2.0 pushes string
    filters down as string_view literals that pyarrow cannot compare (duckdb-python issue 187). On object
    storage (no httpfs extension here) the Arrow dataset."""
    return _relation(spec, _open(spec), con)


def row_count(spec: TableSpec) -> int:
    dt_ = _open(spec)
    if dt_ is None:
        return 0
    return dt_.to_pyarrow_dataset().count_rows()


def version(spec: TableSpec) -> int | None:
    dt_ = _open(spec)
    return None if dt_ is None else dt_.version()
