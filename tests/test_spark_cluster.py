"""The Spark engine on a real cluster: a standalone master and two workers started from the installed
pyspark on loopback (tests/servers.py SparkStandalone), not local[*]. The forecast fan-out runs its
per-series fits on the workers' executors and gives the local pool's forecasts; dbt-spark's sensor models
read and write the lake from the executors and give the tables dbt on DuckDB gave.

The same settings point the platform at a production cluster: HASIRU_SPARK_MASTER=spark://<master>:7077
(standalone), `yarn` (with HADOOP_CONF_DIR) or `k8s://https://<api-server>` (with the image and namespace
in HASIRU_SPARK_CONF); the lake must then be on storage every executor reaches (s3://, see README)."""

from __future__ import annotations

import pytest

from ml.forecast.backtest import evaluate, local_fanout
from tests.conftest import world_env
from tests.servers import SparkStandalone
from tests.test_spark import _series, assert_same_table, build_parity_world, check_sensor_parity

pytestmark = pytest.mark.slow
MODELS = ("naive", "seasonal_naive", "theta", "lightgbm", "combination")  # Prophet's fan-out is covered locally


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    from spark_jobs import session

    session.stop()  # one SparkContext per process: the local session of test_spark.py gives way
    root = tmp_path_factory.mktemp("cluster")
    with SparkStandalone(root / "spark", workers=2, cores=1) as spark_cluster:
        mp = world_env(root / "world")
        mp.setenv("HASIRU_SPARK_MASTER", spark_cluster.url)
        mp.setenv("HASIRU_SPARK_DRIVER_MEMORY", "2g")
        mp.setenv("HASIRU_SPARK_SHUFFLE_PARTITIONS", "8")
        # the executors reach the driver on loopback; one executor per worker, 1 GB each
        mp.setenv("HASIRU_SPARK_CONF", "spark.driver.host=127.0.0.1,spark.driver.bindAddress=127.0.0.1,"
                                       "spark.executor.memory=1g,spark.executor.cores=1,spark.cores.max=2")
        try:
            spark = session.get_spark()
            yield {"cluster": spark_cluster, "spark": spark, "root": root / "world"}
        finally:
            session.stop()
            mp.undo()


def test_the_session_runs_on_the_cluster_s_two_executors(cluster):
    spark = cluster["spark"]
    assert spark.sparkContext.master == cluster["cluster"].url
    # tasks run in the workers' executor processes, not in the driver
    pids = set(spark.sparkContext.parallelize(range(8), 8).map(lambda _: __import__("os").getpid()).collect())
    executors = spark.sparkContext.statusTracker().getExecutorInfos()
    assert len(executors) == 3, executors  # the driver and one executor per worker
    assert __import__("os").getpid() not in pids and len(pids) >= 2


def test_forecast_fanout_on_the_cluster_gives_the_pools_forecasts(cluster):
    from spark_jobs.forecast_fanout import spark_fanout

    series = _series(3)
    local = evaluate(series, n_cutoffs=3, step_days=20, wanted=MODELS, horizon=14, fanout=local_fanout(1))
    remote = evaluate(series, n_cutoffs=3, step_days=20, wanted=MODELS, horizon=14, fanout=spark_fanout)
    assert set(local.forecasts["model"]) == set(MODELS) and local.rules.equals(remote.rules)
    assert_same_table(local.forecasts, remote.forecasts, ["series_id", "model", "horizon"])
    assert_same_table(local.scores, remote.scores, ["series_id", "model", "cutoff", "window"])


def test_sensor_silver_and_rollups_on_the_cluster_equal_dbt_on_duckdb(cluster):
    import httpx

    from spark_jobs import session

    # dbt-spark's builds are applications of their own: the test's session gives the cluster's cores back
    session.stop()
    ui = f"http://127.0.0.1:{cluster['cluster'].ui_port}/json/"
    before = len(httpx.get(ui, timeout=5).json()["completedapps"])
    check_sensor_parity(build_parity_world(cluster["root"]))
    # every build (the empty one, three days, the rerun) ran on the cluster as an application of its own
    apps = httpx.get(ui, timeout=5).json()["completedapps"]
    assert len(apps) - before == 5, [a.get("name") for a in apps]
