import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ingestion.bronze import load_partition
from lake import delta_io
from lake.catalog import LOAD_LOG, LOAD_METADATA, quarantine_table, table
from tests.conftest import REAL, land

DAY = dt.date(2026, 11, 20)
META = set(LOAD_METADATA.names) - {"source_file", "source_row", "landing_date"}


def payload(name: str) -> list[dict]:
    """Table contents without the per-load columns (load_id, loaded_at), in a stable order."""
    t = delta_io.read_arrow(table(name))
    t = t.drop_columns([c for c in t.column_names if c in META])
    return t.sort_by([(c, "ascending") for c in ("source_file", "source_row")]).to_pylist()


def log_rows(source: str) -> list[dict]:
    t = delta_io.read_arrow(LOAD_LOG, filter=pc.field("source") == source)
    return sorted(t.to_pylist(), key=lambda r: (r["landing_date"], r["source_file"]))


def test_every_row_is_accounted_for_and_reruns_give_the_same_tables(lake_env, now):
    land(lake_env, "mandi_prices", DAY, "tomato__agmarknet_export_2016_01.csv",
         (REAL / "tomato__agmarknet_export_2016_01.csv").read_bytes())
    land(lake_env, "mandi_prices", DAY, "onion__wholesale_2006_01.csv", (REAL / "onion__wholesale_2006_01.csv").read_bytes())
    first = load_partition("mandi_prices", DAY, now=now)
    before = (payload("bronze.mandi_prices"), payload("bronze.quarantine_mandi_prices"))
    for f in first.files:
        assert f.status == "loaded" and f.rows_read == f.rows_written + f.rows_quarantined > 0
    assert delta_io.row_count(table("bronze.mandi_prices")) == first.total("rows_written")
    # the tomato slice's blank-dated second variety (Hoskote, 18/01/2016) is kept: its date is read from the row above
    assert delta_io.row_count(quarantine_table("mandi_prices")) == first.total("rows_quarantined") == 2
    load_partition("mandi_prices", DAY, now=now + dt.timedelta(hours=1))
    assert (payload("bronze.mandi_prices"), payload("bronze.quarantine_mandi_prices")) == before
    assert len(log_rows("mandi_prices")) == 2


def test_a_file_delivered_twice_is_loaded_once(lake_env, now):
    data = (REAL / "onion__wholesale_2006_01.csv").read_bytes()
    land(lake_env, "mandi_prices", DAY, "onion__a.csv", data)
    land(lake_env, "mandi_prices", DAY, "onion__a_copy.csv", data)  # same partition, new name
    land(lake_env, "mandi_prices", DAY + dt.timedelta(days=1), "onion__resent.csv", data)  # next day
    load_partition("mandi_prices", DAY, now=now)
    rows = delta_io.row_count(table("bronze.mandi_prices"))
    report = load_partition("mandi_prices", DAY + dt.timedelta(days=1), now=now)
    assert delta_io.row_count(table("bronze.mandi_prices")) == rows
    status = {r["source_file"]: (r["status"], r["message"]) for r in log_rows("mandi_prices")}
    assert status["mandi_prices/2026-11-20/onion__a.csv"][0] == "loaded"
    assert status["mandi_prices/2026-11-20/onion__a_copy.csv"] == (
        "duplicate", "same content as mandi_prices/2026-11-20/onion__a.csv (landed 2026-11-20); not loaded again")
    assert status["mandi_prices/2026-11-21/onion__resent.csv"][0] == "duplicate"
    assert report.total("rows_read") == 0


def test_rejected_files_land_in_quarantine_with_the_reason(lake_env, now):
    good = "soil,sensor_id=S1 soil_moisture_vwc_pct=20 1795500000000000000\n"
    land(lake_env, "sensors", DAY, "ok.lp", good.encode())
    land(lake_env, "sensors", DAY, "empty.lp", b"")
    land(lake_env, "sensors", DAY, "notes.txt", b"call the vendor")
    land(lake_env, "weather", DAY, "truncated.json", b'{"provider": "owm", "responses": [{"block')
    r = load_partition("sensors", DAY, now=now)
    load_partition("weather", DAY, now=now)
    by_file = {f.source_file.rsplit("/", 1)[1]: f for f in r.files}
    assert by_file["ok.lp"].rows_written == 1
    assert by_file["empty.lp"].status == by_file["notes.txt"].status == "rejected"
    q = delta_io.read_arrow(quarantine_table("sensors")).to_pylist()
    reasons = {row["source_file"].rsplit("/", 1)[1]: row["reason"] for row in q}
    assert "empty file" in reasons["empty.lp"] and "no sensors parser" in reasons["notes.txt"]
    assert all(row["source_row"] is None for row in q)
    wq = delta_io.read_arrow(quarantine_table("weather")).to_pylist()
    assert "invalid JSON" in wq[0]["reason"] and wq[0]["raw"].startswith('{"provider"')


def test_a_partition_without_files_is_empty_and_other_days_are_untouched(lake_env, now):
    land(lake_env, "sensors", DAY, "a.lp", b"soil,sensor_id=S1 soil_moisture_vwc_pct=20 1795500000000000000\n")
    load_partition("sensors", DAY, now=now)
    report = load_partition("sensors", DAY + dt.timedelta(days=1), now=now)
    assert report.files == [] and delta_io.row_count(table("bronze.sensor_readings")) == 1


# `hasiru ingest`, killed (SIGKILL, no cleanup) right after one table's commit when asked: the worst
# moment for a multi-table load. The kill is wrapped around the writer here, not built into it.
INGEST = """
import os, signal, sys
sys.path.insert(0, {root!r})
from lake import delta_io
real = delta_io._with_retry
def commit_then_maybe_die(what, fn, *a, **k):
    result = real(what, fn, *a, **k)
    if what == {crash_after!r}:
        os.kill(os.getpid(), signal.SIGKILL)
    return result
delta_io._with_retry = commit_then_maybe_die
from hasiru.cli import main
sys.argv = ["hasiru", "ingest", "--source", "sensors", "--date", {day!r}]
main()
"""


def _ingest(env, crash_after=None):
    script = Path(env["HASIRU_DATA_DIR"]) / "ingest.py"  # a file: pyspark takes a `-c` main for a doctest run
    script.write_text(INGEST.format(root=str(Path(__file__).resolve().parents[1]), crash_after=crash_after, day=str(DAY)))
    return subprocess.run([sys.executable, str(script)], env={**os.environ, **env}, capture_output=True, text=True, timeout=300)


def test_a_load_killed_between_commits_converges_on_rerun(lake_env, tmp_path):
    from simulator.world import build_world

    build_world(lake_env / "landing", seed=5, farmers=300, start=DAY, days=1)
    shutil.rmtree(lake_env / "landing" / "app")
    env = {k: os.environ[k] for k in ("HASIRU_DATA_DIR", "HASIRU_LAKE_URI", "HASIRU_LANDING_DIR", "DAGSTER_HOME")}
    # the reference: a clean load into another lake
    ref_env = {**env, "HASIRU_LAKE_URI": str(tmp_path / "reference_lake")}
    assert _ingest(ref_env).returncode == 0
    # killed (SIGKILL) right after the bronze commit, before quarantine and load log
    crashed = _ingest(env, crash_after="bronze.sensor_readings")
    assert crashed.returncode == -9, crashed.stderr
    assert delta_io.row_count(table("bronze.sensor_readings")) > 0
    assert delta_io.row_count(LOAD_LOG) == 0  # the load never finished: nothing claims it did
    assert _ingest(env).returncode == 0
    assert _ingest(env).returncode == 0  # and once more: still the same
    got = payload("bronze.sensor_readings"), payload("bronze.quarantine_sensors")
    os.environ["HASIRU_LAKE_URI"] = ref_env["HASIRU_LAKE_URI"]
    try:
        want = payload("bronze.sensor_readings"), payload("bronze.quarantine_sensors")
    finally:
        os.environ["HASIRU_LAKE_URI"] = env["HASIRU_LAKE_URI"]
    assert got == want and len(got[0]) > 1000


def test_loads_running_at_the_same_time_lose_no_commit(lake_env, now):
    from concurrent.futures import ThreadPoolExecutor

    from simulator.world import build_world

    build_world(lake_env / "landing", seed=12, farmers=100, start=DAY, days=2)
    jobs = [(s, DAY + dt.timedelta(days=d)) for s in ("sensors", "weather", "mandi_prices", "app") for d in range(2)]
    with ThreadPoolExecutor(4) as pool:
        reports = list(pool.map(lambda job: load_partition(*job, now=now), jobs))
    logged = delta_io.read_arrow(LOAD_LOG)
    assert logged.num_rows == sum(len(r.files) for r in reports) > 0
    for r in reports:
        for target, n in r.rows_by_table.items():
            got = delta_io.read_arrow(table(target), filter=pc.field("landing_date") == pa.scalar(r.landing_date, pa.date32()))
            assert got.num_rows == n, (target, r.landing_date)
