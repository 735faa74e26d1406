"""The serving API's point lookups, in SQLite beside the published DuckDB file.

Measured on the 200,000-farmer API file (benchmarks/bench_delivery.py): one indexed DuckDB lookup costs
~1.1 ms whatever it returns (DuckDB's fixed cost per query), about half of a request; the same lookup in
SQLite costs ~5 us. So each publish also writes the tables the API reads into
`<file stem>.<version>.lookups.sqlite`, with the dbt models' declared indexes (`meta.index`); the API's
routes read it (nearest mandis with the one distance rule, `distance_km`, rendered inline from its dbt
macro by hasiru/sql_functions.py), and what scans or aggregates more (the FPO app) stays on DuckDB.
The file belongs to one published version (its name carries the version in `_serving_meta`), so a
republish never mixes versions; older files are removed once two newer ones exist (a process
still reading one keeps its open file).

Values keep their meaning across the copy: dates and timestamps as ISO 8601 text (UTC with `Z`), which
the API's models parse back; decimals as doubles; a NaN double becomes NULL (SQLite has no NaN; the API
answers NaN as null already).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb

# the tables the API's routes read (serving/api/app.py): by key, and the mandis' latest prices (a few
# thousand rows, ranked by distance per request); the rest stay on DuckDB only
LOOKUP_TABLES = ("api_advisories", "api_farms", "api_price_forecasts", "api_fpo_overview", "api_digests",
                 "api_mandi_latest_prices")
KEEP = 2  # lookup files kept: the current version's and the one before


def path_for(duckdb_path: Path, version: str) -> Path:
    return duckdb_path.with_name(f"{duckdb_path.stem}.{version}.lookups.sqlite")


def _select(con: duckdb.DuckDBPyConnection, table: str) -> tuple[list[str], str]:
    """Column names and a SELECT giving SQLite-ready values."""
    cols = con.execute("select column_name, data_type from duckdb_columns() where table_name = ? order by column_index",
                       [table]).fetchall()
    exprs = []
    for name, kind in cols:
        q = f'"{name}"'
        if kind == "DATE":
            exprs.append(f"strftime({q}, '%Y-%m-%d')")
        elif kind in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
            exprs.append(f"strftime(timezone('UTC', {q}), '%Y-%m-%dT%H:%M:%S.%fZ')")
        elif kind.startswith("TIMESTAMP"):
            exprs.append(f"strftime({q}, '%Y-%m-%dT%H:%M:%S.%f')")
        elif kind.startswith("DECIMAL") or kind in ("HUGEINT", "UHUGEINT"):
            exprs.append(f"cast({q} as double)")
        elif kind.endswith("[]") or kind.startswith(("STRUCT", "MAP")):
            exprs.append(f"cast(to_json({q}) as varchar)")
        else:
            exprs.append(q)
    return [c for c, _ in cols], f'select {", ".join(exprs)} from "{table}"'


def build(duckdb_path: Path, target: Path, indexes: dict[str, list[list[str]]]) -> dict[str, int]:
    """Copy LOOKUP_TABLES from the built DuckDB file into a new SQLite file at `target`, indexed."""
    target.unlink(missing_ok=True)
    counts = {}
    with duckdb.connect(str(duckdb_path), read_only=True) as src:
        lite = sqlite3.connect(str(target))
        try:
            lite.execute("pragma journal_mode = off")
            lite.execute("pragma synchronous = off")
            for table in LOOKUP_TABLES:
                names, select = _select(src, table)
                lite.execute(f'create table "{table}" ({", ".join(chr(34) + n + chr(34) for n in names)})')
                cur = src.execute(select)
                marks = ", ".join("?" * len(names))
                n = 0
                while batch := cur.fetchmany(50_000):
                    lite.executemany(f'insert into "{table}" values ({marks})', batch)
                    n += len(batch)
                for i, columns in enumerate(indexes.get(table, [])):
                    lite.execute(f'create index "{table}_{i}" on "{table}" ({", ".join(columns)})')
                counts[table] = n
            lite.commit()
            lite.execute("analyze")
        finally:
            lite.close()
    return counts


def remove_old(duckdb_path: Path) -> None:
    """Lookup files of versions before the last KEEP (version names sort by time)."""
    files = sorted(duckdb_path.parent.glob(f"{duckdb_path.stem}.*.lookups.sqlite"))
    for old in files[:-KEEP]:
        old.unlink(missing_ok=True)


def connect(path: Path) -> sqlite3.Connection:
    """Read-only and immutable (the file never changes once published); shared across the server's threads."""
    con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    con.row_factory = sqlite3.Row
    return con
