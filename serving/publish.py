"""Publish the serving databases: read-only DuckDB files built from the lake.

- `hasiru_serving.duckdb`: every gold mart (pseudonymous; what analysts and dashboards read).
- `hasiru_api.duckdb`: the operational tables the serving API answers from (dbt/models/serving/api, built here):
  keyed by the app's ids, with exact farm locations and digest texts, never phone numbers; with it, per
  version, `hasiru_api.<version>.lookups.sqlite`: the tables the API reads by key (serving/lookups.py).

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

from hasiru.config import settings
from hasiru.recovery import building_name
from lake import delta_io
from lake.catalog import TableSpec, all_tables
from serving import lookups
from transform import serving_build

SERVING_FILE = "hasiru_serving.duckdb"
API_FILE = "hasiru_api.duckdb"


def serving_path() -> Path:
    return settings().serving_dir / SERVING_FILE


def api_path() -> Path:
    return settings().serving_dir / API_FILE


def api_reads() -> tuple[str, ...]:
    """The lake tables the API's models (dbt/models/serving/api) read, from their refs and sources."""
    return serving_build.reads("api")


def analyst_tables() -> list[TableSpec]:
    """What the analysts' file holds: every table the catalogue gives the `analyst` audience (none with personal data)."""
    return [spec for spec in all_tables() if spec.audience == "analyst"]


def reads() -> tuple[str, ...]:
    """Every table a publish reads: the analysts' tables and what the API's tables use."""
    return tuple(dict.fromkeys([s.name for s in analyst_tables()] + list(api_reads())))


def _build_and_swap(filename: str, build: Callable[[Path], dict[str, int]], lookups_for: dict | None = None) -> dict:
    """Build into a new file and rename it over the live one. `lookups_for` (the API file): the tables'
    indexes, for the version's SQLite lookups file (serving/lookups.py), written before the rename."""
    s = settings()
    s.serving_dir.mkdir(parents=True, exist_ok=True)
    version = f"{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    tmp = s.serving_dir / building_name(filename, version)
    final = s.serving_dir / filename
    side = lookups.path_for(final, version) if lookups_for is not None else None
    try:
        counts = build(tmp)
        with duckdb.connect(str(tmp)) as con:
            con.execute("create table _serving_meta as select ? as version, ? as published_at, ? as tables",
                        [version, dt.datetime.now(dt.timezone.utc), len(counts)])
            con.execute("checkpoint")
        if side is not None:
            lookups.build(tmp, side, lookups_for)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a failed build leaves nothing behind (a killed one: hasiru/recovery.py)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
        if side is not None:
            side.unlink(missing_ok=True)
        raise
    os.replace(tmp, final)  # atomic on one file system
    if side is not None:
        lookups.remove_old(final)
    return {"version": version, "path": str(final), "tables": counts}


def _gold_marts(progress: Callable[[str], None] | None):
    def build(path: Path) -> dict[str, int]:
        counts: dict[str, int] = {}
        with duckdb.connect(str(path)) as con:
            for spec in analyst_tables():
                name = spec.short_name
                # declared tables are there (maybe empty) before the first forecast; a missing mart says "run transform"
                con.register("_source", delta_io.dataset(spec))
                con.execute(f'create table "{name}" as select * from _source')
                con.unregister("_source")
                counts[name] = con.execute(f'select count(*) from "{name}"').fetchall()[0][0]
                if progress:
                    progress(f"serving: {name} {counts[name]:,} rows")
        return counts
    return build


def _api_tables(progress: Callable[[str], None] | None, indexes: dict[str, list[list[str]]]):
    """dbt builds the serving API's models (selector `api`) into the new file (transform/serving_build.py);
    `indexes` receives each model's declared indexes (for the lookups file)."""
    def build(path: Path) -> dict[str, int]:
        models = serving_build.build(path, "api", progress=progress)
        counts: dict[str, int] = {}
        with duckdb.connect(str(path)) as con:
            for t in models:
                indexes[t.model] = [list(c) for c in t.indexes]
                for i, columns in enumerate(t.indexes):
                    con.execute(f'create index "{t.model}_{i}" on "{t.model}" ({", ".join(columns)})')
                counts[t.model] = con.execute(f'select count(*) from "{t.model}"').fetchall()[0][0]
                if progress:
                    progress(f"api: {t.model} {counts[t.model]:,} rows")
        return counts
    return build


def publish_api(progress: Callable[[str], None] | None = None) -> dict:
    indexes: dict[str, list[list[str]]] = {}
    return _build_and_swap(API_FILE, _api_tables(progress, indexes), lookups_for=indexes)


def publish(progress: Callable[[str], None] | None = None) -> dict:
    """Both files; returns the analyst file's result with the API file's under "api"."""
    result = _build_and_swap(SERVING_FILE, _gold_marts(progress))
    result["api"] = publish_api(progress)
    return result


def connect_reader() -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published version (raises if nothing was published yet)."""
    path = serving_path()
    if not path.exists():
        raise FileNotFoundError(f"{path}: no serving database published yet (run `hasiru run` or `hasiru publish`)")
    return duckdb.connect(str(path), read_only=True)
