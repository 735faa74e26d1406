"""The app's PostgreSQL (Debian's postgresql-15, started by the tests on loopback): the schema file
matches the declarations, incremental extraction across runs carries inserts, updates, soft and hard
deletes into silver, and schema drift is kept (new column) or refused by name (dropped, retyped)."""

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest

from ingestion.bronze import load_partition
from ingestion.connectors import SourceUnavailable, watermarks
from ingestion.connectors.app_postgres import TABLES, AppPostgres
from lake import delta_io
from lake.catalog import table
from lake.tables import APP_TABLES
from simulator.world import build_world
from tests.servers import Postgres, free_port

WORLD_START = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 26, 6, 0, tzinfo=dt.timezone.utc)  # 11:30 IST on the 26th
DAY = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def postgres():
    root = Path(tempfile.mkdtemp(prefix="hasiru-pg-"))
    os.chmod(root, 0o755)
    server = Postgres(root).start()
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def app_db(postgres, lake_env):
    name = f"app_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres.dsn, autocommit=True) as con:
        con.execute(f"create database {name}")
    db = AppPostgres(postgres.dsn.rsplit("/", 1)[0] + "/" + name, lookback=dt.timedelta(minutes=15))
    db.create_schema()
    return db


def run_sql(db: AppPostgres, statement: str, params=None):
    with db.connect() as con:
        cur = con.execute(statement, params)
        return cur.fetchall() if cur.description else None


def bronze(name: str) -> list[dict]:
    return delta_io.read_arrow(table(f"bronze.app_{name}")).to_pylist()


def test_the_schema_file_matches_the_declared_tables(app_db):
    with app_db.connect() as con:
        for t in TABLES:
            assert app_db.check_schema(con, t) == [c for c, _ in APP_TABLES[t]]


def test_incremental_extraction_carries_inserts_updates_and_deletes_into_silver(app_db, lake_env):
    build_world(lake_env / "landing", 3, 40, WORLD_START, 2)
    loaded = app_db.load_landed([WORLD_START, WORLD_START + dt.timedelta(days=1)])
    assert loaded["farmers"] == 40
    first = app_db.extract(now=NOW)
    assert first["failed"] == {}
    for t in ("farmers", "farms", "orders"):
        assert first["tables"][t]["rows"] == run_sql(app_db, f"select count(*) from {t}")[0][0]
    assert load_partition("app", DAY).total("rows_quarantined") == 0

    # a second extract with nothing changed re-reads only the look-back window
    again = app_db.extract(now=NOW + dt.timedelta(minutes=5))
    mark = watermarks.get("app_postgres", "farms")[0]
    overlap = run_sql(app_db, "select count(*) from farms where updated_at > %s", [mark - dt.timedelta(minutes=15)])[0][0]
    assert again["tables"]["farms"]["rows"] == overlap

    # the app changes: an update, a soft delete, an insert, a hard delete (with its items, by cascade)
    later = NOW + dt.timedelta(hours=1)
    farm, farmer_gone = run_sql(app_db, "select farm_id, farmer_id from farms order by farm_id limit 1")[0]
    run_sql(app_db, "update farms set area_acres = 9.5, updated_at = %s where farm_id = %s", [later, farm])
    run_sql(app_db, "update farmers set deleted_at = %s, updated_at = %s where farmer_id = %s", [later, later, farmer_gone])
    run_sql(app_db, "insert into products values ('PRD-NEW', 'Neem cake', 'bio-input', 'kg', 42.0, %s)", [later])
    order = run_sql(app_db, "select order_id from orders order by order_id limit 1")[0][0]
    items = {r[0] for r in run_sql(app_db, "select order_item_id from order_items where order_id = %s", [order])}
    run_sql(app_db, "delete from orders where order_id = %s", [order])
    nxt = NOW + dt.timedelta(hours=2)
    second = app_db.extract(now=nxt)["tables"]
    assert second["farms"]["rows"] >= 1 and second["products"]["rows"] >= 1 and second["farmers"]["rows"] >= 1
    assert app_db.reconcile(now=nxt) == {"orders": 1, **({"order_items": len(items)} if items else {})}
    load_partition("app", DAY)
    assert app_db.reconcile(now=nxt + dt.timedelta(minutes=1)) == {}  # recorded in bronze: not again

    # silver after dbt: the latest versions, soft and hard deletes flagged
    from transform.dbt_env import DBT_PROJECT_DIR, dbt_env

    done = subprocess.run([str(Path(sys.executable).parent / "dbt"), "build", "--select", "+stg_app__farms", "+stg_app__farmers",
                           "+stg_app__orders", "+stg_app__products", "--indirect-selection", "cautious", "--quiet"], cwd=DBT_PROJECT_DIR,
                          env={**os.environ, **dbt_env()}, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:]
    import duckdb

    from hasiru.config import settings
    with duckdb.connect(str(settings().warehouse_path), read_only=True) as w:
        assert w.sql(f"select area_acres from main.stg_app__farms where farm_id = '{farm}'").fetchall() == [(9.5,)]
        assert w.sql(f"select is_deleted from main.stg_app__farmers where farmer_id = '{farmer_gone}'").fetchall() == [(True,)]
        assert w.sql(f"select is_deleted from main.stg_app__orders where order_id = '{order}'").fetchall() == [(True,)]
        assert w.sql("select count(*) from main.stg_app__orders where is_deleted").fetchall() == [(1,)]
        assert w.sql("select name from main.stg_app__products where product_id = 'PRD-NEW'").fetchall() == [("Neem cake",)]


def test_schema_drift_keeps_new_columns_and_names_dropped_or_retyped_ones(app_db, lake_env):
    build_world(lake_env / "landing", 4, 10, WORLD_START, 1)
    app_db.load_landed([WORLD_START])
    run_sql(app_db, "alter table farms add column organic_since date")
    run_sql(app_db, "update farms set organic_since = '2024-06-01', updated_at = %s", [NOW - dt.timedelta(hours=1)])
    assert app_db.extract(now=NOW)["failed"] == {}
    load_partition("app", DAY)
    kept = [json.loads(r["extra_columns"]) for r in bronze("farms") if r["landing_date"] == DAY]
    assert kept and all(k == {"organic_since": "2024-06-01"} for k in kept)

    mark = watermarks.get("app_postgres", "farms")
    run_sql(app_db, "alter table farms drop column soil_type")
    run_sql(app_db, "alter table products alter column price_rs type text")
    run_sql(app_db, "update farms set updated_at = %s", [NOW + dt.timedelta(minutes=30)])
    result = app_db.extract(now=NOW + dt.timedelta(hours=1))
    assert set(result["failed"]) == {"farms", "products"}
    assert "column 'soil_type' is gone" in result["failed"]["farms"] and "lake/tables.py" in result["failed"]["farms"]
    assert "column 'price_rs' is text, declared double" in result["failed"]["products"]
    assert watermarks.get("app_postgres", "farms") == mark  # nothing moved for the failed table
    assert "farmers" in result["tables"]  # the others still extract


def test_an_unreachable_database_is_a_clear_error(lake_env):
    db = AppPostgres(f"postgresql://postgres@127.0.0.1:{free_port()}/app", connect_timeout_s=2)
    with pytest.raises(SourceUnavailable, match="app PostgreSQL not reachable: connection"):
        db.extract(now=NOW)
