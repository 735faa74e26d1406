"""The one SparkSession factory: Delta, the lake root, S3-compatible storage, the master.

Settings (environment):
  HASIRU_SPARK_MASTER   local[*] (default), or a cluster URL (spark://..., yarn, k8s://...)
  HASIRU_SPARK_REMOTE   sc://host:15002 to use Spark Connect instead (Delta configured on the server)
  HASIRU_SPARK_SHUFFLE_PARTITIONS  shuffle partitions (default 4 x cores in local mode, Spark's 200 otherwise)
  HASIRU_SPARK_CONF     extra settings, "key=value,key=value"
  HASIRU_SPARK_EXTRA_JARS  extra jars, comma-separated (else, for an s3:// lake, the s3a jars `setup.sh --spark-s3` fetched)
The lake root is HASIRU_LAKE_URI as everywhere; s3:// becomes Hadoop's s3a:// with the usual AWS_* settings.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from urllib.parse import urlparse

from hasiru.config import ConfigError, env, settings
from spark_jobs import jars

log = logging.getLogger(__name__)

_session = None
LOG4J = Path(__file__).with_name("log4j2.properties")


def spark_uri(uri: str) -> str:
    """A lake URI as Spark's Hadoop file systems name it: s3://b/p -> s3a://b/p; local paths unchanged."""
    return "s3a://" + uri.removeprefix("s3://") if uri.startswith("s3://") else uri


def _s3_conf() -> dict[str, str]:
    env = os.environ
    conf = {"spark.hadoop.fs.s3a.path.style.access": "true",  # MinIO serves buckets as paths
            "spark.hadoop.fs.s3a.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
            # S3 has no atomic put-if-absent that Delta's Spark writer can rely on: commits are safe from ONE
            # driver at a time (this log store serialises them inside the driver). Several writing clusters
            # need io.delta.storage.S3DynamoDBLogStore (delta-storage-s3-dynamodb and a DynamoDB table) via
            # HASIRU_SPARK_CONF; Dagster's pool keeps one writer per table here (docs/deployment.md).
            "spark.delta.logStore.s3a.impl": "io.delta.storage.S3SingleDriverLogStore"}
    if env.get("AWS_ENDPOINT_URL"):
        endpoint = urlparse(env["AWS_ENDPOINT_URL"])
        conf["spark.hadoop.fs.s3a.endpoint"] = env["AWS_ENDPOINT_URL"]
        conf["spark.hadoop.fs.s3a.connection.ssl.enabled"] = str(endpoint.scheme == "https").lower()
    if env.get("AWS_ACCESS_KEY_ID"):
        conf["spark.hadoop.fs.s3a.access.key"] = env["AWS_ACCESS_KEY_ID"]
        conf["spark.hadoop.fs.s3a.secret.key"] = env.get("AWS_SECRET_ACCESS_KEY", "")
    if env.get("AWS_REGION"):
        conf["spark.hadoop.fs.s3a.endpoint.region"] = env["AWS_REGION"]
    return conf


def _extra_conf() -> dict[str, str]:
    raw = env("HASIRU_SPARK_CONF").strip()
    out = {}
    for item in filter(None, (s.strip() for s in raw.split(","))):
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"HASIRU_SPARK_CONF: {item!r} is not key=value")
        out[key.strip()] = value.strip()
    return out


def spark_conf() -> dict[str, str]:
    """Every setting the factory gives Spark (also handed to dbt-spark's session)."""
    s = settings()
    master = env("HASIRU_SPARK_MASTER")
    local = master.startswith("local")
    cores = os.cpu_count() or 2
    extra_jars = [j for j in env("HASIRU_SPARK_EXTRA_JARS").split(",") if j.strip()]
    conf = {
        "spark.master": master,
        "spark.app.name": "hasiru-mitra",
        # on S3, the s3a jars set-up provisioned, unless the deployment brings its own (HASIRU_SPARK_EXTRA_JARS)
        "spark.jars": ",".join([str(p) for p in jars.installed(s3=s.lake_uri.startswith("s3://") and not extra_jars)] + extra_jars),
        "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
        "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
        # delta-rs cannot read deletion vectors: every table Spark creates keeps them off (docs/architecture.md)
        "spark.databricks.delta.properties.defaults.enableDeletionVectors": "false",
        "spark.sql.session.timeZone": "UTC",  # the lake's timestamps are UTC; IST dates are columns
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.shuffle.partitions": env("HASIRU_SPARK_SHUFFLE_PARTITIONS", str(4 * cores if local else 200)),
        "spark.sql.warehouse.dir": str(s.data_dir / "spark" / "warehouse"),
        "spark.local.dir": str(s.data_dir / "spark" / "tmp"),
        "spark.ui.showConsoleProgress": "false",
        "spark.ui.enabled": env("HASIRU_SPARK_UI"),
        "spark.driver.memory": env("HASIRU_SPARK_DRIVER_MEMORY"),
        "spark.driver.extraJavaOptions": f"-Dlog4j.configurationFile={LOG4J}",
        # Python workers run this virtualenv's interpreter (pandas, prophet, lightgbm)
        "spark.pyspark.python": sys.executable,
        "spark.pyspark.driver.python": sys.executable,
    }
    if local:
        # Delta reads each table's log with this many tasks (default 50): far too many on one machine
        conf["spark.databricks.delta.snapshotPartitions"] = str(2 * cores)
    if local:  # stay on loopback, as the tests' servers do
        conf["spark.driver.host"] = conf["spark.driver.bindAddress"] = "127.0.0.1"
    if s.lake_uri.startswith("s3://"):
        conf.update(_s3_conf())
    conf.update(_extra_conf())
    return conf


def submit_args(metastore: bool = True) -> str:
    """The factory's settings as PYSPARK_SUBMIT_ARGS, for a process that makes its own session (dbt-spark's
    session method calls `SparkSession.builder.enableHiveSupport().getOrCreate()`). With `metastore`, the
    Hive catalog keeps its Derby database under <data>/spark, not in the working directory."""
    import shlex

    conf = spark_conf()
    if metastore:
        home = settings().data_dir / "spark"
        conf["spark.hadoop.javax.jdo.option.ConnectionURL"] = f"jdbc:derby:;databaseName={home / 'metastore_db'};create=true"
        conf["spark.driver.extraJavaOptions"] += f" -Dderby.system.home={home}"
    parts = ["--master", conf.pop("spark.master")]
    for key, value in conf.items():
        parts += ["--conf", f"{key}={value}"]
    return " ".join(shlex.quote(p) for p in parts) + " pyspark-shell"


def get_spark():
    """The process's SparkSession, created on first use (5-10 s locally)."""
    global _session
    if _session is not None and (env("HASIRU_SPARK_REMOTE") or not _session.sparkContext._jsc.sc().isStopped()):
        return _session  # (a Spark Connect session has no local context to ask)
    from pyspark.sql import SparkSession

    remote = env("HASIRU_SPARK_REMOTE")
    if remote:
        try:
            _session = SparkSession.builder.remote(remote).getOrCreate()
        except ImportError as exc:
            raise ConfigError(f"HASIRU_SPARK_REMOTE={remote!r}: Spark Connect needs pyspark's connect extras "
                              f"(grpcio, grpcio-status, googleapis-common-protos): {exc}") from exc
        return _session
    os.environ["PYSPARK_PYTHON"] = sys.executable
    builder = SparkSession.builder
    for key, value in spark_conf().items():
        builder = builder.config(key, value)
    log.info("starting Spark (%s)", env("HASIRU_SPARK_MASTER"))
    _session = builder.getOrCreate()
    _session.sparkContext.setLogLevel(env("HASIRU_SPARK_LOG_LEVEL"))
    return _session


def stop() -> None:
    """Stop the session and its JVM, so the next session starts afresh with the settings of its time: the
    jars given at a JVM's launch (Delta's, the s3a ones for an s3:// lake) are the only ones on its
    driver's classpath, and a new SparkContext in the same JVM would keep the first session's."""
    global _session
    if _session is not None:
        _session.stop()
        _session = None
    _stop_jvm()
    # pyspark marks the process as Spark Connect's for good once a remote session was made; a classic
    # session started later in the same process would then refuse to start (CONNECT_URL_NOT_SET)
    os.environ.pop("SPARK_CONNECT_MODE_ENABLED", None)


def _stop_jvm() -> None:
    import subprocess

    from pyspark import SparkContext

    gateway = SparkContext._gateway
    if gateway is None:
        return
    proc = getattr(gateway, "proc", None)
    gateway.shutdown()
    SparkContext._gateway = SparkContext._jvm = None
    if proc is not None:  # the JVM exits when its stdin closes (pyspark's java_gateway)
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
def table_path(spec) -> str:
    """Where a catalog table lives, as Spark names it."""
    from lake.delta_io import table_uri

    return spark_uri(table_uri(spec))
