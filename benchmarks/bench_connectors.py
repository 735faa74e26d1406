"""Connector benchmark (issue 3): pulling sensors from InfluxDB and the app's tables from PostgreSQL.

    .venv/bin/python benchmarks/bench_connectors.py [--farmers 20000] [--days 1]

Starts Debian's influxd and PostgreSQL in a temporary folder (as the tests do), fills them with the
simulator's world, then times, in the same run:
- InfluxDB: `InfluxConnector.sync` (windowed InfluxQL, JSON to line protocol, landing, watermarks)
  against the floor of issuing the same window queries and reading the JSON bodies only;
- InfluxDB 2.x: `Influx2Connector.sync` (Flux through influxdb-client, annotated CSV folded back into
  line protocol) against a server speaking 2.x's HTTP API (tests/influx2_double.py, no 2.x here),
  floor: the same Flux queries with the annotated CSV bodies read only;
- PostgreSQL: `AppPostgres.extract` of every table (keyset pages, COPY CSV, landing, watermarks)
  against the floor of one `COPY (SELECT * FROM t) TO STDOUT` per table.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--farmers", type=int, default=20_000)
    ap.add_argument("--days", type=int, default=1)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hasiru-bench-conn-"))
    os.chmod(tmp, 0o755)
    os.environ.update(HASIRU_DATA_DIR=str(tmp / "data"), HASIRU_LAKE_URI=str(tmp / "data" / "lake"),
                      HASIRU_LANDING_DIR=str(tmp / "data" / "landing"))
    import httpx
    import psycopg

    from ingestion import landing
    from ingestion.connectors.app_postgres import TABLES, AppPostgres
    from ingestion.connectors.influx import InfluxConnector, InfluxSettings, _rfc3339, windows
    from simulator.world import build_world
    from tests.servers import Influx, Postgres

    start = dt.date(2026, 11, 20)
    world = tmp / "world"
    build_world(world, 11, args.farmers, start, args.days)
    influx = Influx(tmp / "influx").start()
    pg = Postgres(tmp / "pg").start()
    try:
        influx.query("CREATE DATABASE sensors")
        lp = b"".join(p.read_bytes() for p in sorted((world / "sensors").rglob("*.lp")))
        points = lp.count(b"\n")
        t = time.perf_counter()
        lines = lp.splitlines(keepends=True)
        for i in range(0, len(lines), 50_000):
            influx.write("sensors", b"".join(lines[i:i + 50_000]))
        print(f"# connector benchmark: {args.farmers:,} farmers x {args.days} day(s); InfluxDB filled with {points:,} points "
              f"in {time.perf_counter() - t:.1f} s")
        now = dt.datetime.combine(start + dt.timedelta(days=args.days), dt.time(1), dt.timezone.utc)
        s = InfluxSettings(url=influx.url, database="sensors", initial_start=now - dt.datetime.combine(start, dt.time(), dt.timezone.utc)
                           + dt.timedelta(hours=6))
        c = InfluxConnector(s)
        t = time.perf_counter()
        out = c.sync(now=now)["soil"]
        ours = time.perf_counter() - t
        # floor: the same windows, JSON bodies read and decoded, nothing else
        t = time.perf_counter()
        for w, end in windows(now - s.initial_start, now - s.settle, s.chunk):
            httpx.get(f"{influx.url}/query", params={"db": "sensors", "epoch": "ns", "q": (
                f"SELECT * FROM \"soil\" WHERE time >= '{_rfc3339(w)}' AND time < '{_rfc3339(end)}' GROUP BY *")}, timeout=600).json()
        floor = time.perf_counter() - t
        print(f"InfluxDB sync: {out['points']:,} points in {ours:.2f} s ({out['points'] / ours:,.0f} points/s); "
              f"floor (same queries, JSON read only) {floor:.2f} s; ratio floor/ours {floor / ours:.2f}")
        v1_s = ours
        bench_influx2(lp, s, now, v1_s)

        with psycopg.connect(pg.dsn, autocommit=True) as con:
            con.execute("create database app")
        db = AppPostgres(pg.dsn.rsplit("/", 1)[0] + "/app")
        db.create_schema()
        local = world  # the simulator's COPY CSVs, loaded as the app would have written them
        os.environ["HASIRU_LANDING_DIR"] = str(local)
        t = time.perf_counter()
        loaded = db.load_landed([start + dt.timedelta(days=k) for k in range(args.days)])
        print(f"PostgreSQL filled with {sum(loaded.values()):,} rows in {time.perf_counter() - t:.1f} s")
        os.environ["HASIRU_LANDING_DIR"] = str(tmp / "data" / "landing")
        t = time.perf_counter()
        result = db.extract(now=now)
        ours = time.perf_counter() - t
        rows = sum(r["rows"] for r in result["tables"].values())
        t = time.perf_counter()
        with db.connect() as con:
            for table in TABLES:
                with con.cursor().copy(f"copy (select * from {table}) to stdout (format csv, header)") as copy:
                    for _ in copy:
                        pass
        floor = time.perf_counter() - t
        print(f"PostgreSQL extract: {rows:,} rows of {len(TABLES)} tables in {ours:.2f} s ({rows / ours:,.0f} rows/s); "
              f"floor (one COPY per table) {floor:.2f} s; ratio floor/ours {floor / ours:.2f}")
        print(f"landed: {len(landing.list_files('sensors', now.date()))} sensor files, {len(landing.list_files('app', now.date()))} app files")
    finally:
        influx.stop()
        pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def bench_influx2(lp: bytes, s, now: dt.datetime, v1_s: float) -> None:
    import httpx
    from influxdb_client import InfluxDBClient
    from influxdb_client.client.write_api import SYNCHRONOUS

    from ingestion.connectors.influx import windows
    from ingestion.connectors.influx2 import Influx2Connector, window_query
    from tests.influx2_double import Influx2Double

    double = Influx2Double()
    lake, landed = os.environ["HASIRU_LAKE_URI"], os.environ["HASIRU_LANDING_DIR"]
    try:
        with InfluxDBClient(url=double.url, token=double.token, org=double.org, timeout=600_000) as client:
            writer = client.write_api(write_options=SYNCHRONOUS)
            lines = lp.splitlines()
            for i in range(0, len(lines), 50_000):
                writer.write("sensors", record=b"\n".join(lines[i:i + 50_000]).decode())
        os.environ.update(HASIRU_LAKE_URI=lake + "-v2", HASIRU_LANDING_DIR=landed + "-v2")  # no v1 marks: the same windows
        s2 = dataclasses.replace(s, url=double.url, api="v2", token=double.token, org=double.org, bucket="sensors")
        c = Influx2Connector(s2)
        t = time.perf_counter()
        out = c.sync(now=now)["soil"]
        ours = time.perf_counter() - t
        t = time.perf_counter()
        for w, end in windows(now - s2.initial_start, now - s2.settle, s2.chunk):
            httpx.post(f"{double.url}/api/v2/query", params={"org": double.org}, timeout=600,
                       headers={"Authorization": f"Token {double.token}"},
                       json={"query": window_query("sensors", "soil", w, end), "type": "flux"}).read()
        floor = time.perf_counter() - t
        print(f"InfluxDB 2.x sync: {out['points']:,} points in {ours:.2f} s ({out['points'] / ours:,.0f} points/s); "
              f"floor (same Flux queries, annotated CSV read only) {floor:.2f} s; ratio floor/ours {floor / ours:.2f}; "
              f"v1 path (real influxd 1.x) / v2 path {v1_s / ours:.2f}")
    finally:
        os.environ.update(HASIRU_LAKE_URI=lake, HASIRU_LANDING_DIR=landed)
        double.close()


if __name__ == "__main__":
    main()
