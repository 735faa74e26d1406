"""The whole bronze flow with the lake and the landing zone on S3-compatible storage: moto's S3 server
on loopback (no MinIO server can be installed here; docs/architecture.md), the landing zone written and listed
with MinIO's client, the lake written and read by delta-rs. Reruns give the same tables."""

import datetime as dt
import os
import subprocess
import sys

import pytest

from tests.servers import free_port

START = dt.date(2026, 11, 20)


@pytest.fixture
def s3_env(lake_env, monkeypatch):
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    env = {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ACCESS_KEY_ID": "hasiru", "AWS_SECRET_ACCESS_KEY": "hasiru-secret",
           "AWS_REGION": "us-east-1", "AWS_ALLOW_HTTP": "true",
           "HASIRU_LAKE_URI": "s3://hasiru-lake/prod", "HASIRU_LANDING_DIR": "s3://hasiru-landing/incoming"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    from ingestion import landing

    landing._client.cache_clear()
    for bucket in ("hasiru-lake", "hasiru-landing"):
        landing.s3().make_bucket(bucket)
    yield env
    landing._client.cache_clear()
    server.stop()


def test_bronze_flow_on_s3_with_minio_landing(s3_env, lake_env):
    from ingestion import landing
    from ingestion.bronze import load_partition
    from lake import delta_io
    from lake.catalog import LOAD_LOG, table

    # the CLI simulates locally and uploads to the s3:// landing zone
    done = subprocess.run([sys.executable, "-m", "hasiru", "simulate", "--farmers", "30", "--days", "2",
                           "--start-date", str(START)], env={**os.environ}, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "uploaded" in done.stderr and "s3://hasiru-landing/incoming" in done.stderr
    objects = [o.object_name for o in landing.s3().list_objects("hasiru-landing", prefix="incoming/", recursive=True)]
    assert any(o.startswith(f"incoming/sensors/{START}/") for o in objects)
    assert landing.landing_dates("weather") == [START, START + dt.timedelta(days=1)]

    reports = {}
    for source in ("sensors", "weather", "mandi_prices", "soil_health", "app"):
        for day in landing.landing_dates(source):
            reports[(source, day)] = load_partition(source, day)
    assert all(r.total("rows_read") == r.total("rows_written") + r.total("rows_quarantined") for r in reports.values())
    counts = {name: delta_io.row_count(table(name)) for name in ("bronze.sensor_readings", "bronze.weather_forecasts",
                                                                 "bronze.mandi_prices", "bronze.app_farmers")}
    assert all(n > 0 for n in counts.values()), counts
    assert counts["bronze.app_farmers"] == 30
    assert delta_io.table_uri(table("bronze.sensor_readings")).startswith("s3://hasiru-lake/prod/bronze/")
    lake_objects = [o.object_name for o in landing.s3().list_objects("hasiru-lake", prefix="prod/bronze/sensor_readings/", recursive=True)]
    assert any(o.endswith(".parquet") for o in lake_objects) and any("_delta_log" in o for o in lake_objects)

    # a rerun of a partition gives the same tables, no duplicates
    load_partition("sensors", START)
    assert delta_io.row_count(table("bronze.sensor_readings")) == counts["bronze.sensor_readings"]
    log = delta_io.read_arrow(LOAD_LOG).to_pylist()
    assert {r["source"] for r in log} >= {"sensors", "weather", "app"}

    # a connector lands straight into the bucket
    rel = landing.write("crop_statistics", START, "apy.csv", b"State,District,Crop,Year,Season,Area,Area Units,Production,"
                        b"Production Units,Yield\nKarnataka,Mandya,Ragi,2019-20,Kharif,100,Hectare,150,Tonnes,1.5\n")
    assert landing.list_files("crop_statistics", START) == [rel]
    assert load_partition("crop_statistics", START).total("rows_written") == 1
