"""The Dagster instance the platform runs in: run history under DAGSTER_HOME, prepared on first use."""

import os
from pathlib import Path

from hasiru.config import settings


def prepare_dagster_home() -> Path:
    """Create DAGSTER_HOME with its dagster.yaml if missing, and point this process at it."""
    home = settings().dagster_home
    home.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(home)
    cfg = home / "dagster.yaml"
    if not cfg.exists():
        cfg.write_text(DAGSTER_YAML)
    return home


# One ingestion step at a time per pool: loads share ops.load_log, and object stores without a
# commit lock (MinIO, S3 with AWS_S3_ALLOW_UNSAFE_RENAME) must not see two writers at once.
DAGSTER_YAML = """\
telemetry:
  enabled: false
concurrency:
  pools:
    default_limit: 1
# runs launched by the daemon (schedules, sensors, the UI): one whose worker process died is failed, and
# pool slots it held are freed (runs of `hasiru run` carry their pid: hasiru/recovery.py clears those)
run_monitoring:
  enabled: true
  start_timeout_seconds: 180
  poll_interval_seconds: 60
  free_slots_after_run_end_seconds: 300
"""
