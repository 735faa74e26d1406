"""What a killed run leaves behind is cleared: a dbt build dies with the run that started it, the
run left STARTED is marked failed by the next start, and half-built serving files are removed."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from hasiru import recovery

ROOT = Path(__file__).resolve().parents[1]


def _children_named(parent: int, name: str) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == parent and any(Path(a.decode(errors="replace")).name == name for a in argv[:2]):
                out.append(int(entry.name))
    return out


@pytest.mark.slow
def test_a_killed_run_leaves_no_dbt_running_and_its_run_is_marked_failed(lake_env):
    script = textwrap.dedent(f"""
        import datetime as dt, sys
        sys.path.insert(0, {str(ROOT)!r})
        from simulator.world import build_world
        from hasiru.config import settings
        from dagster_project.run_local import materialize_partitions
        build_world(settings().landing_dir, seed=3, farmers=30, start=dt.date(2026, 11, 20), days=1)
        materialize_partitions(dt.date(2026, 11, 20), dt.date(2026, 11, 20), print)
    """)
    (lake_env / "run.py").write_text(script)  # a file, not -c: pyspark takes a main without __file__ for doctests
    run = subprocess.Popen([sys.executable, str(lake_env / "run.py")], env={**os.environ}, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        dbt = []
        while time.monotonic() < deadline and not dbt and run.poll() is None:
            dbt = _children_named(run.pid, "hasiru-dbt")
            time.sleep(0.2)
        assert dbt, "dbt never started"
        time.sleep(2)  # dbt is working: the warehouse is locked
        os.kill(run.pid, signal.SIGKILL)
        run.wait(10)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and recovery.alive(dbt[0]):
            time.sleep(0.2)
        assert not recovery.alive(dbt[0]), "dbt kept running after the run that started it was killed"
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    import dagster as dg

    from dagster_project.instance import prepare_dagster_home

    prepare_dagster_home()
    instance = dg.DagsterInstance.get()
    stuck = recovery.stuck_runs(instance)
    assert [r.tags[recovery.PID_TAG] for r in stuck] == [str(run.pid)]
    assert recovery.recover(dagster=True)["dagster_runs"] == 1
    assert instance.get_run_by_id(stuck[0].run_id).status == dg.DagsterRunStatus.FAILURE
    assert recovery.stuck_runs(instance) == []


def test_half_built_serving_files_of_dead_publishers_are_removed(lake_env):
    serving = lake_env / "serving"
    serving.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    gone = serving / f".hasiru_api.duckdb.20261126T060000-abc123.{dead.pid}.building"
    mine = serving / recovery.building_name("hasiru_api.duckdb", "20261126T060001-def456")
    old = serving / ".hasiru_serving.duckdb.20250101T000000-000000.building"  # an older release's name
    for p in (gone, mine, old):
        p.write_bytes(b"half a database")
    os.utime(old, (time.time() - 2 * 3600,) * 2)
    assert recovery.recover(dagster=False)["building_files"] == 2
    assert not gone.exists() and not old.exists() and mine.exists()  # a live publish keeps its file


def test_an_orphaned_dbt_in_our_project_is_stopped(lake_env):
    # a 'dbt' whose parent is gone, working in our dbt project: what a kill before hasiru-dbt armed itself leaves
    subprocess.run(["bash", "-c", f"cd {ROOT / 'dbt'} && (exec -a dbt sleep 300 &) "], check=True)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not recovery.orphaned_dbt(ROOT / "dbt"):
        time.sleep(0.1)
    orphans = recovery.orphaned_dbt(ROOT / "dbt")
    assert len(orphans) == 1
    assert recovery.recover(dagster=False)["dbt_processes"] == 1
    assert not recovery.alive(orphans[0]) or Path(f"/proc/{orphans[0]}/stat").read_text().split()[2] == "Z"
    assert recovery.orphaned_dbt(ROOT / "dbt") == []


def test_old_dbt_run_folders_are_pruned_and_recent_ones_kept(tmp_path):
    target = tmp_path / "target"
    for i in range(15):
        run = target / f"hasiru_dbt-{i:03d}"
        (run / "compiled").mkdir(parents=True)
        (run / "dbt.log").write_text("log")
        age = 2 * 3600 + (15 - i) * 60 if i < 13 else 60  # the two newest: a minute old (maybe still running)
        os.utime(run, (time.time() - age,) * 2)
    old = recovery.old_dbt_runs(target, keep=10)
    assert sorted(p.name for p in old) == [f"hasiru_dbt-{i:03d}" for i in range(5)]  # beyond the newest 10
    assert recovery.old_dbt_runs(target, keep=1)[0].name == "hasiru_dbt-012" and len(recovery.old_dbt_runs(target, keep=1)) == 13
