"""Publish the serving database: a read-only DuckDB file built from the gold tables of the lake.

A new file is built beside the live one and renamed over it, so a reader either keeps the version
it opened or sees the next one complete; it never sees a half-written file and never blocks the
pipeline. `_serving_meta` records the version each file holds.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import duckdb
from deltalake import DeltaTable

from hasiru.config import settings, storage_options
from transform.lake_export import model_tables

SERVING_FILE = "hasiru_serving.duckdb"


def serving_path() -> Path:
    return settings().serving_dir / SERVING_FILE


def publish(progress: Callable[[str], None] | None = None) -> dict:
    s = settings()
    s.serving_dir.mkdir(parents=True, exist_ok=True)
    version = f"{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    tmp = s.serving_dir / f".{SERVING_FILE}.{version}.building"
    counts: dict[str, int] = {}
    con = duckdb.connect(str(tmp))
    try:
        for m in model_tables():
            layer, name = m.spec_name.split(".", 1)
            if layer != "gold":
                continue
            dataset = DeltaTable(f"{s.lake_uri}/{layer}/{name}", storage_options=storage_options() or None).to_pyarrow_dataset()
            con.register("_source", dataset)
            con.execute(f'create table "{name}" as select * from _source')
            con.unregister("_source")
            counts[name] = con.execute(f'select count(*) from "{name}"').fetchall()[0][0]
            if progress:
                progress(f"serving: {name} {counts[name]:,} rows")
        con.execute("create table _serving_meta as select ? as version, ? as published_at, ? as tables",
                    [version, dt.datetime.now(dt.timezone.utc), len(counts)])
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(tmp, serving_path())  # atomic on one file system
    return {"version": version, "path": str(serving_path()), "tables": counts}


def connect_reader() -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published version (raises if nothing was published yet)."""
    path = serving_path()
    if not path.exists():
        raise FileNotFoundError(f"{path}: no serving database published yet (run `hasiru run` or `hasiru publish`)")
    return duckdb.connect(str(path), read_only=True)
