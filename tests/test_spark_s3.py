"""The Spark engine with the lake on S3: s3a:// through hadoop-aws and the AWS SDK that set-up fetched
(`setup.sh --spark-s3`, which the test command passes), against moto's S3 server on loopback. dbt-spark's
sensor models, day by day and rerun, write silver and gold into the bucket and gives the tables dbt on
DuckDB gave (the same parity check as tests/test_spark.py); delta-rs reads what Spark committed; the
silver table is partitioned as declared; commits go through the single-driver log store."""

from __future__ import annotations

import pytest

from lake import delta_io
from lake.catalog import table as lake_table
from tests.conftest import world_env
from tests.servers import free_port
from tests.test_spark import build_parity_world, check_sensor_parity

pytestmark = pytest.mark.slow
BUCKET = "hasiru-lake"


@pytest.fixture(scope="module")
def s3_world(tmp_path_factory):
    from moto.server import ThreadedMotoServer

    from ingestion import landing
    from spark_jobs import session

    session.stop()  # one SparkContext per process: a session started without the s3a settings gives way
    root = tmp_path_factory.mktemp("s3parity")
    mp = world_env(root)
    mp.setenv("HASIRU_SPARK_MASTER", "local[2]")
    mp.setenv("HASIRU_SPARK_DRIVER_MEMORY", "2g")
    world = build_parity_world(root)  # the embedded engine on the local lake: what Spark must equal
    bronze = delta_io.read_arrow(lake_table("bronze.sensor_readings"))
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    for k, v in {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ACCESS_KEY_ID": "hasiru",
                 "AWS_SECRET_ACCESS_KEY": "hasiru-secret", "AWS_REGION": "us-east-1", "AWS_ALLOW_HTTP": "true",
                 "HASIRU_LAKE_URI": f"s3://{BUCKET}/prod"}.items():
        mp.setenv(k, v)
    landing._client.cache_clear()
    landing.s3().make_bucket(BUCKET)
    delta_io.replace_all(lake_table("bronze.sensor_readings"), bronze)  # bronze in the bucket, as delta-rs loads it
    try:
        yield {**world, "spark": session.get_spark(), "objects": lambda prefix: [
            o.object_name for o in landing.s3().list_objects(BUCKET, prefix=prefix, recursive=True)]}
    finally:
        session.stop()
        landing._client.cache_clear()
        server.stop()
        mp.undo()


def test_sensor_models_on_s3_equal_dbt_on_duckdb_and_reruns_change_nothing(s3_world):
    check_sensor_parity(s3_world, drop_local=False)
    # the tables are in the bucket, not on local disk
    assert delta_io.table_uri(lake_table("silver.sensors__readings")) == f"s3://{BUCKET}/prod/silver/sensors__readings"
    assert not (s3_world["root"] / "lake" / "silver" / "sensors__readings" / "_delta_log" / "00000000000000000005.json").exists()


def test_spark_commits_on_s3_are_read_by_delta_rs_partitioned_as_declared(s3_world):
    from deltalake import DeltaTable

    from hasiru.config import storage_options

    spark = s3_world["spark"]
    assert spark.conf.get("spark.delta.logStore.s3a.impl") == "io.delta.storage.S3SingleDriverLogStore"
    # both tables dbt-spark writes are partitioned as their models declare (meta.lake_partition_by)
    for name, column in {"silver.sensors__readings": "reading_date_ist", "gold.fct_sensor_daily": "date_day"}.items():
        spec = lake_table(name)
        assert spec.partition_by == (column,)
        written = DeltaTable(delta_io.table_uri(spec), storage_options=storage_options())
        assert written.metadata().partition_columns == [column], name
    silver = DeltaTable(delta_io.table_uri(lake_table("silver.sensors__readings")), storage_options=storage_options())
    assert silver.version() >= 3  # one commit a day at least, then the reruns
    objects = s3_world["objects"]("prod/silver/sensors__readings/")
    assert any("/reading_date_ist=" in o and o.endswith(".parquet") for o in objects)
    assert any(o.endswith("_delta_log/00000000000000000000.json") for o in objects)
    # what delta-rs reads is what Spark reads
    assert silver.to_pyarrow_table().num_rows == spark.read.format("delta").load(
        f"s3a://{BUCKET}/prod/silver/sensors__readings").count() > 0


def test_an_s3_lake_without_the_s3a_jars_says_which_set_up_step_fetches_them(tmp_path, monkeypatch):
    from spark_jobs import jars, session

    for jar in jars.DELTA_JARS:  # Delta's jars there, the s3a ones not
        (tmp_path / jar.file_name).symlink_to(jars.jars_dir() / jar.file_name)
    monkeypatch.setenv("HASIRU_SPARK_JARS_DIR", str(tmp_path))
    monkeypatch.setenv("HASIRU_LAKE_URI", "s3://hasiru-lake/prod")
    monkeypatch.delenv("HASIRU_SPARK_EXTRA_JARS", raising=False)
    with pytest.raises(jars.JarsMissing, match=r"s3a jars \['hadoop-aws-3\.5\.0\.jar', 'bundle-2\.35\.4\.jar'.*setup\.sh --spark-s3"):
        session.spark_conf()
    monkeypatch.setenv("HASIRU_SPARK_EXTRA_JARS", "/opt/cluster/hadoop-aws.jar")  # a cluster's own: used instead
    assert session.spark_conf()["spark.jars"].endswith(",/opt/cluster/hadoop-aws.jar")
    monkeypatch.setenv("HASIRU_LAKE_URI", str(tmp_path / "lake"))  # a local lake needs no s3a jars
    monkeypatch.delenv("HASIRU_SPARK_EXTRA_JARS")
    assert "hadoop-aws" not in session.spark_conf()["spark.jars"]
