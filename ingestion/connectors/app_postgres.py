"""The app's PostgreSQL: schema, a loader for the simulator's data, and the incremental extractor.

Extraction, per table: keyset pages ordered by (incremental column, primary key) above the table's
watermark less a look-back (rows committed late with an older updated_at are picked up again; silver
keeps the latest version), each page read in one REPEATABLE READ transaction, landed as the CSV that
`COPY ... TO STDOUT (FORMAT csv, HEADER)` writes (`app/<day>/<table>__pg_<...>.csv`), then the
watermark moves to the page's last (time, key). Deletes: soft deletes arrive as updated rows
(deleted_at); hard deletes are found by `reconcile`, which compares the keys in PostgreSQL with the
keys bronze has seen and lands the missing ones as `deleted_keys` rows.

Schema drift, checked before each table: a column the declaration does not know is extracted too and
kept in bronze's `extra_columns` (JSON) until declared; a declared column that is gone or has another
type stops that table with SchemaDrift naming the column (the other tables still extract).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa
import psycopg
from psycopg import sql

from hasiru import console
from hasiru.config import env, env_int
from ingestion import landing
from ingestion.connectors import SourceUnavailable, watermarks
from lake import delta_io
from lake.tables import APP, APP_TABLES, BOOL, DATE, F64, I64, STR
from lake.catalog import UTC_TS

SOURCE = "app"
SCHEMA_SQL = Path(__file__).with_name("app_schema.sql")
TABLES = [t for t in APP_TABLES if t != "deleted_keys"]  # in foreign-key order
INCREMENTAL = {t: "updated_at" for t in TABLES} | {
    "certification_status_events": "event_at", "advisory_feedback": "created_at", "call_logs": "started_at"}
PG_TYPES = {STR: {"text", "character varying", "character"}, UTC_TS: {"timestamp with time zone"}, DATE: {"date"},
            BOOL: {"boolean"}, F64: {"double precision", "numeric", "real"}, I64: {"bigint", "integer", "smallint"}}
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


class SchemaDrift(ValueError):
    """A declared column is gone from PostgreSQL or has another type (see README, section Connectors)."""


def key_of(table: str) -> str:
    return APP_TABLES[table][0][0]


class AppPostgres:
    def __init__(self, dsn: str, lookback: dt.timedelta = dt.timedelta(minutes=15), page_rows: int = 50_000,
                 connect_timeout_s: int = 10):
        self.dsn, self.lookback, self.page_rows, self.connect_timeout_s = dsn, lookback, page_rows, connect_timeout_s

    @classmethod
    def from_env(cls) -> "AppPostgres":
        dsn = env("HASIRU_APP_DB_DSN")
        if not dsn:
            raise SourceUnavailable("HASIRU_APP_DB_DSN is not set (postgresql://user:pass@host:5432/app); see README, section Connectors")
        return cls(dsn, lookback=dt.timedelta(minutes=env_int("HASIRU_APP_DB_LOOKBACK_MINUTES", minimum=0)))

    def connect(self) -> psycopg.Connection:
        try:
            # autocommit: extraction opens its own read-only snapshot per page, loading a transaction per table
            return psycopg.connect(self.dsn, connect_timeout=self.connect_timeout_s, autocommit=True)
        except psycopg.OperationalError as e:
            raise SourceUnavailable(f"app PostgreSQL not reachable: {str(e).strip().splitlines()[0]}") from None

    # --- schema and loading (the simulator's world, tests) ------------------------------------------

    def create_schema(self) -> None:
        with self.connect() as con:
            con.execute(SCHEMA_SQL.read_text())

    def load_csv(self, con: psycopg.Connection, table: str, data: bytes) -> int:
        """Upsert one `COPY ... (FORMAT csv, HEADER)` file of `table` (what the simulator lands)."""
        header = next(csv.reader(io.StringIO(data.split(b"\n", 1)[0].decode())))
        names = sql.SQL(", ").join(map(sql.Identifier, header))
        key = key_of(table)
        updates = sql.SQL(", ").join(sql.SQL("{} = excluded.{}").format(sql.Identifier(c), sql.Identifier(c)) for c in header if c != key)
        with con.transaction():
            con.execute(sql.SQL("create temp table _load (like {} including defaults) on commit drop").format(sql.Identifier(table)))
            with con.cursor().copy(sql.SQL("copy _load ({}) from stdin (format csv, header)").format(names)) as copy:
                copy.write(data)
            # a file may hold the same row twice (changed twice that day): the last one wins
            return con.execute(sql.SQL("insert into {} ({}) select distinct on ({}) {} from _load order by {}, ctid desc "
                                       "on conflict ({}) do update set {}").format(
                sql.Identifier(table), names, sql.Identifier(key), names, sql.Identifier(key), sql.Identifier(key), updates)).rowcount

    def load_landed(self, days: list[dt.date], progress: Callable[[str], None] = lambda _: None) -> dict[str, int]:
        """Put the simulator's app data (landed COPY CSVs) into PostgreSQL, day by day in foreign-key order:
        the demo's stand-in for the app writing its database."""
        counts: dict[str, int] = {}
        with self.connect() as con:
            for day in days:
                files = landing.list_files(SOURCE, day)
                for table in TABLES:
                    for rel in files:
                        if rel.rsplit("/", 1)[-1].removesuffix(".csv").split("__", 1)[0] == table:
                            counts[table] = counts.get(table, 0) + self.load_csv(con, table, landing.read(rel))
        progress(f"app PostgreSQL loaded: {console.counts(counts)}")
        return counts

    # --- schema drift -----------------------------------------------------------------------------

    def columns(self, con: psycopg.Connection, table: str) -> list[tuple[str, str]]:
        return con.execute("select column_name, data_type from information_schema.columns "
                           "where table_schema = current_schema() and table_name = %s order by ordinal_position", [table]).fetchall()

    def check_schema(self, con: psycopg.Connection, table: str) -> list[str]:
        """The table's columns to extract (declared first, then new ones); SchemaDrift if a declared one is gone or retyped."""
        found = dict(self.columns(con, table))
        if not found:
            raise SchemaDrift(f"app table {table!r} does not exist in PostgreSQL (declared in lake/tables.py APP_TABLES)")
        problems = []
        for col, typ in APP_TABLES[table]:
            if col not in found:
                problems.append(f"column {col!r} is gone (dropped or renamed)")
            elif found[col] not in PG_TYPES[typ]:
                problems.append(f"column {col!r} is {found[col]}, declared {typ} (expected {' or '.join(sorted(PG_TYPES[typ]))})")
        if problems:
            raise SchemaDrift(f"app table {table!r}: " + "; ".join(problems)
                              + ". Restore the column in PostgreSQL, or change its declaration in lake/tables.py "
                                "APP_TABLES and the dbt models that use it, then extract again.")
        declared = [c for c, _ in APP_TABLES[table]]
        return declared + [c for c in found if c not in declared]

    # --- incremental extraction -------------------------------------------------------------------

    def extract(self, now: dt.datetime | None = None, tables: list[str] | None = None,
                progress: Callable[[str], None] = lambda _: None) -> dict:
        """Every table's changes since its watermark; {"tables": {table: {...}}, "failed": {table: reason}}."""
        now = now or dt.datetime.now(dt.timezone.utc)
        day = landing.day_of(now)
        out, failed = {}, {}
        marks = watermarks.get_all("app_postgres")
        moved: dict[str, tuple] = {}
        try:
            with self.connect() as con:
                for table in tables or TABLES:
                    try:
                        out[table] = self._extract_table(con, table, day, marks.get(table, (None, None)), moved)
                        progress(f"app {table}: {out[table]['rows']:,} rows in {len(out[table]['files'])} files")
                    except SchemaDrift as e:
                        failed[table] = str(e)
                        progress(f"app {table}: NOT extracted: {e}")
        finally:
            watermarks.set_many("app_postgres", moved)  # what was landed, even if a later table failed
        return {"tables": out, "failed": failed}

    def _extract_table(self, con: psycopg.Connection, table: str, day: dt.date, mark_now: tuple, moved: dict) -> dict:
        cols = self.check_schema(con, table)
        ts_col, key = INCREMENTAL[table], key_of(table)
        mark, mark_key = mark_now
        lower = ((mark - self.lookback) if mark else EPOCH, "" if mark else "")
        rows, files = 0, []
        ident = {"t": sql.Identifier(table), "ts": sql.Identifier(ts_col), "k": sql.Identifier(key)}
        while True:
            con.execute("begin isolation level repeatable read read only")
            end = con.execute(sql.SQL(
                "select {ts}, {k}, n from (select {ts}, {k}, count(*) over () as n from "
                "(select {ts}, {k} from {t} where ({ts}, {k}) > (%s, %s) order by {ts}, {k} limit %s) p) q "
                "order by {ts} desc, {k} desc limit 1").format(**ident), [*lower, self.page_rows]).fetchone()
            if end is None:
                con.rollback()
                break
            end_ts, end_key, n = end
            buf = io.BytesIO()
            query = sql.SQL("copy (select {cols} from {t} where ({ts}, {k}) > (%s, %s) and ({ts}, {k}) <= (%s, %s) "
                            "order by {ts}, {k}) to stdout (format csv, header)").format(
                cols=sql.SQL(", ").join(map(sql.Identifier, cols)), **ident)
            with con.cursor().copy(query, [*lower, end_ts, end_key]) as copy:
                for chunk in copy:
                    buf.write(chunk)
            con.rollback()  # read-only transaction: nothing to commit
            name = f"{table}__pg_{lower[0]:%Y%m%dT%H%M%S%f}_{end_ts:%Y%m%dT%H%M%S%f}.csv"
            files.append(landing.write(SOURCE, day, name, buf.getvalue()))
            rows += n
            if mark is None or (end_ts, end_key) > (mark, mark_key or ""):
                mark, mark_key = end_ts, end_key
                moved[table] = (mark, mark_key, f"{rows} rows this extract")
            lower = (end_ts, end_key)
            if n < self.page_rows:
                break
        return {"rows": rows, "files": files, "watermark": mark}

    # --- hard deletes -----------------------------------------------------------------------------

    def reconcile(self, now: dt.datetime | None = None, tables: list[str] | None = None,
                  progress: Callable[[str], None] = lambda _: None) -> dict[str, int]:
        """Land a `deleted_keys` row for every key bronze has seen that PostgreSQL no longer has."""
        now = now or dt.datetime.now(dt.timezone.utc)
        found: dict[str, list[str]] = {}
        lake = duckdb.connect()
        delta_io.duckdb_relation(APP["deleted_keys"], lake).create_view("tombstones")
        with self.connect() as con:
            for table in tables or TABLES:
                key = key_of(table)
                in_pg = pa.table({"key": pa.array([r[0] for r in con.execute(
                    sql.SQL("select {} from {}").format(sql.Identifier(key), sql.Identifier(table))).fetchall()], pa.string())})
                delta_io.duckdb_relation(APP[table], lake).create_view("seen", replace=True)
                lake.register("in_pg", in_pg)
                gone = [r[0] for r in lake.sql(f"""
                    select distinct "{key}" from seen
                    where "{key}" not in (select key from in_pg)
                      and "{key}" not in (select key from tombstones where table_name = '{table}')""").fetchall()]
                lake.unregister("in_pg")
                if gone:
                    found[table] = sorted(gone)
        lake.close()
        if found:
            buf = io.StringIO()
            w = csv.writer(buf)
            w.writerow([c for c, _ in APP_TABLES["deleted_keys"]])
            for table, keys in found.items():
                for k in keys:
                    w.writerow([f"{table}:{k}", table, k, now.isoformat()])
            landing.write(SOURCE, landing.day_of(now), f"deleted_keys__{now:%Y%m%dT%H%M%S%f}.csv", buf.getvalue().encode())
        counts = {t: len(k) for t, k in found.items()}
        progress(f"app key reconciliation: {sum(counts.values())} hard-deleted keys; {console.counts(counts)}")
        return counts
