"""Settings from the environment, in one place.

Every path the platform touches derives from these, so a test (or production) moves the whole
platform by setting a few variables instead of patching code.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
IST_TZ = "Asia/Kolkata"  # for Dagster schedules and partitions
IST = dt.timezone(dt.timedelta(hours=5, minutes=30), "IST")  # India has one offset and no daylight saving


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    lake_uri: str
    landing_dir: Path  # the landing zone; with an s3:// landing, a local staging folder for the simulator
    landing_uri: str  # the landing zone: that folder, or s3://bucket/prefix (uploaded and listed with MinIO's client)
    dagster_home: Path
    warehouse_path: Path  # DuckDB file dbt builds in: a derived copy, rebuilt from the lake
    serving_dir: Path  # read-only DuckDB files published for dashboards and the API

    @property
    def lake_is_local(self) -> bool:
        return "://" not in self.lake_uri or self.lake_uri.startswith("file://")


def _local_path(var: str, value: str) -> Path:
    if "://" in value and not value.startswith("file://"):
        raise ConfigError(f"{var}={value!r}: only a local folder is supported for this setting")
    return Path(value.removeprefix("file://")).expanduser().resolve()


def settings() -> Settings:
    """Read the settings now (not at import), so tests can change the environment."""
    data_dir = _local_path("HASIRU_DATA_DIR", os.environ.get("HASIRU_DATA_DIR", str(REPO_ROOT / "data")))
    lake_uri = os.environ.get("HASIRU_LAKE_URI", str(data_dir / "lake"))
    if not lake_uri.strip():
        raise ConfigError("HASIRU_LAKE_URI is set but empty")
    if "://" in lake_uri and not lake_uri.startswith(("s3://", "s3a://", "file://")):
        raise ConfigError(f"HASIRU_LAKE_URI={lake_uri!r}: use a local folder or s3://bucket/prefix")
    if "://" not in lake_uri:
        lake_uri = str(Path(lake_uri).expanduser().resolve())
    landing_raw = os.environ.get("HASIRU_LANDING_DIR", str(data_dir / "landing"))
    if landing_raw.startswith("s3://"):
        landing, landing_uri = data_dir / "landing_staging", landing_raw.rstrip("/")
    else:
        landing = _local_path("HASIRU_LANDING_DIR", landing_raw)
        landing_uri = str(landing)
    dagster_home = _local_path("DAGSTER_HOME", os.environ.get("DAGSTER_HOME", str(data_dir / "dagster_home")))
    warehouse = _local_path("HASIRU_WAREHOUSE_PATH",
                            os.environ.get("HASIRU_WAREHOUSE_PATH", str(data_dir / "warehouse" / "hasiru.duckdb")))
    serving = _local_path("HASIRU_SERVING_DIR", os.environ.get("HASIRU_SERVING_DIR", str(data_dir / "serving")))
    return Settings(data_dir=data_dir, lake_uri=lake_uri.rstrip("/"), landing_dir=landing, landing_uri=landing_uri,
                    dagster_home=dagster_home,
                    warehouse_path=warehouse, serving_dir=serving)


ENGINES = ("embedded", "spark")


def engine() -> str:
    """HASIRU_ENGINE: `embedded` (default: delta-rs, DuckDB, a process pool) or `spark` (spark_jobs/)."""
    value = os.environ.get("HASIRU_ENGINE", "embedded").strip().lower() or "embedded"
    if value not in ENGINES:
        raise ConfigError(f"HASIRU_ENGINE={value!r}: use one of {', '.join(ENGINES)}")
    return value


def storage_options() -> dict[str, str]:
    """delta-rs object-store options for an S3-compatible lake, from the usual AWS_* variables."""
    keys = {
        "AWS_ACCESS_KEY_ID": "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY": "AWS_SECRET_ACCESS_KEY",
        "AWS_REGION": "AWS_REGION",
        "AWS_ENDPOINT_URL": "AWS_ENDPOINT_URL",
        "AWS_ALLOW_HTTP": "AWS_ALLOW_HTTP",
    }
    opts = {dst: os.environ[src] for src, dst in keys.items() if os.environ.get(src)}
    if opts:
        # MinIO and most S3-compatible stores have no DynamoDB lock service; delta-rs needs this
        # to accept concurrent-unsafe S3 writes (Dagster's pool serialises writers per table).
        opts.setdefault("AWS_S3_ALLOW_UNSAFE_RENAME", "true")
    return opts
