"""Sensors from InfluxDB 2.x through influxdb-client (HASIRU_INFLUX_API=v2), against a server that speaks
2.x's HTTP API on loopback (tests/influx2_double.py: token auth, annotated CSV sent chunked, its error
bodies); points are written through the client's own write API. The v2 path lands the same lines as
the v1 path does from a real influxd 1.x holding the same points, keeps the watermarks and look-back,
and fails with InfluxDB's own reason, moving no watermark past what was landed."""

import datetime as dt

import pytest
from influxdb_client import InfluxDBClient
from influxdb_client.client.write_api import SYNCHRONOUS

from ingestion.bronze import load_partition
from ingestion.connectors import SourceUnavailable, watermarks
from ingestion.connectors.influx import InfluxConnector, InfluxSettings
from ingestion.connectors.influx import connector as influx_connector
from ingestion.connectors.influx2 import Influx2Connector, window_query
from lake import delta_io
from lake.catalog import table
from tests.influx2_double import Influx2Double
from tests.servers import Influx, free_port
from tests.test_connector_influx import DAY, NOW, START, bronze_points, points


@pytest.fixture
def influx2(lake_env):
    server = Influx2Double()
    yield server
    server.close()


def write(server: Influx2Double, line_protocol: bytes) -> None:
    """Through influxdb-client's write API, as a sensor gateway would."""
    with InfluxDBClient(url=server.url, token=server.token, org=server.org) as client:
        client.write_api(write_options=SYNCHRONOUS).write("sensors", record=line_protocol.decode())


def settings(server: Influx2Double, **kw) -> InfluxSettings:
    base = dict(url=server.url, api="v2", token=server.token, org=server.org, bucket="sensors",
                chunk=dt.timedelta(hours=6), lookback=dt.timedelta(hours=2), initial_start=dt.timedelta(days=2), retries=2)
    return InfluxSettings(**{**base, **kw})


def test_every_point_arrives_once_across_overlapping_syncs_and_late_points(influx2):
    write(influx2, points())
    c = Influx2Connector(settings(influx2))
    first = c.sync(now=NOW)["soil"]
    assert first["points"] == 20 * 96 and len(first["files"]) == 5
    assert watermarks.get("influxdb", "soil")[0] == NOW - dt.timedelta(minutes=5)
    assert all(q["query"].startswith('from(bucket: "sensors")') for q in influx2.queries)

    write(influx2, points(sensors=[99], start=NOW - dt.timedelta(hours=1, minutes=5), n=3))
    second = c.sync(now=NOW + dt.timedelta(minutes=30))["soil"]
    assert second["points"] >= 3
    report = load_partition("sensors", DAY)
    assert report.total("rows_quarantined") == 0
    rows, distinct = bronze_points()
    assert len(distinct) == 20 * 96 + 3
    values = {(r["sensor_id"], r["reading_ts"]): r["soil_moisture_vwc_pct"] for r in rows.to_pylist()}
    assert values[("SM000003", START + dt.timedelta(minutes=15 * 5))] == 28.5
    c.close()


def test_the_v2_path_lands_the_same_lines_as_the_v1_path_from_a_real_influxd(influx2, tmp_path):
    # every field type line protocol has, in both servers: float, integer, boolean, string with a comma and a quote
    ts = int(START.timestamp()) * 10**9
    data = points(sensors=range(3), n=8) + (
        f'soil,farm_id=FM00000009,sensor_id=SM000009 battery_v=3.5,reboots=4i,wet=true,note="dry, \\"cracked\\"" {ts}\n').encode()
    v1_server = Influx(tmp_path / "influx").start()
    try:
        v1_server.query("CREATE DATABASE sensors")
        v1_server.write("sensors", data)
        write(influx2, data)
        v1 = InfluxConnector(InfluxSettings(url=v1_server.url, database="sensors", retries=2))
        v2 = Influx2Connector(settings(influx2))
        end = START + dt.timedelta(hours=6)
        lp1, n1 = v1.pull_window("soil", START, end, v1.prepare("soil"))
        lp2, n2 = v2.pull_window("soil", START, end)
        with pytest.raises(SourceUnavailable, match=r"HTTP 404\): 404 page not found \(the server is InfluxDB 1\.6.*HASIRU_INFLUX_API=v1"):
            Influx2Connector(settings(influx2, url=v1_server.url)).pull_window("soil", START, end)
    finally:
        v1_server.stop()
    assert n1 == n2 == 3 * 8 + 1
    assert set(lp2.decode().splitlines()) == set(lp1.decode().splitlines())
    assert 'note="dry, \\"cracked\\"",reboots=4i,wet=true' in lp2.decode()


def test_field_types_come_from_the_annotations_and_a_changed_type_is_quarantined(influx2):
    ts = int(START.timestamp()) * 10**9
    old = int((START - dt.timedelta(days=30)).timestamp()) * 10**9  # another shard: the type may differ there
    write(influx2, points(sensors=[1], n=4) + (
        f"soil,farm_id=FM00000002,sensor_id=SM000002,region=north soil_moisture_vwc_pct=20.5 {ts}\n"
        f"soil,farm_id=FM00000003,sensor_id=SM000003 soil_moisture_vwc_pct=21.5,firmware=\"1.2\" {ts}\n"
        f"soil,farm_id=FM00000005,sensor_id=SM000005 soil_moisture_vwc_pct=22i,battery_v=4u {ts}\n"
        f'soil,farm_id=FM00000004,sensor_id=SM000004 battery_v="low" {old}\n').encode())
    lp, _ = Influx2Connector(settings(influx2)).pull_window("soil", START, START + dt.timedelta(hours=1))
    assert "battery_v=4u,soil_moisture_vwc_pct=22i" in lp.decode()  # long and unsignedLong keep their suffixes
    Influx2Connector(settings(influx2, initial_start=dt.timedelta(days=35))).sync(now=NOW)
    report = load_partition("sensors", DAY)
    q = delta_io.read_arrow(table("bronze.quarantine_sensors")).to_pylist()
    reasons = " | ".join(r["reason"] for r in q)
    assert "unknown tag 'region'" in reasons and "unknown field 'firmware'" in reasons
    assert "field 'battery_v' is a string" in reasons
    assert report.total("rows_quarantined") == len(q) >= 3
    rows, distinct = bronze_points()
    assert ("SM000005", START) in distinct  # integer readings are numbers to the parser


def test_a_wrong_token_or_bucket_is_influxdbs_own_reason_and_moves_nothing(influx2):
    write(influx2, points(sensors=[1], n=4))
    with pytest.raises(SourceUnavailable, match=r"HTTP 401\): unauthorized access"):
        Influx2Connector(settings(influx2, token="expired")).sync(now=NOW)
    with pytest.raises(SourceUnavailable, match=r'HTTP 404\): .*could not find bucket "sensor"'):
        Influx2Connector(settings(influx2, bucket="sensor")).sync(now=NOW)
    assert watermarks.get("influxdb", "soil") == (None, None)


def test_server_down_at_start_is_a_clear_error_and_moves_nothing(lake_env):
    c = Influx2Connector(InfluxSettings(url=f"http://127.0.0.1:{free_port()}", api="v2", token="t", org="o",
                                        bucket="sensors", retries=1))
    with pytest.raises(SourceUnavailable, match=r"InfluxDB at http://127\.0\.0\.1:\d+: connection failed"):
        c.sync(now=NOW)
    assert watermarks.get("influxdb", "soil") == (None, None)


@pytest.mark.parametrize("fault", ["die_after_tables", "error_after_tables"])
def test_an_answer_broken_off_mid_stream_leaves_the_watermark_at_the_last_landed_window(influx2, fault):
    write(influx2, points())
    c = Influx2Connector(settings(influx2))
    pull = c.pull_window
    ends = []

    def pull_then_break(measurement, start, end, prepared=None):
        out = pull(measurement, start, end, prepared)
        ends.append(end)
        if len(ends) == 6:  # the next window's answer breaks off after its 5th table
            setattr(influx2, fault, 5)
        return out

    c.pull_window = pull_then_break
    match = "connection failed" if fault == "die_after_tables" else "failed part-way: query terminated: reached maximum allowed memory limits"
    with pytest.raises(SourceUnavailable, match=match):
        c.sync(now=NOW)
    assert watermarks.get("influxdb", "soil")[0] == ends[-1] < NOW - dt.timedelta(minutes=5)
    setattr(influx2, fault, None)  # the server is back: the next sync lands the rest
    c.sync(now=NOW)
    load_partition("sensors", DAY)
    assert len(bronze_points()[1]) == 20 * 96


def test_the_api_is_chosen_by_configuration(monkeypatch, influx2):
    monkeypatch.setenv("HASIRU_INFLUX_URL", influx2.url)
    monkeypatch.setenv("HASIRU_INFLUX_API", "v2")
    monkeypatch.setenv("HASIRU_INFLUX_TOKEN", influx2.token)
    monkeypatch.delenv("HASIRU_INFLUX_ORG", raising=False)
    with pytest.raises(SourceUnavailable, match="HASIRU_INFLUX_API=v2 needs HASIRU_INFLUX_ORG, HASIRU_INFLUX_BUCKET"):
        InfluxSettings.from_env()
    monkeypatch.setenv("HASIRU_INFLUX_ORG", influx2.org)
    monkeypatch.setenv("HASIRU_INFLUX_BUCKET", "sensors")
    assert isinstance(influx_connector(InfluxSettings.from_env()), Influx2Connector)
    monkeypatch.setenv("HASIRU_INFLUX_API", "v3")
    with pytest.raises(SourceUnavailable, match="HASIRU_INFLUX_API is 'v3': it takes v1 .* or v2"):
        InfluxSettings.from_env()
    monkeypatch.delenv("HASIRU_INFLUX_API")
    assert isinstance(influx_connector(InfluxSettings.from_env()), InfluxConnector)


def test_measurement_and_bucket_names_are_flux_string_literals():
    q = window_query('se"n${x}', "so\\il", START, START + dt.timedelta(hours=1))
    assert 'from(bucket: "se\\"n\\${x}")' in q and 'r._measurement == "so\\\\il"' in q
    assert "range(start: 2026-11-24T18:30:00.000000Z, stop: 2026-11-24T19:30:00.000000Z)" in q
