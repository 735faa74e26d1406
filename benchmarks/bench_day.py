"""The full day, end to end (issue 18): one `hasiru run --farmers N --days 1` on the embedded engine, as a
user runs it, with each stage's time read from the run's own progress lines, the peak memory of the whole
process tree, and the stages that have a floor measured against it in the same run, on the same landed files.

    .venv/bin/python benchmarks/bench_day.py [--farmers 200000] [--price-history-years 3]

Stages: simulate; load the pipeline's definitions; bronze ingestion; dbt build; lake export (and the silver
suites); serving publish; forecasts (3 years of prices: backtests and champions) and advisories; SMS outbox
and the second publish. Floors: ingestion = pyarrow parsing every landed file + one write_deltalake per
source; dbt build = DuckDB copying the same bronze rows into a file (bench_marts.py's floor).
Goal (issue 18): the day in at most 150 s on 2 cores, each stage at least 0.5 x its floor, peak under 4 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DAY = dt.date(2026, 11, 20)

# stage -> the progress line that starts it (the next stage's start ends it)
STAGES = [
    ("simulate", r"simulating "),
    ("load definitions", r"loading the pipeline's definitions"),
    ("bronze ingestion", r"  ingest_\w+: .*parsing"),
    ("dbt build", r"  hasiru_dbt: "),
    ("lake export + silver suites", r"  hasiru_dbt: dbt build: .*full log"),
    ("serving publish", r"  serving__hasiru_serving_db: "),
    ("forecasts + advisories", r"price forecasts \+ farm advisories"),
    ("SMS + publish", r"SMS outbox \+ serving publish"),
    ("summary", r"Lake tables \(Delta\)"),
]


def tree_rss(root_pid: int) -> int:
    """Resident memory of a process and all its descendants, bytes (from /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
            parents[int(d)] = int(stat.rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{d}/statm") as f:
                rss[int(d)] = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parents.items() if pp == p and c not in tree]
        tree.update(kids)
        frontier += kids
    return sum(rss.get(p, 0) for p in tree)


def run_day(farmers: int, years: int, work: Path) -> tuple[list[tuple[float, str]], float, int]:
    env = {**os.environ, "HASIRU_DATA_DIR": str(work), "HASIRU_LAKE_URI": str(work / "lake"),
           "HASIRU_LANDING_DIR": str(work / "landing"), "DAGSTER_HOME": str(work / "dagster_home")}
    t0 = time.monotonic()
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "hasiru"), "run", "--farmers", str(farmers), "--days", "1",
                             "--start-date", DAY.isoformat(), "--price-history-years", str(years)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = [0]

    def watch():
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss(proc.pid))
            time.sleep(0.5)
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    lines = [(time.monotonic() - t0, line.rstrip("\n")) for line in proc.stdout]
    proc.wait()
    wall = time.monotonic() - t0
    watcher.join()
    if proc.returncode != 0:
        print("\n".join(text for _, text in lines[-40:]))
        raise SystemExit(f"hasiru run failed ({proc.returncode})")
    return lines, wall, peak[0]


def stage_times(lines: list[tuple[float, str]], wall: float) -> dict[str, float]:
    starts = {}
    for name, pattern in STAGES:
        hit = next((t for t, text in lines if re.search(pattern, text)), None)
        if hit is not None:
            starts[name] = hit
    ordered = sorted(starts.items(), key=lambda kv: kv[1])
    out = {}
    for (name, t), nxt in zip(ordered, ordered[1:] + [("end", wall)]):
        if name != "summary":
            out[name] = nxt[1] - t
    return out


def ingestion_floor(landing: Path, target: Path) -> float:
    """pyarrow parsing every landed file of the day (CSV, line protocol as space-delimited text, JSON) and one
    write_deltalake per source."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.json as pajson
    from deltalake import write_deltalake

    t = time.perf_counter()
    for source in sorted(p for p in landing.iterdir() if p.is_dir()):
        tables = []
        for f in sorted(source.rglob("*")):
            if f.suffix == ".csv":
                tables.append(pacsv.read_csv(f, parse_options=pacsv.ParseOptions(invalid_row_handler=lambda _: "skip")))
            elif f.suffix == ".lp":
                tables.append(pacsv.read_csv(f, read_options=pacsv.ReadOptions(column_names=["series", "fields", "ts"]),
                                             parse_options=pacsv.ParseOptions(delimiter=" ")))
            elif f.suffix in (".json", ".jsonl"):
                try:
                    tables.append(pajson.read_json(f))
                except pa.ArrowInvalid:
                    pass  # a nested document: our parser reads it, the floor does not
        for i, tab in enumerate(tables):  # one Delta write per file shape (sources mix files of several tables)
            write_deltalake(str(target / source.name / str(i)), tab, mode="overwrite")
    return time.perf_counter() - t


def marts_floor(work: Path) -> float:
    """DuckDB copying every bronze table into a file: the least a build of the marts from bronze must do."""
    os.environ.update(HASIRU_DATA_DIR=str(work), HASIRU_LAKE_URI=str(work / "lake"))
    import duckdb

    from lake import delta_io
    from lake.catalog import all_tables

    t = time.perf_counter()
    con = duckdb.connect(str(work / "floor.duckdb"))
    for spec in all_tables():
        if spec.name.startswith("bronze.") and delta_io.exists(spec):
            con.register("src", delta_io._open(spec).to_pyarrow_dataset())
            con.execute(f'create or replace table "{spec.short_name}" as select * from src')
            con.unregister("src")
    con.close()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--farmers", type=int, default=200_000)
    ap.add_argument("--price-history-years", type=int, default=3)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hasiru-day-"))
    try:
        print(f"# One day of {args.farmers:,} farmers, embedded engine, {os.cpu_count()} cores, "
              f"{args.price_history_years} years of prices\n")
        lines, wall, peak = run_day(args.farmers, args.price_history_years, work)
        stages = stage_times(lines, wall)
        ing_floor = ingestion_floor(work / "landing", work / "floor_lake")
        dbt_floor = marts_floor(work)
        floors = {"bronze ingestion": ("pyarrow parse + write_deltalake", ing_floor),
                  "dbt build": ("DuckDB copies bronze", dbt_floor)}
        print(f"{'stage':30} {'seconds':>8}  {'floor':32} {'floor s':>8} {'ratio floor/ours':>17}")
        for name, secs in stages.items():
            floor_name, floor_s = floors.get(name, ("", None))
            tail = f"{floor_name:32} {floor_s:8.1f} {floor_s / secs:17.2f}" if floor_s else ""
            print(f"{name:30} {secs:8.1f}  {tail}")
        print(f"\ntotal wall {wall:.0f} s (goal <= 150 s); peak memory of the process tree {peak / 2**30:.2f} GB (goal < 4 GB)")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    sys.stdout.flush()
    os._exit(0)  # delta-rs can abort at interpreter exit (docs/architecture.md)


if __name__ == "__main__":
    main()
