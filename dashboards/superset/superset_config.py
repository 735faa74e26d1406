"""Superset configuration for Hasiru Mitra (loaded through SUPERSET_CONFIG_PATH by `hasiru superset`).

Metadata in SQLite under the data folder; the only analytics database is the published serving file
(hasiru_serving.duckdb), read-only and with DuckDB's external access off, so SQL Lab cannot read server
files (read_csv('/etc/passwd') fails) or attach other databases. Analysts get the non-admin
`Analyst` role (created by the provisioner) with access to that database only.
"""

import os
from pathlib import Path

DATA = Path(os.environ["HASIRU_SUPERSET_HOME"])

SECRET_KEY = (DATA / "secret_key").read_text().strip()
SQLALCHEMY_DATABASE_URI = f"sqlite:///{DATA / 'superset.db'}?check_same_thread=false"
SCARF_ANALYTICS = False  # no telemetry pixel
PREVENT_UNSAFE_DB_CONNECTIONS = True  # no SQLite/file databases can be added through the UI or API
TALISMAN_ENABLED = False  # served on loopback behind the platform's proxy
CONTENT_SECURITY_POLICY_WARNING = False
WTF_CSRF_ENABLED = True
FEATURE_FLAGS = {"DASHBOARD_RBAC": True}
SQLLAB_CTAS_NO_LIMIT = False
ROW_LIMIT = 50_000
SUPERSET_WEBSERVER_TIMEOUT = 120
CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 300}
DATA_CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 300}
LOG_LEVEL = "WARNING"
