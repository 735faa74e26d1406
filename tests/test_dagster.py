import datetime as dt
import os
from pathlib import Path

import dagster as dg

from dagster_project.definitions import defs
from dagster_project.ingestion.assets import INGESTION_ASSETS
from dagster_project.ingestion.schedules import daily_ingestion_schedule
from dagster_project.ingestion.sensors import landing_sensor, new_work
from lake import delta_io
from lake.catalog import table
from tests.conftest import land

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.txt"
DAY = "2026-11-20"


def graph_snapshot() -> str:
    graph = defs.resolve_asset_graph()
    lines = []
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        lines.append(f"{key.to_user_string()} group={node.group_name} partitions={type(node.partitions_def).__name__} "
                     f"deps={sorted(k.to_user_string() for k in node.parent_keys)} "
                     f"checks={sorted(c.name for c in node.check_keys)}")
    lines += [f"job {j.name}" for j in defs.resolve_all_job_defs() if not j.name.startswith("__")]
    lines += [f"schedule {s.name} {s.cron_schedule} {s.execution_timezone}" for s in defs.schedules]
    lines += [f"sensor {s.name}" for s in defs.sensors]
    return "\n".join(lines) + "\n"


def test_definitions_load_and_the_graph_matches_the_reviewed_snapshot():
    got = graph_snapshot()
    if os.environ.get("UPDATE_SNAPSHOTS") or not SNAPSHOT.exists():
        SNAPSHOT.write_text(got)
    assert got == SNAPSHOT.read_text(), "asset graph changed: review, then rerun with UPDATE_SNAPSHOTS=1"
    assert "bronze/sensor_readings" in got and "rows_accounted" in got


def _materialize(instance):
    return dg.materialize(INGESTION_ASSETS, partition_key=DAY, instance=instance, raise_on_error=False)


def test_materializing_a_partition_twice_gives_the_same_tables(lake_env):
    from simulator.world import build_world

    build_world(lake_env / "landing", seed=9, farmers=150, start=dt.date.fromisoformat(DAY), days=1)
    instance = dg.DagsterInstance.ephemeral()
    first = _materialize(instance)
    assert first.success
    counts = {n: delta_io.row_count(table(n)) for n in ("bronze.sensor_readings", "bronze.mandi_prices", "bronze.app_farmers",
                                                          "bronze.weather_forecasts", "bronze.soil_health_cards")}
    assert all(v > 0 for v in counts.values()), counts
    assert all(c.passed for c in first.get_asset_check_evaluations())
    second = _materialize(instance)
    assert second.success
    assert counts == {n: delta_io.row_count(table(n)) for n in counts}
    mats = second.get_asset_materialization_events()
    assert {m.asset_key.to_user_string() for m in mats} >= {"bronze/sensor_readings", "bronze/quarantine_sensors"}


def test_a_rejected_file_fails_the_warning_check(lake_env):
    land(lake_env, "weather", DAY, "broken.json", b'{"provider": ')
    result = _materialize(dg.DagsterInstance.ephemeral())
    assert result.success  # bad input never fails the run...
    failed = {(c.asset_key.to_user_string(), c.check_name) for c in result.get_asset_check_evaluations() if not c.passed}
    assert failed == {("bronze/quarantine_weather", "no_rejected_files")}  # ...it shows up next to the asset


def test_sensor_requests_a_run_per_changed_source_day(lake_env):
    assert new_work(None)[0] == []
    land(lake_env, "mandi_prices", DAY, "onion__a.csv", b"x")
    land(lake_env, "sensors", DAY, "a.lp", b"x")
    ctx = dg.build_sensor_context(cursor=None, instance=dg.DagsterInstance.ephemeral())
    requests = landing_sensor(ctx)
    assert sorted((r.partition_key, r.tags["hasiru/source"]) for r in requests) == [(DAY, "mandi_prices"), (DAY, "sensors")]
    assert all(r.asset_selection for r in requests)
    changed, cursor = new_work(ctx.cursor)
    assert changed == []
    land(lake_env, "sensors", DAY, "b.lp", b"more")
    assert [c[:2] for c in new_work(cursor)[0]] == [("sensors", DAY)]


def test_daily_schedule_loads_yesterday_in_ist():
    ctx = dg.build_schedule_context(scheduled_execution_time=dt.datetime(2026, 11, 26, 5, 30))
    req = daily_ingestion_schedule(ctx)
    assert req.partition_key == "2026-11-25"
