"""Leftovers of a run that was killed, cleared before the next one starts (and by `hasiru recover`).

A killed `hasiru run`/`transform`/`publish` (SIGKILL, OOM, a lost machine) can leave three things:
- serving files half built (`.<name>.<version>.<pid>.building`): removed when their builder is gone;
- a `dbt build` still running, holding the warehouse's lock: dbt runs through `hasiru-dbt`
  (transform/dbt_child.py), which dies with its parent; one orphaned anyway (a kill in the instant
  before it armed that, or from an older release) is stopped here;
- Dagster runs of this platform left STARTED for ever: each carries its process id (`hasiru/pid`),
  and a run whose process is gone is marked failed, saying so, and its concurrency-pool slots freed.
It also prunes what every dbt run leaves: dagster-dbt writes one `dbt/target/hasiru_dbt-<run>` folder
(compiled SQL, logs) per invocation; the newest KEEP_DBT_RUNS stay, older ones idle for an hour go.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import time
from collections.abc import Callable
from pathlib import Path

from hasiru.config import REPO_ROOT, settings

PID_TAG, HOST_TAG = "hasiru/pid", "hasiru/host"
OLD_BUILDING_S = 3600  # a .building file without a pid in its name (older releases): stale after an hour
KEEP_DBT_RUNS = 10  # dbt run folders kept for debugging (a failed run's dbt.log)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def building_name(filename: str, version: str) -> str:
    """The name a serving file is built under: says which process builds it."""
    return f".{filename}.{version}.{os.getpid()}.building"


def stale_building_files(serving_dir: Path) -> list[Path]:
    out = []
    for p in serving_dir.glob(".*.building") if serving_dir.exists() else []:
        parts = p.name.rsplit(".", 2)  # [.name.version, pid, building]
        pid = int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None
        if (pid is not None and not alive(pid)) or (pid is None and time.time() - p.stat().st_mtime > OLD_BUILDING_S):
            out.append(p)
    return out


def old_dbt_runs(target: Path, keep: int = KEEP_DBT_RUNS) -> list[Path]:
    """dagster-dbt's per-run folders beyond the newest `keep`, untouched for an hour (so never a live run's)."""
    runs = sorted((p for p in target.glob("hasiru_dbt-*") if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    return [p for p in runs[keep:] if time.time() - p.stat().st_mtime > OLD_BUILDING_S]


def orphaned_dbt(project_dir: Path) -> list[int]:
    """dbt processes working in our dbt project whose parent is gone (re-parented to init or a subreaper)."""
    out = []
    for entry in Path("/proc").iterdir() if Path("/proc").exists() else []:
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            cwd = os.readlink(entry / "cwd")
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        names = {Path(a.decode(errors="replace")).name for a in argv[:2]}
        if names & {"dbt", "hasiru-dbt"} and Path(cwd) == project_dir and (ppid == 1 or not alive(ppid)):
            out.append(int(entry.name))
    return out


def stuck_runs(instance) -> list:
    import dagster as dg

    runs = instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING]))
    host = socket.gethostname()
    return [r for r in runs if r.tags.get(PID_TAG, "").isdigit() and r.tags.get(HOST_TAG) == host
            and int(r.tags[PID_TAG]) != os.getpid() and not alive(int(r.tags[PID_TAG]))]


def run_tags() -> dict[str, str]:
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def recover(progress: Callable[[str], None] = lambda _: None, *, dagster: bool = True) -> dict[str, int]:
    """Clear what killed runs left; returns what was cleared, per kind."""
    done = {"building_files": 0, "dbt_processes": 0, "dagster_runs": 0, "old_dbt_run_folders": 0}
    for p in stale_building_files(settings().serving_dir):
        p.unlink(missing_ok=True)
        done["building_files"] += 1
        progress(f"recovery: removed {p.name} (its publish was killed)")
    dbt_dir = REPO_ROOT / "dbt"
    for p in old_dbt_runs(dbt_dir / "target"):
        shutil.rmtree(p, ignore_errors=True)
        done["old_dbt_run_folders"] += 1
    for pid in orphaned_dbt(dbt_dir):
        os.kill(pid, signal.SIGTERM)
        for _ in range(50):
            if not alive(pid):
                break
            time.sleep(0.1)
        else:
            os.kill(pid, signal.SIGKILL)
        done["dbt_processes"] += 1
        progress(f"recovery: stopped dbt (pid {pid}) left running by a killed transform")
    if dagster:
        from dagster_project.instance import prepare_dagster_home
        import dagster as dg

        prepare_dagster_home()
        instance = dg.DagsterInstance.get()
        for run in stuck_runs(instance):
            instance.report_run_failed(run, f"the process running it (pid {run.tags[PID_TAG]}) is gone: killed or crashed; "
                                            "marked failed by the next start")
            # and the pool slots it held (lake_ingestion, ...): left claimed, they would stall every later run
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            done["dagster_runs"] += 1
            progress(f"recovery: run {run.run_id[:8]} was left STARTED by a killed process: marked failed")
    return done
