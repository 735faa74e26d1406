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


# Every HASIRU_* setting the platform reads, with its default (None: unset unless given; a default that
# depends on other settings is computed where it is used) and what it is for. Code reads them through
# env()/env_int() only (tests/test_project.py checks), and README.md's settings tables name each one.
VARIABLES: dict[str, tuple[str | None, str]] = {
    # paths (settings() below)
    "HASIRU_DATA_DIR": (None, "parent of the default paths (./data)"),
    "HASIRU_LAKE_URI": (None, "Delta lake root: a folder or s3://bucket/prefix (<data>/lake)"),
    "HASIRU_LANDING_DIR": (None, "landing zone: a folder or s3://bucket/prefix (<data>/landing)"),
    "HASIRU_WAREHOUSE_PATH": (None, "DuckDB file dbt builds in (<data>/warehouse/hasiru.duckdb)"),
    "HASIRU_SERVING_DIR": (None, "where the serving files are published (<data>/serving)"),
    "HASIRU_ENGINE": ("embedded", "embedded or spark"),
    "HASIRU_VACUUM_RETENTION_HOURS": ("168", "weekly maintenance keeps files this many hours"),
    # secrets
    "HASIRU_SECRETS_DIR": (None, "where the generated pseudonym salt is kept (~/.config/hasiru)"),
    "HASIRU_PSEUDONYM_SALT": (None, "the pseudonym salt, instead of the generated one"),
    "HASIRU_API_SECRET": (None, "signing key of the API's tokens"),
    "HASIRU_API_PREVIOUS_SECRET": (None, "the key before a rotation"),
    # serving
    "HASIRU_API_RATE_PER_TOKEN": ("600", "API requests a minute per token"),
    "HASIRU_API_RATE_PER_ADDRESS": ("1200", "API requests a minute per client address"),
    "HASIRU_FPO_APP_METRICS_TOKEN": (None, "bearer token for the FPO app's /_stcore/metrics"),
    "HASIRU_SUPERSET_ADMIN_PASSWORD": (None, "Superset's admin password at provisioning (else generated)"),
    # Spark
    "HASIRU_SPARK_MASTER": ("local[*]", "Spark master"),
    "HASIRU_SPARK_REMOTE": (None, "Spark Connect URL (sc://host:15002)"),
    "HASIRU_SPARK_CONF": ("", "extra Spark settings, key=value,key=value"),
    "HASIRU_SPARK_DRIVER_MEMORY": ("4g", "driver memory"),
    "HASIRU_SPARK_SHUFFLE_PARTITIONS": (None, "shuffle partitions (4 x cores locally, 200 on a cluster)"),
    "HASIRU_SPARK_EXTRA_JARS": ("", "extra jars, comma-separated"),
    "HASIRU_SPARK_UI": ("false", "the Spark UI of sessions the platform starts"),
    "HASIRU_SPARK_LOG_LEVEL": ("ERROR", "Spark's log level"),
    "HASIRU_SPARK_JARS_DIR": (None, "where set-up puts Delta's jars (.venv/share/hasiru/spark-jars)"),
    "HASIRU_MAVEN_URL": (None, "where set-up fetches Spark's jars (Maven Central)"),
    "HASIRU_API_DOCS_DIR": (None, "where set-up puts Swagger UI and ReDoc for the API's /docs (.venv/share/hasiru/api-docs)"),
    "HASIRU_NPM_URL": (None, "where set-up fetches Swagger UI and ReDoc (the npm registry)"),
    # connectors (README, "Connectors")
    "HASIRU_INFLUX_URL": (None, "InfluxDB's HTTP API"),
    "HASIRU_INFLUX_API": ("v1", "v1 (InfluxQL, InfluxDB 1.x) or v2 (Flux with a token, InfluxDB 2.x/Cloud)"),
    "HASIRU_NATIVE": ("1", "0: parse sensor files with the Python path instead of the compiled tokenizer (native/)"),
    "HASIRU_INFLUX_TOKEN": (None, "InfluxDB 2.x API token (v2)"),
    "HASIRU_INFLUX_ORG": (None, "InfluxDB 2.x organisation (v2)"),
    "HASIRU_INFLUX_BUCKET": (None, "InfluxDB 2.x bucket (v2)"),
    "HASIRU_INFLUX_DB": ("sensors", "InfluxDB database"),
    "HASIRU_INFLUX_MEASUREMENTS": ("soil", "measurements to pull, comma-separated"),
    "HASIRU_INFLUX_USER": (None, "InfluxDB user"),
    "HASIRU_INFLUX_PASSWORD": (None, "InfluxDB password"),
    "HASIRU_INFLUX_LOOKBACK_MINUTES": ("120", "minutes re-pulled for late points"),
    "HASIRU_APP_DB_DSN": (None, "the app's PostgreSQL (a read-only role)"),
    "HASIRU_APP_DB_LOOKBACK_MINUTES": ("15", "minutes re-read for late commits"),
    "HASIRU_DATAGOVIN_API_KEY": (None, "data.gov.in API key"),
    "HASIRU_DATAGOVIN_URL": ("https://api.data.gov.in", "data.gov.in API"),
    "HASIRU_WEATHER_PRIMARY_URL": (None, "primary weather provider (OpenWeatherMap-style)"),
    "HASIRU_WEATHER_PRIMARY_KEY": ("", "its API key"),
    "HASIRU_WEATHER_PRIMARY_NAME": (None, "its name in the data (primary)"),
    "HASIRU_WEATHER_BACKUP_URL": (None, "backup weather provider"),
    "HASIRU_WEATHER_BACKUP_KEY": ("", "its API key"),
    "HASIRU_WEATHER_BACKUP_NAME": (None, "its name in the data (backup)"),
    "HASIRU_IMD_URL": (None, "IMD's district forecast API, the last fallback"),
    # SMS (README, "SMS"; sms/gateway.py reads them from the environment it is given)
    "HASIRU_SMS_GATEWAY": (None, "http or twilio"),
    "HASIRU_SMS_GATEWAY_URL": (None, "the bulk-SMS JSON API"),
    "HASIRU_SMS_API_KEY": (None, "its API key"),
    "HASIRU_SMS_SENDER_ID": (None, "the DLT-registered sender id"),
    "HASIRU_DLT_ENTITY_ID": (None, "the DLT principal entity id"),
    # read by Superset's own process (dashboards/superset/superset_config.py)
    "HASIRU_SUPERSET_LOGIN_RATE": ("10 per minute", "Superset sign-in attempts per address"),
}
# Set by the platform for the processes it starts, never by hand: dbt's (transform/dbt_env.py, transform/serving_build.py) and Superset's.
CHILD_VARIABLES = ("HASIRU_DBT_TARGET", "HASIRU_SPARK_LAKE_URI", "HASIRU_SUPERSET_HOME", "HASIRU_SERVING_BUILD_PATH")


def env(name: str, default: str | None = None) -> str | None:
    """A declared setting: its value, else `default` (a default computed by the caller), else the declared
    default. An empty value counts as unset."""
    if name not in VARIABLES:
        raise ConfigError(f"{name} is not a declared setting (hasiru/config.py VARIABLES)")
    value = os.environ.get(name)
    if value is None or value == "":
        return default if default is not None else VARIABLES[name][0]
    return value


def env_int(name: str, default: int | None = None, minimum: int | None = None) -> int:
    raw = env(name, None if default is None else str(default))
    try:
        value = int(str(raw))
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: a whole number") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={raw!r}: at least {minimum}")
    return value


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
    data_dir = _local_path("HASIRU_DATA_DIR", env("HASIRU_DATA_DIR", str(REPO_ROOT / "data")))
    lake_uri = os.environ.get("HASIRU_LAKE_URI", str(data_dir / "lake"))  # set but empty is an error, below
    if not lake_uri.strip():
        raise ConfigError("HASIRU_LAKE_URI is set but empty")
    if "://" in lake_uri and not lake_uri.startswith(("s3://", "s3a://", "file://")):
        raise ConfigError(f"HASIRU_LAKE_URI={lake_uri!r}: use a local folder or s3://bucket/prefix")
    if "://" not in lake_uri:
        lake_uri = str(Path(lake_uri).expanduser().resolve())
    landing_raw = env("HASIRU_LANDING_DIR", str(data_dir / "landing"))
    if landing_raw.startswith("s3://"):
        landing, landing_uri = data_dir / "landing_staging", landing_raw.rstrip("/")
    else:
        landing = _local_path("HASIRU_LANDING_DIR", landing_raw)
        landing_uri = str(landing)
    dagster_home = _local_path("DAGSTER_HOME", os.environ.get("DAGSTER_HOME", str(data_dir / "dagster_home")))
    warehouse = _local_path("HASIRU_WAREHOUSE_PATH",
                            env("HASIRU_WAREHOUSE_PATH", str(data_dir / "warehouse" / "hasiru.duckdb")))
    serving = _local_path("HASIRU_SERVING_DIR", env("HASIRU_SERVING_DIR", str(data_dir / "serving")))
    return Settings(data_dir=data_dir, lake_uri=lake_uri.rstrip("/"), landing_dir=landing, landing_uri=landing_uri,
                    dagster_home=dagster_home,
                    warehouse_path=warehouse, serving_dir=serving)


ENGINES = ("embedded", "spark")


def engine() -> str:
    """HASIRU_ENGINE: `embedded` (default: delta-rs, DuckDB, a process pool) or `spark` (spark_jobs/)."""
    value = env("HASIRU_ENGINE").strip().lower() or "embedded"
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
