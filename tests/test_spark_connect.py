"""Spark Connect (HASIRU_SPARK_REMOTE): pyspark's Connect client against a Connect server started from the
installed pyspark on loopback (tests/servers.py SparkConnectServer), configured with the platform's Spark
settings. The forecast fan-out runs through it and gives the local pool's forecasts, and Delta tables it
writes are read by delta-rs.

What cannot work over Connect, and so stays on HASIRU_SPARK_MASTER: dbt-spark's session method (it builds a
SparkSession in its own process; the Spark engine refuses a remote for dbt, test_spark.py), and the sensor
job's MERGE through `delta.tables.DeltaTable` (over Connect that needs Delta Connect's server plugin,
io.delta:delta-connect-server, which set-up does not fetch)."""

from __future__ import annotations

import pandas as pd
import pytest

from ml.forecast.backtest import evaluate, local_fanout
from tests.conftest import world_env
from tests.servers import SparkConnectServer
from tests.test_spark import _series, assert_same_table

pytestmark = pytest.mark.slow
MODELS = ("naive", "seasonal_naive", "theta", "lightgbm", "combination")


@pytest.fixture(scope="module")
def connect(tmp_path_factory):
    from spark_jobs import session

    session.stop()  # one SparkContext per process: any local session gives way
    root = tmp_path_factory.mktemp("connect")
    mp = world_env(root)
    mp.setenv("HASIRU_SPARK_MASTER", "local[2]")
    mp.setenv("HASIRU_SPARK_DRIVER_MEMORY", "2g")
    try:
        with SparkConnectServer(root / "server", session.spark_conf()) as server:
            mp.setenv("HASIRU_SPARK_REMOTE", server.url)
            spark = session.get_spark()
            yield {"spark": spark, "root": root, "server": server}
            session.stop()
    finally:
        mp.undo()


def test_the_session_is_a_connect_client(connect):
    spark = connect["spark"]
    assert type(spark).__module__.startswith("pyspark.sql.connect")
    assert spark.range(5).selectExpr("sum(id) as s").collect()[0]["s"] == 10  # computed by the server


def test_forecast_fanout_over_spark_connect_gives_the_pools_forecasts(connect):
    from spark_jobs.forecast_fanout import spark_fanout

    series = _series(4)
    local = evaluate(series, n_cutoffs=2, step_days=20, wanted=MODELS, horizon=14, fanout=local_fanout(1))
    remote = evaluate(series, n_cutoffs=2, step_days=20, wanted=MODELS, horizon=14, fanout=spark_fanout)
    assert set(local.forecasts["model"]) == set(MODELS)
    assert_same_table(local.forecasts, remote.forecasts, ["series_id", "model", "horizon"])
    assert_same_table(local.scores, remote.scores, ["series_id", "model", "cutoff", "window"])


def test_delta_tables_written_over_connect_are_read_by_delta_rs(connect):
    from deltalake import DeltaTable

    path = connect["root"] / "lake" / "scratch" / "connect_probe"
    frame = pd.DataFrame({"sensor_id": ["S1", "S2", "S3"], "value": [1.5, 2.5, None]})
    connect["spark"].createDataFrame(frame).write.format("delta").mode("overwrite").save(str(path))
    got = DeltaTable(str(path)).to_pandas().sort_values("sensor_id", ignore_index=True)
    assert got["sensor_id"].tolist() == ["S1", "S2", "S3"] and got["value"].tolist()[:2] == [1.5, 2.5]
    assert pd.isna(got["value"].iloc[2])
