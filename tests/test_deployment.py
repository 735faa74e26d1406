"""The production layout on paper, checked (docs/deployment.md): Dagster with its run, event and schedule
storage in PostgreSQL (deploy/dagster.yaml, as deployed) runs one daily partition of the pipeline, and the
run's history is in PostgreSQL for every other Dagster process (webserver, daemon) to read."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.servers import Postgres

ROOT = Path(__file__).resolve().parents[1]
DAY = dt.date(2026, 11, 20)


@pytest.mark.slow
def test_dagster_on_postgresql_runs_a_partition_and_keeps_its_history(lake_env, monkeypatch):
    import psycopg

    pg_root = Path(tempfile.mkdtemp(prefix="hasiru-pg-"))
    os.chmod(pg_root, 0o755)  # the postgres user runs the server (initdb refuses root): it must reach the folder
    pg = Postgres(pg_root).start()
    try:
        with psycopg.connect(pg.dsn, autocommit=True) as con:
            con.execute("create database dagster")
        for var, value in (("DAGSTER_PG_HOST", "127.0.0.1"), ("DAGSTER_PG_PORT", str(pg.port)),
                           ("DAGSTER_PG_USERNAME", "postgres"), ("DAGSTER_PG_PASSWORD", ""), ("DAGSTER_PG_DB", "dagster")):
            monkeypatch.setenv(var, value)
        shutil.copy(ROOT / "deploy" / "dagster.yaml", lake_env / "dagster_home" / "dagster.yaml")  # as deployed

        import dagster as dg
        from dagster_postgres import PostgresRunStorage

        from dagster_project.run_local import materialize_partitions
        from simulator.world import build_world

        build_world(lake_env / "landing", seed=3, farmers=30, start=DAY, days=1)
        lines = []
        materialize_partitions(DAY, DAY, lines.append)
        assert any(f"{DAY}..{DAY}: done" in ln and "all passed" in ln for ln in lines), lines[-5:]

        instance = dg.DagsterInstance.get()
        assert isinstance(instance.run_storage, PostgresRunStorage)
        with psycopg.connect(pg.dsn.rsplit("/", 1)[0] + "/dagster") as con:
            runs = con.execute("select pipeline_name, status from runs").fetchall()
            materialized = con.execute("select count(*) from event_logs where dagster_event_type = 'ASSET_MATERIALIZATION'"
                                       ).fetchone()[0]
        assert runs == [("daily_pipeline", "SUCCESS")] and materialized > 20
        # another process's instance (the webserver's, the daemon's) reads the same history and partition status
        other = dg.DagsterInstance.from_config(str(lake_env / "dagster_home"))
        [run] = other.get_runs()
        assert run.status == dg.DagsterRunStatus.SUCCESS and run.tags["hasiru/trigger"] == "hasiru run"
        key = dg.AssetKey(["bronze", "sensor_readings"])
        assert other.get_latest_materialization_event(key) is not None
    finally:
        pg.stop()
        shutil.rmtree(pg_root, ignore_errors=True)
