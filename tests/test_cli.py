import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

COMMANDS = ["simulate", "ingest", "run", "transform", "forecast", "advise", "publish", "prepare", "status", "quarantine", "sql", "ui",
            "sms", "serve", "api-token", "fpo-app", "fpo-app-user", "superset"]


def hasiru(*args, env=None, timeout=600):
    return subprocess.run([sys.executable, "-m", "hasiru", *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


@pytest.mark.parametrize("command", [None] + COMMANDS)
def test_every_command_has_help(command):
    r = hasiru(*([command] if command else []), "--help")
    assert r.returncode == 0 and "Usage:" in r.stdout
    if command is None:
        assert all(c in r.stdout for c in COMMANDS)


def test_run_smoke_on_a_tiny_world(lake_env):
    r = hasiru("run", "--farmers", "60", "--days", "2", "--start-date", "2026-11-01", "--price-history-years", "0")
    assert r.returncode == 0, r.stderr
    assert "2026-11-01..2026-11-02: done" in r.stderr and "all passed" in r.stderr
    assert "leaked semaphore" not in r.stderr
    assert "Warning" not in r.stderr, [ln for ln in r.stderr.splitlines() if "Warning" in ln][:3]  # nothing to act on
    assert "\x1b[" not in r.stdout  # dbt's colours only on a terminal
    # the steps say what they do while the run goes (not minutes of silence): loads, advice, SMS, the API build
    for step_line in ("ingest_app: app 2026-11-01:", "gold__farm_advisories: advisories:", "delivery__sms_outbox: sms",
                      "serving__hasiru_serving_db: api: api_farms", "hasiru_dbt: dbt build: "):
        assert step_line in r.stderr, step_line
    # dbt's own log stays in dbt/logs/dbt.log: no per-model lines, no partial-parsing notices in the terminal
    said = r.stdout + r.stderr
    assert " START sql " not in said and "Unable to do partial parsing" not in said and "Running with dbt=" not in said
    for name in ("bronze.sensor_readings", "bronze.mandi_prices", "bronze.app_farmers", "ops.load_log",
                 "silver.sensors__readings", "gold.fct_sensor_daily", "gold.mart_data_quality"):
        line = next(ln for ln in r.stdout.splitlines() if ln.startswith(name + " "))
        assert int(line.split()[-1].replace(",", "")) > 0, name
    assert str(lake_env / "lake") in r.stdout and "hasiru ui" in r.stdout
    serving = lake_env / "serving" / "hasiru_serving.duckdb"
    assert str(serving) in r.stdout
    import duckdb

    with duckdb.connect(str(serving), read_only=True) as con:
        assert con.sql("select count(*) from dim_farmer").fetchall()[0][0] == 60
    # the runs are in Dagster's history under DAGSTER_HOME: one over both days (publish included), one for
    # forecasts and advisories, one for the SMS outbox and the serving databases of the last day
    import dagster as dg

    with dg.DagsterInstance.from_config(str(lake_env / "dagster_home")) as instance:
        runs = instance.get_runs()
        assert len(runs) == 3 and all(r.is_success for r in runs)
    with duckdb.connect(str(lake_env / "serving" / "hasiru_api.duckdb"), read_only=True) as con:
        assert con.sql("select count(*) from api_farms").fetchall()[0][0] > 0
    # the single commands run as named Dagster jobs, recorded with the command that started them
    for args, says in ((("advise",), "advisories: "), (("publish",), "published "),
                       (("forecast", "--cutoffs", "1", "--models", "naive"), "forecast ")):
        done = hasiru(*args)
        assert done.returncode == 0 and says in done.stdout and "Traceback" not in done.stderr, (args, done.stderr[-800:])
        assert "{'" not in done.stdout + done.stderr, done.stdout  # results read as text, not as Python dicts
    with dg.DagsterInstance.from_config(str(lake_env / "dagster_home")) as instance:
        later = {r.job_name: r.tags.get("hasiru/trigger") for r in instance.get_runs()[:3]}
    assert later == {"farm_advisories": "hasiru advise", "publish": "hasiru publish",
                     "weekly_price_forecasts": "hasiru forecast"}
    q = hasiru("sql", "select count(*) as n from bronze_weather_observations")
    assert q.returncode == 0 and int(q.stdout.splitlines()[-1]) == 2 * 235
    # on the whole world, every digest is about one farm: its pest, irrigation and price lines name one crop
    from sms import digest

    rows = digest._inputs(dt.date(2026, 11, 2)).to_pylist()
    said = [r for r in rows if r["pest_crop"] or r["irrigation_crop"] or r["price_crop"]]
    assert said and all(len({c for c in (r["pest_crop"], r["irrigation_crop"], r["price_crop"]) if c}) == 1 for r in said)
    assert all(r["focus_farm_id"] for r in said)


def test_errors_name_the_setting_or_value_at_fault(lake_env):
    r = hasiru("status")
    assert r.returncode == 0 and "is empty: nothing has been loaded yet" in r.stdout and "hasiru run" in r.stdout
    r = hasiru("status", env={"HASIRU_LAKE_URI": "ftp://host/lake"})
    assert r.returncode == 2 and "HASIRU_LAKE_URI" in r.stderr and "Traceback" not in r.stderr
    r = hasiru("ingest", "--source", "satellite")
    assert r.returncode == 2 and "unknown source 'satellite'" in r.stderr
    r = hasiru("simulate", "--start-date", "26/11/2026")
    assert r.returncode == 2 and "is not a date" in r.stderr
    r = hasiru("advise")
    assert r.returncode != 0 and "run `hasiru transform`" in r.stderr and "Traceback" not in r.stderr
    # a user's shell has no DAGSTER_HOME: the commands that run Dagster jobs prepare it (<data>/dagster_home)
    no_home = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    r = subprocess.run([sys.executable, "-m", "hasiru", "advise"], capture_output=True, text=True, timeout=600, env=no_home)
    assert r.returncode != 0 and "run `hasiru transform`" in r.stderr and "DAGSTER_HOME" not in r.stderr
    for args in (("publish",), ("forecast", "--cutoffs", "1")):
        r = hasiru(*args)
        assert r.returncode != 0 and "Traceback" not in r.stderr, args
        assert "is not in the lake yet" in r.stderr or "is not built yet" in r.stderr, (args, r.stderr[-500:])
    r = hasiru("sql", "select * from gold_no_such_mart")
    assert r.returncode == 1 and "gold_no_such_mart" in r.stderr and "Traceback" not in r.stderr
    r = hasiru("transform", "--from", "2026-11-01", "--to", "2026-11-02")
    assert r.returncode == 2 and "run `hasiru ingest` first" in r.stderr
    r = hasiru("transform", "--from", "2026-11-05", "--to", "2026-11-02")
    assert r.returncode == 2 and "--from 2026-11-05 is after --to 2026-11-02" in r.stderr
    r = hasiru("transform", "--from", "2020-01-01", "--to", "2020-01-02")
    assert r.returncode == 2 and "before 2024-01-01" in r.stderr and "Traceback" not in r.stderr
    r = hasiru("api-token", "--user-id", "U1", env={"HASIRU_API_SECRET": "s" * 40})
    assert r.returncode == 1 and "no API database published yet" in r.stderr and "hasiru publish" in r.stderr


def test_a_stopped_server_command_stops_its_server():
    """`hasiru superset` waits on a server in its own process group: a SIGTERM to the command (a service manager,
    `kill`) stops that group too, instead of leaving the server running without its parent."""
    import signal
    import time

    script = ("import subprocess, sys; sys.path.insert(0, %r)\n"
              "from hasiru.cli_delivery import serve_until_stopped\n"
              "server = subprocess.Popen(['sleep', '300'], start_new_session=True)\n"
              "print(server.pid, flush=True)\n"
              "serve_until_stopped(server)\n") % str(Path(__file__).resolve().parents[1])
    command = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    server = int(command.stdout.readline())
    time.sleep(1.0)  # the command is waiting on its server now
    command.send_signal(signal.SIGTERM)
    command.wait(30)
    with pytest.raises(ProcessLookupError):
        os.kill(server, 0)


def test_a_long_step_says_it_is_still_working_and_stops_when_done():
    import time

    from hasiru.console import heartbeat

    lines = []
    with heartbeat(lines.append, "mandi_prices 2026-12-01: parsing", every_s=0.05):
        time.sleep(0.3)
    said = len(lines)
    time.sleep(0.2)
    assert said >= 3 and len(lines) == said  # beats while the work runs, none after
    assert lines[0].startswith("mandi_prices 2026-12-01: parsing: still working, ")
    with heartbeat(lines.append, "quick", every_s=5):
        pass
    assert len(lines) == said  # work shorter than the interval says nothing extra
