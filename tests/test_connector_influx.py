"""Sensors pulled from a real InfluxDB (Debian's influxd on loopback): every point lands exactly once in
silver-ready form across overlapping syncs and late points; a server down at the start or dying
mid-pull moves no watermark past what was landed; unknown tags and fields are quarantined."""

import datetime as dt

import pyarrow.compute as pc
import pytest

from ingestion.bronze import load_partition
from ingestion.connectors import SourceUnavailable, watermarks
from ingestion.connectors.influx import InfluxConnector, InfluxSettings
from lake import delta_io
from lake.catalog import table
from tests.servers import Influx, free_port

START = dt.datetime(2026, 11, 24, 18, 30, tzinfo=dt.timezone.utc)  # 00:00 IST on the 25th
NOW = START + dt.timedelta(days=1, minutes=10)
DAY = dt.date(2026, 11, 26)  # the landing day of a pull at NOW (IST)


def points(sensors=range(20), start=START, n=96, step_min=15) -> bytes:
    lines = []
    for s in sensors:
        for k in range(n):
            ts = int((start + dt.timedelta(minutes=step_min * k)).timestamp()) * 10**9
            lines.append(f"soil,farm_id=FM{s:08d},sensor_id=SM{s:06d} battery_v=3.7,ec_ds_per_m=0.5,"
                         f"soil_moisture_vwc_pct={20 + (s + k) % 10}.5,soil_temperature_c=21.25 {ts}")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def influx(tmp_path, lake_env):
    server = Influx(tmp_path / "influx").start()
    server.query("CREATE DATABASE sensors")
    yield server
    server.stop()


def connector(server, initial_start=dt.timedelta(days=2)) -> InfluxConnector:
    return InfluxConnector(InfluxSettings(url=server.url, database="sensors", chunk=dt.timedelta(hours=6),
                                          lookback=dt.timedelta(hours=2), initial_start=initial_start, retries=2))


def bronze_points():
    t = delta_io.read_arrow(table("bronze.sensor_readings"), columns=["sensor_id", "reading_ts", "soil_moisture_vwc_pct"])
    return t, {(r["sensor_id"], r["reading_ts"]) for r in t.to_pylist()}


def test_every_point_arrives_once_across_overlapping_syncs_and_late_points(influx):
    influx.write("sensors", points())
    c = connector(influx)
    first = c.sync(now=NOW)["soil"]
    assert first["points"] == 20 * 96 and len(first["files"]) == 5  # 2 days back from NOW in 6 h windows, 4 with data
    assert watermarks.get("influxdb", "soil")[0] == NOW - dt.timedelta(minutes=5)

    # late points: timestamps an hour before the watermark, written after the first sync
    late = points(sensors=[99], start=NOW - dt.timedelta(hours=1, minutes=5), n=3)
    influx.write("sensors", late)
    second = c.sync(now=NOW + dt.timedelta(minutes=30))["soil"]
    assert second["points"] >= 3  # the look-back re-pulls the overlap and the late points
    report = load_partition("sensors", DAY)
    assert report.total("rows_quarantined") == 0
    rows, distinct = bronze_points()
    assert len(distinct) == 20 * 96 + 3  # every point, once in silver-ready form (sensor x time)
    assert rows.num_rows >= len(distinct)  # the overlap is there in bronze, for silver's dedupe
    values = {(r["sensor_id"], r["reading_ts"]): r["soil_moisture_vwc_pct"] for r in rows.to_pylist()}
    assert values[("SM000003", START + dt.timedelta(minutes=15 * 5))] == 28.5
    c.close()


def test_server_down_at_start_is_a_clear_error_and_moves_nothing(lake_env):
    c = InfluxConnector(InfluxSettings(url=f"http://127.0.0.1:{free_port()}", database="sensors", retries=2))
    with pytest.raises(SourceUnavailable, match=r"InfluxDB at http://127\.0\.0\.1:\d+/ping: connection failed"):
        c.sync(now=NOW)
    assert watermarks.get("influxdb", "soil") == (None, None)


def test_server_dying_mid_pull_leaves_the_watermark_at_the_last_landed_window(influx):
    influx.write("sensors", points())
    c = connector(influx)
    pull = c.pull_window
    calls = []

    def pull_then_die(*args):
        out = pull(*args)
        calls.append(args[2])
        if len(calls) == 6:  # the 6-hour window ending 18:30 UTC on the 24th has just been read: kill the server
            influx.stop()
        return out

    c.pull_window = pull_then_die
    with pytest.raises(SourceUnavailable, match="connection failed"):
        c.sync(now=NOW)
    mark = watermarks.get("influxdb", "soil")[0]
    assert mark == calls[-1]  # the last window that was read and landed, no further
    assert mark < NOW - dt.timedelta(minutes=5)


def test_unknown_tags_and_fields_and_wrong_field_types_are_quarantined_with_the_reason(influx):
    ts = int(START.timestamp()) * 10**9
    # InfluxDB types a field per shard (a week here): a month back, battery_v went in as a string
    old = int((START - dt.timedelta(days=30)).timestamp()) * 10**9
    influx.write("sensors", points(sensors=[1], n=4) + (
        f"soil,farm_id=FM00000002,sensor_id=SM000002,region=north soil_moisture_vwc_pct=20.5 {ts}\n"
        f"soil,farm_id=FM00000003,sensor_id=SM000003 soil_moisture_vwc_pct=21.5,firmware=\"1.2\" {ts}\n").encode())
    influx.write("sensors", f'soil,farm_id=FM00000004,sensor_id=SM000004 battery_v="low" {old}\n'.encode())
    connector(influx, initial_start=dt.timedelta(days=35)).sync(now=NOW)
    report = load_partition("sensors", DAY)
    assert report.total("rows_quarantined") == 3
    q = delta_io.read_arrow(table("bronze.quarantine_sensors")).to_pylist()
    reasons = " | ".join(r["reason"] for r in q)
    assert "unknown tag 'region'" in reasons and "unknown field 'firmware'" in reasons
    assert "field 'battery_v' is a string" in reasons
    assert all(r["source_file"].startswith("sensors/2026-11-26/influx_soil_") for r in q)
    rows, distinct = bronze_points()
    assert len(distinct) == 4 and pc.count_distinct(rows["sensor_id"]).as_py() == 1
