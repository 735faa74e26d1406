"""Silver and gold: dbt on a small world with the bad input of real life, exported to the lake,
and the serving database under readers."""

import collections
import datetime as dt
import json
import os
import re
import threading
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import yaml

from lake.catalog import table as spec_of
from lake import delta_io
from tests.conftest import world_env
from lake.catalog import all_tables

START = dt.date(2026, 11, 10)
DAY1, DAY2, DAY3 = START, START + dt.timedelta(days=1), START + dt.timedelta(days=2)
DBT = Path(__file__).resolve().parents[1] / "dbt"


def lake_table(name: str):
    return delta_io.read_arrow(spec_of(name))


def rows_where(name: str, **eq) -> list[dict]:
    t = lake_table(name)
    for col, value in eq.items():
        t = t.filter(pc.equal(t[col], value))
    return t.to_pylist()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Three days of a small world plus: a late re-send that corrects and repeats day-1 sensor points,
    a probe stuck for 6 hours, a day without weather, and a price typed with min above max."""
    root = tmp_path_factory.mktemp("transform")
    mp = world_env(root)
    from simulator.world import build_world

    landing = root / "landing"
    build_world(landing, seed=21, farmers=150, start=START, days=3)
    day1_lines = (landing / "sensors" / str(DAY1) / f"influx_soil_{DAY1}.lp").read_text().splitlines()
    corrected = [re.sub(r"soil_moisture_vwc_pct=[^,]+", "soil_moisture_vwc_pct=55.55", ln) for ln in day1_lines[:5]]
    (landing / "sensors" / str(DAY3) / "late_resend.lp").write_text("\n".join(corrected + day1_lines[5:8]) + "\n")
    ts0 = int(dt.datetime.combine(DAY2, dt.time(2), dt.timezone.utc).timestamp()) * 10**9
    stuck = [f"soil,farm_id=FM00000001,sensor_id=SM_STUCK soil_moisture_vwc_pct=18.5,soil_temperature_c=22 {ts0 + i * 900 * 10**9}"
             for i in range(24)]
    (landing / "sensors" / str(DAY2) / "stuck_probe.lp").write_text("\n".join(stuck) + "\n")
    for f in (landing / "weather" / str(DAY2)).iterdir():
        f.unlink()
    (landing / "weather" / str(DAY2)).rmdir()
    (landing / "mandi_prices" / str(DAY2) / "tomato__manual_entry.csv").write_text(
        "Market,Arrival Date,Arrivals (Tonnes),Variety,Minimum Price(Rs./Quintal),Maximum Price(Rs./Quintal),"
        f"Modal Price(Rs./Quintal),\nKolar,{DAY2:%d/%m/%Y},5,Manual,2000,1000,1500,\n")
    frozen, quarantined = _future_dated_farmers(landing)
    (root / "dagster_home").mkdir()
    from dagster_project.run_local import materialize_partitions

    materialize_partitions(DAY1, DAY3, lambda _: None)
    yield {"root": root, "corrected": corrected, "day1_lines": day1_lines, "frozen": frozen, "quarantined": quarantined}
    mp.undo()


def _future_dated_farmers(landing: Path) -> tuple[str, str]:
    """Two farmers with a version dated 2030 (a wrong clock), each opting out later:
    one's 2030 row sits in bronze from before loads checked the clock, the other's arrives now."""
    from ingestion.parsers import app_csv
    from ingestion.bronze import _with_metadata
    from lake.catalog import table

    header, first, second = (landing / "app" / str(DAY1) / "farmers.csv").read_text().splitlines()[:3]
    cols = header.split(",")
    def version(line, opt_out, updated):
        f = line.split(",")
        f[cols.index("sms_opt_out")], f[cols.index("updated_at")] = opt_out, updated
        return ",".join(f)
    # historic: loaded on the day before the window by a loader that did not check the clock
    old_load = dt.datetime.combine(DAY1 - dt.timedelta(days=1), dt.time(6), dt.timezone.utc)
    stale = app_csv.parse(f"{header}\n{version(first, 'f', '2030-01-01 00:00:00+05:30')}\n".encode(), "farmers.csv",
                          now=dt.datetime(2031, 1, 1, tzinfo=dt.timezone.utc)).tables["bronze.app_farmers"]
    stale = stale.append_column("source_file", pa.array(["app/historic/farmers.csv"], pa.string()))
    spec = table("bronze.app_farmers")
    delta_io.replace_partition(spec, _with_metadata(stale, "historic", old_load, old_load.date()).select(spec.schema.names),
                               landing_date=old_load.date())
    (landing / "app" / str(DAY2) / "farmers__clock.csv").write_text(
        f"{header}\n{version(second, 'f', '2030-01-01 00:00:00+05:30')}\n")
    (landing / "app" / str(DAY3) / "farmers__opt_out.csv").write_text(
        f"{header}\n{version(first, 't', f'{DAY3} 09:00:00+05:30')}\n{version(second, 't', f'{DAY3} 09:00:00+05:30')}\n")
    return first.split(",")[0], second.split(",")[0]


def test_a_future_dated_app_row_cannot_outrank_a_later_opt_out(world):
    """A version dated 2030 counts as of its load (silver), and new ones are quarantined (bronze): either
    way the farmer's later opt-out is what silver, and so the SMS digest, sees."""
    for farmer in (world["frozen"], world["quarantined"]):
        assert [r["sms_opt_out"] for r in rows_where("silver.app__farmers", farmer_id=farmer)] == [True], farmer
    q = rows_where("bronze.quarantine_app", source_file=f"app/{DAY2}/farmers__clock.csv")
    assert len(q) == 1 and "updated_at: in the future" in q[0]["reason"]


def test_silver_has_one_row_per_key_and_the_latest_delivery_wins(world):
    t = lake_table("silver.sensors__readings")
    keys = t.group_by(["sensor_id", "reading_ts_utc"]).aggregate([([], "count_all")])
    assert keys.num_rows == t.num_rows
    for line in world["corrected"]:
        sensor = line.split("sensor_id=")[1].split(" ")[0]
        ts = dt.datetime.fromtimestamp(int(line.rsplit(" ", 1)[1]) / 1e9, dt.timezone.utc)
        want = float(line.split("soil_moisture_vwc_pct=")[1].split(",")[0])
        got = t.filter(pc.and_(pc.equal(t["sensor_id"], sensor), pc.equal(t["reading_ts_utc"], ts))).to_pylist()
        assert len(got) == 1 and got[0]["soil_moisture_vwc_pct"] == want and got[0]["landing_date"] == DAY3
    bronze = lake_table("bronze.sensor_readings").num_rows
    assert t.num_rows == bronze - 8  # the 8 re-sent points replaced their first delivery


def test_a_stuck_probe_is_flagged_and_counted(world):
    day = rows_where("gold.fct_sensor_daily", sensor_id="SM_STUCK")
    assert [(r["date_day"], r["is_stuck_day"], r["stuck_readings"]) for r in day] == [(DAY2, True, 24)]
    assert day[0]["moisture_mean_vwc_pct"] is None  # stuck readings are left out of the statistics
    dq = rows_where("gold.mart_data_quality", source="sensors")
    assert {r["landing_date"]: r["stuck_sensor_readings"] for r in dq}[DAY2] >= 24


def test_a_source_missing_for_a_day_is_visible(world):
    dq = {(r["source"], r["landing_date"]): r for r in lake_table("gold.mart_data_quality").to_pylist()}
    assert dq[("weather", DAY2)]["is_missing"] and dq[("weather", DAY2)]["failed_checks"] >= 1
    assert not dq[("weather", DAY1)]["is_missing"] and dq[("weather", DAY1)]["completeness_pct"] == 100.0
    assert not dq[("app", DAY2)]["is_missing"]
    assert all(r["rows_read"] == r["rows_written"] + r["rows_quarantined"] for r in dq.values())


def test_min_above_max_is_swapped_and_counted(world):
    row = [r for r in rows_where("silver.mandi_prices__prices", commodity="tomato", variety="Manual")]
    assert [(r["min_price_rs_per_qtl"], r["max_price_rs_per_qtl"], r["is_min_max_swapped"]) for r in row] == [(1000.0, 2000.0, True)]
    dq = {r["landing_date"]: r for r in rows_where("gold.mart_data_quality", source="mandi_prices")}
    assert dq[DAY2]["prices_min_max_swapped"] == 1
    prices = lake_table("gold.fct_mandi_prices_daily")
    assert pc.all(pc.less_equal(prices["min_price_rs_per_qtl"], prices["modal_price_rs_per_qtl"])).as_py()


def test_analyst_marts_hold_no_personal_data(world):
    farmers = lake_table("silver.app__farmers")
    phones, names = set(farmers["phone"].to_pylist()), set(farmers["name"].to_pylist())
    for model in ("dim_farmer", "dim_farm", "fct_orders", "fct_certification_events", "fct_sensor_daily"):
        t = lake_table(f"gold.{model}")
        assert not {"name", "phone", "farmer_id", "farm_id", "lat", "lon"} & set(t.column_names), model
        values = {v for c in t.column_names if t[c].type == "string" for v in t[c].to_pylist()}
        assert not values & (phones | names), model


def test_analyst_keys_cannot_be_reversed_and_no_farmer_is_singled_out(world):
    import hashlib

    farmers = lake_table("silver.app__farmers")["farmer_id"].to_pylist()
    dim = lake_table("gold.dim_farmer")
    keys = set(dim["farmer_key"].to_pylist())
    assert len(keys) == len(farmers)
    # the old published salt, or none, recovers nothing (an analyst's one query in SQL Lab)
    for salt in ("demo-only-salt", ""):
        for h in (hashlib.md5, hashlib.sha256):
            assert not keys & {h((salt + f).encode()).hexdigest() for f in farmers}, (salt, h)
    # k-anonymity (k = 5) on every quasi-identifier analysts see of a farmer
    qi = ["district", "block_code", "fpo_id", "language", "registered_year"]
    groups = collections.Counter(tuple(r[c] for c in qi) for r in dim.select(qi).to_pylist())
    small = {g: n for g, n in groups.items() if n < 5 and any(v is not None for v in g)}
    assert not small, small
    assert sum(n for g, n in groups.items() if g[3] is not None) > len(farmers) / 2  # most keep their detail
    from hasiru.secrets import pseudonym_salt

    salt = pseudonym_salt().encode()  # never written where dbt keeps its compiled SQL, manifests and logs
    assert not [p for p in (DBT / "target").rglob("*") if p.is_file() and salt in p.read_bytes()]
    orders = lake_table("gold.fct_orders")
    assert "order_id" not in orders.column_names
    app_orders = set(lake_table("silver.app__orders")["order_id"].to_pylist())
    assert not app_orders & {v for c in orders.column_names if orders[c].type == "string" for v in orders[c].to_pylist()}


def test_every_gold_table_states_its_grain_and_describes_every_column(world):
    manifest = json.loads((DBT / "target" / "manifest.json").read_text())
    gold = [n for n in manifest["nodes"].values()
            if n["resource_type"] == "model" and n["config"]["meta"].get("lake_layer") == "gold"]
    assert len(gold) >= 14
    for node in gold:
        assert node["config"]["meta"].get("grain"), node["name"]
        described = {c for c, v in node["columns"].items() if v.get("description")}
        actual = set(lake_table(f"gold.{node['name']}").column_names)
        assert actual <= described, (node["name"], actual - described)


def test_the_lake_holds_what_the_warehouse_built(world):
    from lake.catalog import model_tables

    con = duckdb.connect(os.environ["HASIRU_WAREHOUSE_PATH"], read_only=True)
    try:
        for m in model_tables():
            assert lake_table(m.spec_name).num_rows == con.sql(f"select count(*) from {m.relation}").fetchall()[0][0], m.spec_name
    finally:
        con.close()


def test_rerunning_the_window_or_one_day_gives_the_same_tables(world):
    from dagster_project.run_local import materialize_partitions

    names = ["silver.sensors__readings", "silver.mandi_prices__prices", "gold.fct_sensor_daily",
             "gold.fct_mandi_prices_daily", "gold.mart_data_quality", "gold.dim_farmer", "gold.dim_farm",
             "gold.dim_date", "gold.mart_fpo_overview", "gold.mart_certification_funnel"]

    def snapshot():
        out = {}
        for n in names:
            t = lake_table(n)
            t = t.drop_columns([c for c in ("last_loaded_at", "hours_from_day_start_to_load") if c in t.column_names])
            # every sortable column: a row order that only the first few columns decide is left to the engine
            out[n] = t.sort_by([(c, "ascending") for c in t.column_names if t[c].type != "bool"]).to_pylist()
        return out

    before = snapshot()
    materialize_partitions(DAY3, DAY3, lambda _: None)  # one day again: only its partitions are replaced
    materialize_partitions(DAY1, DAY3, lambda _: None)
    after = snapshot()
    for n in names:
        assert after[n] == before[n], n


def test_gold_describes_the_latest_landing_day_not_the_wall_clock(world):
    """No gold model reads the clock (a rerun on a later day would build other rows); 'today' in gold is
    the latest landing day loaded (dbt/macros/as_of_date.sql)."""
    manifest = json.loads((DBT / "target" / "manifest.json").read_text())
    clock = re.compile(r"current_date|current_timestamp|\bnow\(|\btoday\(|getdate\(", re.I)
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["config"]["meta"].get("lake_layer") == "gold":
            assert not clock.search(node["raw_code"]), node["name"]
    for name, macro in manifest["macros"].items():
        if name.startswith("macro.hasiru."):
            assert not clock.search(macro["macro_sql"]), name
    as_of = max(lake_table("ops.load_log")["landing_date"].to_pylist())
    forecasts = max(lake_table("silver.weather__forecasts")["forecast_date"].to_pylist())
    assert max(lake_table("gold.dim_date")["date_day"].to_pylist()) == max(as_of, forecasts) + dt.timedelta(days=60)


class LakeReads:
    """Which lake tables a piece of code reads: through delta_io (read_arrow, duckdb_relation, dataset, create_in) and
    through lake_views (a job gets views only over the tables it declares)."""

    def __init__(self, monkeypatch):
        from hasiru import lake_views

        self.names, self._quiet = set(), False
        for name in ("read_arrow", "duckdb_relation", "dataset", "create_in"):
            real = getattr(delta_io, name)
            monkeypatch.setattr(delta_io, name, self._wrap(real))
        real_connect = lake_views.connect

        def connect(tables=None):
            assert tables is not None, "a job must pass the tables it reads to lake_views.connect"
            self.names |= set(tables)
            self._quiet = True
            try:
                return real_connect(tables)
            finally:
                self._quiet = False
        monkeypatch.setattr(lake_views, "connect", connect)

    def _wrap(self, real):
        def call(spec, *a, **k):
            if not self._quiet:
                self.names.add(spec.name)
            return real(spec, *a, **k)
        return call

    def take(self) -> set[str]:
        out, self.names = self.names, set()
        return out


def test_runs_are_recorded_under_their_job_and_command(world):
    import dagster as dg

    from dagster_project.instance import prepare_dagster_home

    prepare_dagster_home()
    runs = dg.DagsterInstance.get().get_runs()
    assert runs and {r.job_name for r in runs} <= {"daily_pipeline", "transform", "forecasts_and_advice", "delivery"}
    first = runs[-1]  # the world's build: ingestion to publish over the three days
    assert first.job_name == "daily_pipeline" and first.tags["hasiru/trigger"] == "hasiru run"
    assert (first.tags["dagster/asset_partition_range_start"], first.tags["dagster/asset_partition_range_end"]) == (
        DAY1.isoformat(), DAY3.isoformat())
    assert first.tags["hasiru/pid"].isdigit() and first.status == dg.DagsterRunStatus.SUCCESS


def test_readers_never_see_a_half_published_database(world):
    from serving.publish import connect_reader, publish

    publish()
    with connect_reader() as con:  # before any forecast ran: the market tables are there, empty, with their columns
        assert con.sql("select count(*) from price_forecast_champions").fetchall() == [(0,)]
        assert "champion_model" in [r[0] for r in con.sql("describe price_forecast_champions").fetchall()]
    errors, seen = [], set()
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                with connect_reader() as con:
                    version, n_tables = con.sql("select version, tables from _serving_meta").fetchall()[0]
                    present = con.sql("select count(*) from duckdb_tables() where table_name <> '_serving_meta'").fetchall()[0][0]
                    con.sql("select count(*) from fct_mandi_prices_daily join dim_mandi using (mandi_code)").fetchall()
                    again = con.sql("select version from _serving_meta").fetchall()[0][0]
                    assert present == n_tables and again == version
                    seen.add(version)
            except Exception as exc:  # noqa: BLE001 - any reader error fails the test
                errors.append(repr(exc))

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    versions = [publish()["version"] for _ in range(3)]
    stop.set()
    for t in threads:
        t.join()
    assert errors == []
    assert seen and seen <= set(versions) | {v for v in seen}  # every answer carried one version
    assert len(seen) >= 2


def test_dbt_sources_are_generated_from_the_catalogue():
    """The committed _*__sources.yml are exactly what transform/dbt_sources.py renders (`hasiru prepare` writes them)."""
    from transform import dbt_sources

    rendered = dbt_sources.rendered()
    committed = set((DBT / "models").rglob("_*__sources.yml"))
    assert committed == set(rendered)
    stale = [str(p) for p, text in rendered.items() if p.read_text(encoding="utf-8") != text]
    assert not stale, f"run `hasiru prepare`: {stale}"
    declared = {(s["name"], t["name"]) for p in committed for s in yaml.safe_load(p.read_text())["sources"] for t in s["tables"]}
    bronze = {(spec.source, spec.short_name) for spec in all_tables(models=False) if spec.layer == "bronze"}
    assert bronze <= declared and ("ops", "load_log") in declared
    assert ("ops", "sms_outbox") not in declared  # written downstream of gold


def test_serving_models_read_only_lake_tables_and_the_catalogue_knows_each():
    """The API's and the digest's dbt models: what each reads comes from its refs and sources, every read is
    a table of the catalogue, and a serving model that refs an intermediate view is refused by name."""
    import copy

    from lake.catalog import serving_tables, table
    from transform.dbt_env import manifest_path

    builds = {b: serving_tables(b) for b in ("api", "digest")}
    assert {t.model for t in builds["digest"]} == {"sms_digest_inputs", "sms_severe_weather"} and len(builds["api"]) >= 13
    for models in builds.values():
        for t in models:
            for name in t.reads:
                table(name)  # raises for a table the catalogue does not know
    farms = next(t for t in builds["api"] if t.model == "api_farms")
    assert set(farms.reads) == {"silver.app__farms", "silver.app__current_memberships"} and farms.indexes
    manifest = json.loads(manifest_path().read_text())
    bad = copy.deepcopy(manifest)
    node = next(n for n in bad["nodes"].values() if n["name"] == "api_farms")
    node["depends_on"]["nodes"].append("model.hasiru.int_as_of_date")
    with pytest.raises(ValueError, match="api_farms reads int_as_of_date, which is not a lake table"):
        serving_tables("api", manifest=bad)


def test_dbt_docs_generate_and_failing_test_rows_are_findable(world):
    import subprocess
    import sys

    from transform.dbt_env import DBT_PROJECT_DIR, dbt_env

    done = subprocess.run([str(Path(sys.executable).parent / "dbt"), "docs", "generate", "--quiet"], cwd=DBT_PROJECT_DIR,
                          env={**os.environ, **dbt_env()}, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:]
    catalog = json.loads((DBT_PROJECT_DIR / "target" / "catalog.json").read_text())
    assert "model.hasiru.mart_data_quality" in catalog["nodes"]
    con = duckdb.connect(os.environ["HASIRU_WAREHOUSE_PATH"], read_only=True)
    try:
        audit = [r[0] for r in con.sql("select view_name from duckdb_views() where schema_name = 'main_dbt_test__audit'").fetchall()]
        assert any(name.startswith("unique_combination_fct_mandi") for name in audit), audit
    finally:
        con.close()


def test_every_job_reads_exactly_the_tables_it_declares(world, monkeypatch):
    """The Dagster deps of advice, forecasts, digests and the publish come from each job's READS: here each job
    runs, and what it read must be what it declared (besides its own outputs). Last in this module: it adds
    forecasts and advice to the shared world."""
    from ml.advisories import run as advisories
    from ml.forecast import run as forecasts
    from serving import publish
    from sms import digest

    reads = LakeReads(monkeypatch)
    advisories.run(days=[DAY3])
    assert reads.take() == set(advisories.READS)
    advisories.verify()
    assert reads.take() == set(advisories.VERIFY_READS)
    forecasts.run(n_cutoffs=1, step_days=30, wanted=("naive",))
    own = {f"gold.{t}" for t in ("price_forecasts", "price_forecast_backtests", "price_forecast_champions",
                                  "price_forecast_models", "price_forecast_vs_actual")}
    assert reads.take() - own == set(forecasts.READS)
    digest.build(DAY3, digests=True)
    assert reads.take() == set(digest.reads())
    publish.publish()
    assert reads.take() == set(publish.reads())
    # and the Dagster graph says the same
    import dagster as dg

    from dagster_project.definitions import defs

    graph = defs.resolve_asset_graph()
    for key, declared in ((["gold", "farm_advisories"], advisories.READS), (["delivery", "sms_outbox"], digest.reads())):
        parents = {"/".join(k.path) for k in graph.get(dg.AssetKey(key)).parent_keys}
        assert parents == {n.replace(".", "/", 1) for n in declared}, key


def test_dbt_variables_are_in_the_environment_only_while_dbt_starts(lake_env, monkeypatch):
    """dagster-dbt starts dbt with the process environment: dbt's variables are set for that, then removed
    (or put back as they were), so no later world or child process inherits the warehouse or the salt."""
    import os

    from transform.dbt_env import dbt_environment

    monkeypatch.setenv("HASIRU_DBT_TARGET", "before")
    monkeypatch.delenv("HASIRU_PSEUDONYM_SALT", raising=False)
    with dbt_environment() as values:
        assert os.environ["HASIRU_WAREHOUSE_PATH"] == values["HASIRU_WAREHOUSE_PATH"].strip() != ""
        assert os.environ["HASIRU_PSEUDONYM_SALT"] and os.environ["HASIRU_DBT_TARGET"] == "duckdb"
    assert "HASIRU_WAREHOUSE_PATH" not in os.environ and "HASIRU_PSEUDONYM_SALT" not in os.environ
    assert os.environ["HASIRU_DBT_TARGET"] == "before"
