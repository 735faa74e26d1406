"""The Spark engine against the embedded one: the same input through both gives the same tables.

One local Spark session serves every test here (conftest `spark`). Tolerances are stated where
numbers are compared: see `assert_same_table`.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from lake.catalog import table as lake_table
from lake import delta_io
from tests.conftest import world_env
from lake.catalog import TableSpec
from ml.forecast.backtest import ALL_MODELS, evaluate, local_fanout

START = dt.date(2026, 11, 10)
DAY1, DAY2, DAY3 = START, START + dt.timedelta(days=1), START + dt.timedelta(days=2)

# Rounded means: DuckDB rounds the double of the exact mean, Spark the exact decimal, so a mean that is
# exactly halfway (x.xx5) may differ by one unit in the last kept digit. Everything else: 1e-9 relative.
ROUNDED = {"completeness_pct": 0.1, "moisture_mean_vwc_pct": 0.01, "soil_temp_mean_c": 0.01, "ec_mean_ds_per_m": 0.001}


def lake_frame(name: str) -> pd.DataFrame:
    return delta_io.read_arrow(lake_table(name)).to_pandas()


def assert_same_table(left: pd.DataFrame, right: pd.DataFrame, key: list[str], tolerances: dict | None = None) -> None:
    """Same columns, same rows (after sorting by key), column by column."""
    tolerances = tolerances or {}
    assert sorted(left.columns) == sorted(right.columns)
    assert len(left) == len(right)
    left = left.sort_values(key, ignore_index=True)
    right = right.sort_values(key, ignore_index=True)[list(left.columns)]
    for col in left.columns:
        a, b = left[col], right[col]
        if pd.api.types.is_float_dtype(a) or pd.api.types.is_float_dtype(b):
            a, b = a.astype(float).to_numpy(), b.astype(float).to_numpy()
            ok = np.isclose(a, b, rtol=1e-9, atol=tolerances.get(col, 0) + 1e-12, equal_nan=True)
            assert ok.all(), f"{col}: {int((~ok).sum())} rows differ, e.g. {a[~ok][:3]} vs {b[~ok][:3]}"
        elif pd.api.types.is_datetime64_any_dtype(a):
            a, b = pd.to_datetime(a, utc=True), pd.to_datetime(b, utc=True)
            assert ((a.isna() & b.isna()) | (a == b)).all(), col
        else:
            diff = ~((a.isna() & b.isna()) | (a.astype(object) == b.astype(object)))
            assert not diff.any(), f"{col}: {int(diff.sum())} rows differ, e.g. {a[diff].head(3).tolist()} vs {b[diff].head(3).tolist()}"


# --- forecasts: the same per-series function in the local pool and in applyInPandas

def _series(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    parts = []
    for i, (commodity, n) in enumerate([("onion", 420), ("onion", 400), ("tomato", 410), ("tomato", 30), ("potato", 200)]):
        y = 1000 * np.exp(np.cumsum(rng.normal(0, 0.02, n))) * (1 + 0.05 * np.sin(np.arange(n) * 2 * np.pi / 7))
        if commodity == "potato":
            y[:] = 1500.0  # constant: naive only
        parts.append(pd.DataFrame({"series_id": f"M{i}|{commodity}", "ds": pd.date_range("2025-06-01", periods=n, freq="D"),
                                   "y": y, "arrivals": rng.uniform(5, 50, n)}))
    return pd.concat(parts, ignore_index=True)


def test_forecast_fanout_on_spark_gives_the_pools_forecasts(spark):
    from spark_jobs.forecast_fanout import spark_fanout

    series = _series(3)
    # backtests at three origins and the final one, every model, in one fan-out on each engine
    local = evaluate(series, n_cutoffs=3, step_days=20, wanted=ALL_MODELS, horizon=14, fanout=local_fanout(1))
    remote = evaluate(series, n_cutoffs=3, step_days=20, wanted=ALL_MODELS, horizon=14, fanout=spark_fanout)
    assert set(local.forecasts["model"]) == set(ALL_MODELS)
    assert local.rules.equals(remote.rules)
    # Same seeds, same inputs: every model's forecasts and intervals, and every backtest score, agree to
    # 1e-9 (Prophet's MAP fit runs in another process: 1e-6 relative)
    for a, b, key in ((local.forecasts, remote.forecasts, ["series_id", "model", "horizon"]),
                      (local.scores, remote.scores, ["series_id", "model", "cutoff", "window"])):
        not_p = lambda f: f[f["model"] != "prophet"]  # noqa: E731
        assert_same_table(not_p(a), not_p(b), key)
        pa_, pb = a[a["model"] == "prophet"].sort_values(key), b[b["model"] == "prophet"].sort_values(key)
        assert len(pa_) == len(pb) > 0
        for col in [c for c in a.columns if pd.api.types.is_float_dtype(a[c])]:
            np.testing.assert_allclose(pa_[col].to_numpy(float), pb[col].to_numpy(float), rtol=1e-6, equal_nan=True)


def test_a_series_function_that_fails_fails_the_spark_job_with_its_message(spark):
    from spark_jobs.forecast_fanout import spark_fanout

    def broken(g: pd.DataFrame) -> pd.DataFrame:
        raise ValueError(f"series {g['series_id'].iloc[0]} is broken")

    with pytest.raises(Exception, match="is broken"):
        spark_fanout(_series(1).head(50), broken)


# --- sensors: silver MERGE and daily rollups on Spark vs dbt on DuckDB

def build_parity_world(root) -> dict:
    """Three days of a small world, built by the embedded engine (bronze, dbt, lake export), with a late
    re-send that corrects day-1 points on day 3 and a probe stuck for 6 hours. The environment must point
    at `root` (world_env)."""
    from simulator.world import build_world

    landing = root / "landing"
    build_world(landing, seed=5, farmers=80, start=START, days=3)
    day1 = (landing / "sensors" / str(DAY1) / f"influx_soil_{DAY1}.lp").read_text().splitlines()
    corrected = [re.sub(r"soil_moisture_vwc_pct=[^,]+", "soil_moisture_vwc_pct=44.44", ln) for ln in day1[:6]]
    (landing / "sensors" / str(DAY3) / "late_resend.lp").write_text("\n".join(corrected) + "\n")
    ts0 = int(dt.datetime.combine(DAY2, dt.time(2), dt.timezone.utc).timestamp()) * 10**9
    stuck = [f"soil,farm_id=FM00000001,sensor_id=SM_STUCK soil_moisture_vwc_pct=18.5,soil_temperature_c=22 {ts0 + i * 900 * 10**9}"
             for i in range(24)]
    (landing / "sensors" / str(DAY2) / "stuck_probe.lp").write_text("\n".join(stuck) + "\n")
    (root / "dagster_home").mkdir(exist_ok=True)
    from dagster_project.run_local import materialize_partitions

    materialize_partitions(DAY1, DAY3, lambda _: None)
    from lake.catalog import model_tables

    embedded = {m.spec_name: delta_io.read_arrow(lake_table(m.spec_name)) for m in model_tables()}
    return {"root": root, "corrected": corrected, "embedded": embedded}


@pytest.fixture(scope="module")
def world(tmp_path_factory, spark):
    """The parity world (build_parity_world) for this module's local Spark session."""
    root = tmp_path_factory.mktemp("parity")
    mp = world_env(root)
    yield build_parity_world(root)
    mp.undo()


SENSOR_TABLES = {"silver.sensors__readings": ["sensor_id", "reading_ts_utc"], "gold.fct_sensor_daily": ["sensor_id", "date_day"]}
SENSOR_MODELS = ["stg_sensors__readings", "int_sensor_readings_flagged", "fct_sensor_daily"]


def build_sensors_on_spark(world: dict, window: tuple[dt.date, dt.date] | None, empty: bool = False) -> None:
    """dbt-spark builds the sensor models for a window of landing days, as a partitioned run on the Spark
    engine does (transform/dbt_cli.py: its own JVM, with the session factory's master, lake and S3 settings)."""
    from transform import dbt_cli

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HASIRU_ENGINE", "spark")
        dbt_cli.run(["run", "--select", *SENSOR_MODELS, *(["--empty"] if empty else [])], window,
                    target_path=world["root"] / "dbt-spark-target")  # not the project's: its manifest is DuckDB's


def _drop_lake_table(root, name: str) -> None:
    import shutil

    shutil.rmtree(root / "lake" / name.replace(".", "/"))


def _last_commit(name: str) -> dict:
    """The commitInfo of a lake table's latest version, read from its log file (deltalake's history() holds
    the GIL while it waits on S3, which deadlocks against the in-process S3 server of test_spark_s3)."""
    import json
    from pathlib import Path

    spec = lake_table(name)
    uri, log = delta_io.table_uri(spec), f"_delta_log/{delta_io.version(spec):020d}.json"
    if uri.startswith("s3://"):
        from ingestion import landing

        bucket, prefix = uri.removeprefix("s3://").split("/", 1)
        text = landing.s3().get_object(bucket, f"{prefix}/{log}").read().decode()
    else:
        text = (Path(uri) / log).read_text()
    return next(json.loads(line)["commitInfo"] for line in text.splitlines() if '"commitInfo"' in line)


def check_sensor_parity(world: dict, drop_local: bool = True) -> None:
    """dbt-spark's sensor models, day by day and rerun, give the tables dbt on DuckDB gave (the embedded
    world). `drop_local`: remove the embedded engine's tables from the local lake first (a lake elsewhere
    starts without them)."""
    embedded = {name: world["embedded"][name].to_pandas() for name in SENSOR_TABLES}
    assert embedded["gold.fct_sensor_daily"]["is_stuck_day"].any()
    for name in SENSOR_TABLES if drop_local else ():
        _drop_lake_table(world["root"], name)
    # the tables made empty first (dbt's --empty), so every day after is an incremental run
    build_sensors_on_spark(world, (DAY1, DAY1), empty=True)
    assert all(lake_frame(name).empty for name in SENSOR_TABLES)
    # day by day, as the daily partitions arrive: day 3 brings late points for day 1
    for day in (DAY1, DAY2, DAY3):
        build_sensors_on_spark(world, (day, day))
        merge = _last_commit("silver.sensors__readings")
        assert merge["operation"] == "MERGE", merge
        # the MERGE reads only the IST days the batch falls on (the partition values in its condition)
        assert "reading_date_ist" in merge["operationParameters"]["predicate"], merge
        assert _last_commit("gold.fct_sensor_daily")["operation"] == "WRITE"
    for name, key in SENSOR_TABLES.items():
        assert_same_table(embedded[name], lake_frame(name), key, ROUNDED)
    silver = lake_frame("silver.sensors__readings")
    assert (silver.loc[silver["soil_moisture_vwc_pct"] == 44.44, "landing_date"] == DAY3).sum() == len(world["corrected"])

    # rerunning the whole window (late data included) gives the same tables
    before = {name: lake_frame(name) for name in SENSOR_TABLES}
    build_sensors_on_spark(world, (DAY1, DAY3))
    for name, key in SENSOR_TABLES.items():
        assert_same_table(before[name], lake_frame(name), key)


def test_sensor_silver_and_rollups_on_spark_equal_dbt_on_duckdb_and_reruns_change_nothing(world):
    check_sensor_parity(world)


def test_tables_spark_writes_are_read_by_delta_rs_and_duckdb_and_the_other_way_round(world, spark):
    import duckdb

    from lake.catalog import table
    from spark_jobs.session import table_path

    # Spark-written: no deletion vectors, so delta-rs (and DuckDB through it) read it
    build_sensors_on_spark(world, (DAY1, DAY3))
    path = table_path(lake_table("gold.fct_sensor_daily"))
    props = {r["key"]: r["value"] for r in spark.sql(f"SHOW TBLPROPERTIES delta.`{path}`").collect()}
    assert props.get("delta.enableDeletionVectors") == "false"
    from deltalake import DeltaTable

    dt_ = DeltaTable(path)
    assert "deletionVectors" not in (dt_.protocol().writer_features or [])
    con = duckdb.connect()
    dataset = dt_.to_pyarrow_dataset()  # noqa: F841  (DuckDB reads the local variable by name)
    n_duck = con.sql("select count(*), count(distinct sensor_id) from dataset").fetchall()[0]
    assert n_duck[0] == spark.read.format("delta").load(path).count() and n_duck[1] > 0

    # delta-rs-written (bronze): Spark reads the same rows
    bronze = table("bronze.sensor_readings")
    assert spark.read.format("delta").load(table_path(bronze)).count() == delta_io.row_count(bronze)

    # and a table written by delta-rs, then MERGEd by Spark, is still read by delta-rs
    spec = TableSpec("gold.interop_check", pa.schema([("k", pa.string()), ("v", pa.int64())]), "interop", (), ("k",))
    delta_io.replace_all(spec, pa.table({"k": ["a", "b"], "v": [1, 2]}, schema=spec.schema))
    from delta.tables import DeltaTable as SparkDeltaTable

    updates = spark.createDataFrame([("b", 20), ("c", 3)], "k string, v long")
    (SparkDeltaTable.forPath(spark, table_path(spec)).alias("t").merge(updates.alias("s"), "t.k = s.k")
     .whenMatchedUpdateAll().whenNotMatchedInsertAll().execute())
    got = dict(zip(*delta_io.read_arrow(spec).to_pydict().values()))
    assert got == {"a": 1, "b": 20, "c": 3}


# --- the whole transformation on Spark: the same Dagster assets, the engine set by configuration

def test_dagster_with_the_spark_engine_builds_every_silver_and_gold_table_as_the_embedded_engine(world, monkeypatch):
    from dagster_project.run_local import materialize_partitions
    from lake.catalog import model_tables

    monkeypatch.setenv("HASIRU_ENGINE", "spark")
    serving = world["root"] / "serving" / "hasiru_serving.duckdb"
    published_before = serving.stat().st_mtime_ns
    lines = []
    materialize_partitions(DAY1, DAY3, lines.append, ingest=False)  # raises PipelineFailed on any failed step or check
    tables = model_tables()
    assert len(tables) >= 30
    for m in tables:
        got = delta_io.read_arrow(lake_table(m.spec_name))
        want = world["embedded"][m.spec_name]
        # the same schema (both engines cast where their SQL types differ) ...
        assert {f.name: f.type for f in got.schema} == {f.name: f.type for f in want.schema}, m.spec_name
        # ... and the same rows
        assert_same_table(want.to_pandas(), got.to_pandas(), list(m.spec.key) or want.schema.names, ROUNDED)
    # Spark wrote these tables itself (dbt-spark, location in the lake); the serving publish read them
    assert serving.stat().st_mtime_ns > published_before
    from deltalake import DeltaTable

    history = DeltaTable(str(world["root"] / "lake" / "gold" / "fct_mandi_prices_daily")).history(1)[0]
    assert "engineInfo" in history and "Spark" in history["engineInfo"]


def test_spark_maintenance_compacts_vacuums_and_analyzes_a_table_delta_rs_wrote(spark, lake_env, monkeypatch):
    from spark_jobs.maintenance import run
    from tests.test_maintenance import SPEC, data_files, small_appends

    small_appends()
    rows = sorted(delta_io.read_arrow(SPEC).to_pylist(), key=lambda r: r["k"])
    monkeypatch.setenv("HASIRU_VACUUM_RETENTION_HOURS", "0")
    done = run(tables=[SPEC])
    assert [(d.files_before, d.files_after) for d in done] == [(8, 2)] and done[0].files_vacuumed == 8
    assert data_files(lake_env) == 2
    # delta-rs still reads the table Spark maintained, with every row
    assert sorted(delta_io.read_arrow(SPEC).to_pylist(), key=lambda r: r["k"]) == rows


def test_settings_that_cannot_work_are_refused_by_name(lake_env, monkeypatch):
    from hasiru.config import ConfigError, engine
    from spark_jobs.session import spark_conf
    from transform.dbt_env import dbt_env

    monkeypatch.setenv("HASIRU_ENGINE", "sparc")
    with pytest.raises(ConfigError, match="HASIRU_ENGINE"):
        engine()
    monkeypatch.setenv("HASIRU_ENGINE", "spark")
    monkeypatch.setenv("HASIRU_SPARK_REMOTE", "sc://cluster:15002")
    with pytest.raises(ConfigError, match="HASIRU_SPARK_REMOTE"):
        dbt_env()
    monkeypatch.delenv("HASIRU_SPARK_REMOTE")
    monkeypatch.setenv("HASIRU_SPARK_CONF", "spark.executor.memory=8g,nonsense")
    with pytest.raises(ConfigError, match="nonsense"):
        spark_conf()
    monkeypatch.setenv("HASIRU_SPARK_CONF", "spark.executor.memory=8g")
    monkeypatch.setenv("HASIRU_LAKE_URI", "s3://lake-bucket/hasiru")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9000")
    conf = spark_conf()
    assert conf["spark.executor.memory"] == "8g"
    assert conf["spark.hadoop.fs.s3a.endpoint"] == "http://127.0.0.1:9000"
    assert conf["spark.hadoop.fs.s3a.connection.ssl.enabled"] == "false"
    env = dbt_env()
    assert env["HASIRU_DBT_TARGET"] == "spark" and env["HASIRU_SPARK_LAKE_URI"] == "s3a://lake-bucket/hasiru"
