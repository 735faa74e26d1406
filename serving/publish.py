"""Publish the serving databases: read-only DuckDB files built from the lake.

- `hasiru_serving.duckdb`: every gold mart (pseudonymous; what analysts and dashboards read).
- `hasiru_api.duckdb`: the operational tables the serving API answers from (serving/api_tables.sql):
  keyed by the app's ids, with exact farm locations and digest texts, never phone numbers.

A new file is built beside the live one and renamed over it, so a reader either keeps the version
it opened or sees the next one complete; it never sees a half-written file and never blocks the
pipeline. `_serving_meta` records the version each file holds.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from collections.abc import Callable
from pathlib import Path

import duckdb

from hasiru.config import settings
from hasiru.recovery import building_name
from lake import delta_io
from lake.catalog import TableSpec, all_tables

SERVING_FILE = "hasiru_serving.duckdb"
API_FILE = "hasiru_api.duckdb"
API_TABLES_SQL = Path(__file__).with_name("api_tables.sql")


def serving_path() -> Path:
    return settings().serving_dir / SERVING_FILE


def api_path() -> Path:
    return settings().serving_dir / API_FILE


def api_reads() -> tuple[str, ...]:
    """The lake tables serving/api_tables.sql reads: the views it names (`layer_table`)."""
    found = re.findall(r"\b(bronze|silver|gold|ops)_(\w+)", API_TABLES_SQL.read_text(encoding="utf-8"))
    return tuple(sorted({f"{layer}.{name}" for layer, name in found}))


def analyst_tables() -> list[TableSpec]:
    """What the analysts' file holds: every table the catalogue gives the `analyst` audience (none with personal data)."""
    return [spec for spec in all_tables() if spec.audience == "analyst"]


def reads() -> tuple[str, ...]:
    """Every table a publish reads: the analysts' tables and what the API's tables use."""
    return tuple(dict.fromkeys([s.name for s in analyst_tables()] + list(api_reads())))


def _build_and_swap(filename: str, build: Callable[[duckdb.DuckDBPyConnection], dict[str, int]]) -> dict:
    s = settings()
    s.serving_dir.mkdir(parents=True, exist_ok=True)
    version = f"{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    tmp = s.serving_dir / building_name(filename, version)
    con = duckdb.connect(str(tmp))
    try:
        counts = build(con)
        con.execute("create table _serving_meta as select ? as version, ? as published_at, ? as tables",
                    [version, dt.datetime.now(dt.timezone.utc), len(counts)])
        con.execute("checkpoint")
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)  # a failed build leaves nothing behind (a killed one: hasiru/recovery.py)
        raise
    con.close()
    final = s.serving_dir / filename
    os.replace(tmp, final)  # atomic on one file system
    return {"version": version, "path": str(final), "tables": counts}


def _gold_marts(progress: Callable[[str], None] | None):
    def build(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
        counts: dict[str, int] = {}
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


def _api_tables(progress: Callable[[str], None] | None):
    def build(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
        from hasiru import lake_views, sql_functions

        sql_functions.install(con)  # stored in the file: the API and the FPO app call distance_km()
        lake = lake_views.connect(api_reads())
        lake.execute("set enable_progress_bar = false")
        counts: dict[str, int] = {}
        text = "\n".join(line for line in API_TABLES_SQL.read_text().splitlines() if not line.strip().startswith("--"))
        for statement in text.split(";"):
            sql = statement.strip()
            if not sql:
                continue
            found = re.fullmatch(r"create table (\w+) as\s+(.*)", sql, flags=re.DOTALL | re.IGNORECASE)
            if not found:
                raise ValueError(f"{API_TABLES_SQL}: expected 'create table <name> as <query>', got: {sql[:80]}")
            name, query = found.groups()
            data = lake.sql(query).to_arrow_table()
            con.register("_source", data)
            con.execute(f'create table "{name}" as select * from _source')
            con.unregister("_source")
            counts[name] = data.num_rows
            if progress:
                progress(f"api: {name} {data.num_rows:,} rows")
        for i, index in enumerate(("api_farms(farm_id)", "api_farms(farmer_id)", "api_advisories(farm_id)",
                                   "api_principals(user_id)", "api_digests(farmer_id)",
                                   "api_price_forecasts(mandi_code, commodity)")):
            con.execute(f"create index idx_{i} on {index}")
        lake.close()
        return counts
    return build


def publish_api(progress: Callable[[str], None] | None = None) -> dict:
    return _build_and_swap(API_FILE, _api_tables(progress))


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
