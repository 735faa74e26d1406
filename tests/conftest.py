"""Shared fixtures. Tests read only this repository: real data slices live in tests/fixtures/real (see SOURCE.txt)."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REAL = FIXTURES / "real"
_exit_status = 0


@pytest.fixture
def lake_env(tmp_path, monkeypatch) -> Path:
    """A private data dir (landing, lake, DAGSTER_HOME) for one test."""
    monkeypatch.setenv("HASIRU_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HASIRU_LAKE_URI", str(tmp_path / "lake"))
    monkeypatch.setenv("HASIRU_LANDING_DIR", str(tmp_path / "landing"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    for derived in ("HASIRU_WAREHOUSE_PATH", "HASIRU_SERVING_DIR"):  # under the data dir, not a module world's
        # set, then removed: monkeypatch records the variable, so anything code under test writes into os.environ
        # later is undone too, not left to the next test
        monkeypatch.setenv(derived, "")
        monkeypatch.delenv(derived)
    (tmp_path / "dagster_home").mkdir()
    return tmp_path


def world_env(root: Path) -> pytest.MonkeyPatch:
    """Every setting pointed into `root`, for a module-scoped world (call .undo() when done)."""
    mp = pytest.MonkeyPatch()
    for var, sub in (("HASIRU_DATA_DIR", ""), ("HASIRU_LAKE_URI", "lake"), ("HASIRU_LANDING_DIR", "landing"),
                     ("DAGSTER_HOME", "dagster_home"), ("HASIRU_WAREHOUSE_PATH", "warehouse/w.duckdb"),
                     ("HASIRU_SERVING_DIR", "serving")):
        mp.setenv(var, str(root / sub))
    return mp


def land(root: Path, source: str, day: dt.date | str, name: str, data: bytes) -> str:
    """Put a file in the landing zone; returns its landing-relative path."""
    path = root / "landing" / source / str(day) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return f"{source}/{day}/{name}"


@pytest.fixture
def now() -> dt.datetime:
    return dt.datetime(2026, 11, 26, 6, 0, tzinfo=dt.timezone.utc)


def pytest_sessionfinish(session, exitstatus):
    global _exit_status
    _exit_status = int(exitstatus)


def pytest_unconfigure(config):
    # delta-rs may abort the interpreter at exit after every test passed (delta-rs issue 2184):
    # leave with pytest's own status before that can happen.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_exit_status)


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    """One local Spark session for the whole test run (5-10 s to start); Delta's jars come from set-up."""
    from spark_jobs import session

    root = tmp_path_factory.mktemp("spark")
    mp = pytest.MonkeyPatch()
    mp.setenv("HASIRU_DATA_DIR", str(root))
    mp.setenv("HASIRU_SPARK_MASTER", "local[2]")
    mp.setenv("HASIRU_SPARK_DRIVER_MEMORY", "2g")
    try:
        yield session.get_spark()  # JarsMissing names the set-up step when the jars are not there
    finally:
        mp.undo()
        session.stop()
