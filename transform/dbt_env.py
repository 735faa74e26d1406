"""dbt's environment, from the platform's settings: one place that says where dbt reads and writes."""

from __future__ import annotations

import os
from pathlib import Path

from hasiru.config import REPO_ROOT, settings

DBT_PROJECT_DIR = REPO_ROOT / "dbt"


def dbt_env() -> dict[str, str]:
    s = settings()
    s.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "HASIRU_LAKE_URI": s.lake_uri,
        "HASIRU_WAREHOUSE_PATH": str(s.warehouse_path),
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def apply_dbt_env() -> None:
    """Set dbt's variables in this process (dbt and dagster-dbt read the process environment)."""
    os.environ.update(dbt_env())


def manifest_path() -> Path:
    return DBT_PROJECT_DIR / "target" / "manifest.json"
