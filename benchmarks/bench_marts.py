"""Marts benchmark (issue 4): dbt build, lake export and serving publish, and mart queries.

    .venv/bin/python benchmarks/bench_marts.py [--scales 2000x7,200000x7]

For each scale (farmers x days) it builds the world, loads bronze (not timed), then prints:
  * dbt build (full refresh) time, against the floor: copying every bronze table into a DuckDB file;
  * export of silver and gold to Delta, and serving-database publish times;
  * dashboard queries on the serving database, against answering the same questions from silver in
    the lake on the fly (what analysts would do without marts).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

START = dt.date(2026, 11, 1)
QUERIES = {  # name: (on the serving DB, the same question from silver in the lake)
    "tomato prices by mandi, last 7 days": (
        "select mandi_name, avg(modal_price_rs_per_qtl), avg(modal_mean_7d_rs_per_qtl) from fct_mandi_prices_daily "
        "where commodity = 'tomato' group by 1 order by 1",
        "select mandi_key, avg(modal_price_rs_per_qtl), avg(modal_price_rs_per_qtl) from silver_mandi_prices__prices "
        "where commodity = 'tomato' group by 1 order by 1"),
    "sensor days incomplete or stuck, per district": (
        "select f.district, count(*) filter (where s.is_incomplete), count(*) filter (where s.is_stuck_day) "
        "from fct_sensor_daily s join dim_farm f using (farm_key) group by 1",
        "select f.district, count(*) filter (where n < 77), 0 from (select sensor_id, farm_id, reading_date_ist, count(*) n "
        "from silver_sensors__readings group by all) r join silver_app__farms f using (farm_id) group by 1"),
    "data quality per source": (
        "select source, sum(rows_read), sum(rows_quarantined), sum(failed_checks) from mart_data_quality group by 1",
        "select source, sum(rows_read), sum(rows_quarantined), 0 from ops_load_log group by 1"),
}


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def median_time(con, sql: str, n: int = 5) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        con.sql(sql).fetchall()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def run_scale(farmers: int, days: int, work: Path) -> None:
    os.environ.update(HASIRU_DATA_DIR=str(work), HASIRU_LAKE_URI=str(work / "lake"), HASIRU_LANDING_DIR=str(work / "landing"),
                      HASIRU_WAREHOUSE_PATH=str(work / "warehouse" / "w.duckdb"), HASIRU_SERVING_DIR=str(work / "serving"))
    import duckdb

    from hasiru.lake_views import connect
    from ingestion.bronze import load_partition
    from ingestion.sources import SOURCES
    from lake import delta_io
    from lake.catalog import all_tables
    from serving.publish import connect_reader, publish
    from simulator.world import build_world
    from transform import lake_export
    from transform.dbt_env import DBT_PROJECT_DIR, dbt_env

    sim_s, _ = timed(lambda: build_world(work / "landing", 42, farmers, START, days))
    load_s, _ = timed(lambda: [load_partition(s, START + dt.timedelta(days=i)) for s in SOURCES for i in range(days)])
    bronze_rows = sum(delta_io.row_count(t) for t in all_tables())
    print(f"\n## {farmers:,} farmers x {days} days: {bronze_rows:,} bronze rows (simulated in {sim_s:.0f} s, loaded in {load_s:.0f} s)")

    def floor():
        con = duckdb.connect(str(work / "floor.duckdb"))
        for spec in all_tables():
            if delta_io.exists(spec):
                con.register("src", delta_io._open(spec).to_pyarrow_dataset())
                con.execute(f'create or replace table "{spec.short_name}" as select * from src')
                con.unregister("src")
        con.close()
    floor_s, _ = timed(floor)
    env = {**os.environ, **dbt_env()}
    dbt_s, done = timed(lambda: subprocess.run([str(Path(sys.executable).parent / "dbt"), "build", "--full-refresh", "--quiet"],
                                               cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True))
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-2000:])
        raise SystemExit("dbt build failed")
    export_s, written = timed(lambda: lake_export.export())
    publish_s, result = timed(lambda: publish())
    print(f"dbt build (full refresh, {len(lake_export.model_tables())} silver/gold models + tests): {dbt_s:.1f} s; "
          f"floor (copy bronze into DuckDB) {floor_s:.1f} s; ratio dbt/floor {dbt_s / floor_s:.1f}")
    print(f"export to Delta ({sum(written.values()):,} rows in {len(written)} tables): {export_s:.1f} s; "
          f"serving publish ({sum(result['tables'].values()):,} rows in {len(result['tables'])} tables): {publish_s:.1f} s")
    serving, lake = connect_reader(), connect()
    for name, (on_mart, on_silver) in QUERIES.items():
        mart_t, silver_t = median_time(serving, on_mart), median_time(lake, on_silver)
        print(f"query '{name}': serving DB {mart_t * 1000:.1f} ms; from silver in the lake {silver_t * 1000:.1f} ms; "
              f"ratio {silver_t / mart_t:.1f}x faster on the mart")
    serving.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="2000x7,200000x7", help="comma-separated FARMERSxDAYS")
    args = ap.parse_args()
    print(f"# Hasiru Mitra marts benchmark ({os.cpu_count()} cores)")
    for scale in args.scales.split(","):
        farmers, days = (int(x) for x in scale.split("x"))
        work = Path(tempfile.mkdtemp(prefix="hasiru-marts-"))
        try:
            run_scale(farmers, days, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    sys.stdout.flush()
    os._exit(0)  # delta-rs exit abort (docs/architecture.md)


if __name__ == "__main__":
    main()
