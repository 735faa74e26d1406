"""Engines benchmark (issue 5): the embedded engine (DuckDB, delta-rs, a process pool) against Spark
with Delta (local mode, all cores), on the same data in the same run.

    .venv/bin/python benchmarks/bench_engines.py [--scales 2000x7,200000x7] [--series 1000] [--years 3]

For each scale (farmers x days) it builds the world and loads bronze (not timed), then prints per engine:
  * sensor silver + daily rollups: dbt's three sensor models + their export (embedded) vs the same
    models on dbt-spark (incremental: MERGE into silver, the touched days' rollups), from the whole of
    bronze, dbt-spark's JVM start included;
  * marts: `dbt build` of every other silver/gold model (+ tests; embedded adds the lake export) vs
    dbt-spark writing Delta into the lake (its own JVM: start-up included and reported);
and once, the per-series forecast fan-out (Prophet, the same function) over N synthetic series:
the local pool of 2 processes vs groupBy().applyInPandas on Spark. The baseline of every ratio is the
embedded engine: ratio = Spark time / embedded time (below 1: Spark faster).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

START = dt.date(2026, 11, 1)
SENSOR_MODELS = ["stg_sensors__readings", "int_sensor_readings_flagged", "fct_sensor_daily"]


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def dbt(args: list[str], target: Path) -> None:
    from transform import dbt_cli

    try:
        dbt_cli.run([*args, "--quiet"], target_path=target)
    except dbt_cli.DbtFailed as exc:
        raise SystemExit(str(exc)) from None


def run_scale(farmers: int, days: int, work: Path) -> None:
    os.environ.update(HASIRU_DATA_DIR=str(work), HASIRU_LAKE_URI=str(work / "lake"), HASIRU_LANDING_DIR=str(work / "landing"),
                      HASIRU_WAREHOUSE_PATH=str(work / "warehouse" / "w.duckdb"), HASIRU_SERVING_DIR=str(work / "serving"))
    os.environ.pop("HASIRU_ENGINE", None)
    from ingestion.bronze import load_partition
    from ingestion.sources import SOURCES
    from lake import delta_io
    from lake.catalog import table as lake_table
    from lake.catalog import all_tables
    from simulator.world import build_world
    from transform import lake_export

    sim_s, _ = timed(lambda: build_world(work / "landing", 42, farmers, START, days))
    load_s, _ = timed(lambda: [load_partition(s, START + dt.timedelta(days=i)) for s in SOURCES for i in range(days)])
    bronze_rows = sum(delta_io.row_count(t) for t in all_tables())
    sensor_rows = delta_io.row_count(lake_table("bronze.sensor_readings"))
    print(f"\n## {farmers:,} farmers x {days} days: {bronze_rows:,} bronze rows, {sensor_rows:,} sensor points "
          f"(simulated in {sim_s:.0f} s, loaded in {load_s:.0f} s)", flush=True)

    # --- embedded: dbt on DuckDB + export to Delta
    target = work / "target_duckdb"
    dbt(["seed"], target)
    emb_sensors, _ = timed(lambda: (dbt(["run", "--full-refresh", "--select", *SENSOR_MODELS], target),
                                    lake_export.export(models=SENSOR_MODELS)))
    emb_marts, _ = timed(lambda: (dbt(["build", "--full-refresh", "--exclude", *SENSOR_MODELS, "tag:serving"], target),
                                  lake_export.export()))
    daily = delta_io.row_count(lake_table("gold.fct_sensor_daily"))
    print(f"embedded: sensor silver + rollups {emb_sensors:.1f} s ({daily:,} sensor-days); "
          f"marts (dbt build of the other models + tests, export) {emb_marts:.1f} s", flush=True)

    # --- Spark: the same models on dbt-spark (same tables, written by Spark into the lake)
    for name in ("silver/sensors__readings", "gold/fct_sensor_daily"):
        shutil.rmtree(work / "lake" / name)
    os.environ["HASIRU_ENGINE"] = "spark"
    target = work / "target_spark"
    sp_sensors, _ = timed(lambda: dbt(["run", "--select", *SENSOR_MODELS], target))
    sp_marts, _ = timed(lambda: dbt(["build", "--exclude", *SENSOR_MODELS, "tag:serving"], target))
    assert delta_io.row_count(lake_table("gold.fct_sensor_daily")) == daily
    os.environ.pop("HASIRU_ENGINE")
    print(f"spark (local[*], dbt-spark, each build's JVM start included): sensor silver + rollups {sp_sensors:.1f} s "
          f"(ratio {sp_sensors / emb_sensors:.2f}); marts {sp_marts:.1f} s (ratio {sp_marts / emb_marts:.2f})", flush=True)


def forecast_fanout(n_series: int, years: int) -> None:
    from benchmarks.bench_forecast import synthetic
    from ml.forecast.backtest import MODELS, evaluate, local_fanout
    from spark_jobs import session
    from spark_jobs.forecast_fanout import spark_fanout

    data = synthetic(n_series, years)
    print(f"\n## forecast fan-out: {n_series:,} series x {years} years, the weekly run's models at 8 cutoffs + the final "
          f"origin (the same per-series function)", flush=True)
    pool_s, fc = timed(lambda: evaluate(data, wanted=MODELS, fanout=local_fanout(2)).forecasts)
    session.get_spark()
    spark_s, fc_spark = timed(lambda: evaluate(data, wanted=MODELS, fanout=spark_fanout).forecasts)
    session.stop()
    assert len(fc) == len(fc_spark)
    print(f"embedded pool (2 processes): {pool_s:.1f} s; Spark applyInPandas (local[*]): {spark_s:.1f} s; "
          f"ratio {spark_s / pool_s:.2f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="2000x7,200000x7", help="comma-separated FARMERSxDAYS")
    ap.add_argument("--series", type=int, default=1000)
    ap.add_argument("--years", type=int, default=3)
    args = ap.parse_args()
    os.environ.setdefault("HASIRU_SPARK_DRIVER_MEMORY", "8g")
    print(f"# Hasiru Mitra engines benchmark ({os.cpu_count()} cores): embedded (baseline) vs Spark")
    for scale in args.scales.split(","):
        farmers, days = (int(x) for x in scale.split("x"))
        work = Path(tempfile.mkdtemp(prefix="hasiru-engines-"))
        try:
            run_scale(farmers, days, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if args.series:
        work = Path(tempfile.mkdtemp(prefix="hasiru-engines-fc-"))
        os.environ["HASIRU_DATA_DIR"] = str(work)
        try:
            forecast_fanout(args.series, args.years)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    sys.stdout.flush()
    os._exit(0)  # delta-rs exit abort (docs/architecture.md)


if __name__ == "__main__":
    main()
