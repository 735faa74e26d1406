"""Superset configuration for Hasiru Mitra (loaded through SUPERSET_CONFIG_PATH by `hasiru superset`).

Metadata in SQLite under the data folder; the only analytics database is the published serving file
(hasiru_serving.duckdb), read-only and with DuckDB's external access off, so SQL Lab cannot read server
files (read_csv('/etc/passwd') fails) or attach other databases. Analysts get the non-admin
`Analyst` role (created by the provisioner) with access to that database only.
"""

import datetime as dt
import logging
import os
from pathlib import Path

from superset.security import SupersetSecurityManager

DATA = Path(os.environ["HASIRU_SUPERSET_HOME"])

SECRET_KEY = (DATA / "secret_key").read_text().strip()
SQLALCHEMY_DATABASE_URI = f"sqlite:///{DATA / 'superset.db'}?check_same_thread=false"
SCARF_ANALYTICS = False  # no telemetry pixel ...
PREVENT_UNSAFE_DB_CONNECTIONS = True  # no SQLite/file databases can be added through the UI or API
# ... and a content security policy so the frontend cannot fetch one anyway: images, scripts, styles,
# fonts and requests from Superset itself only (Superset's default policy allows the Scarf pixel's hosts)
TALISMAN_ENABLED = True
TALISMAN_CONFIG = {
    "content_security_policy": {
        "base-uri": ["'self'"], "default-src": ["'self'"], "img-src": ["'self'", "blob:", "data:"],
        "worker-src": ["'self'", "blob:"], "connect-src": ["'self'"], "object-src": "'none'",
        "style-src": ["'self'", "'unsafe-inline'"], "font-src": ["'self'"], "script-src": ["'self'", "'strict-dynamic'"],
    },
    "content_security_policy_nonce_in": ["script-src"],
    "force_https": False,  # served on loopback behind the platform's proxy, which terminates TLS
    "session_cookie_secure": False,
}
CONTENT_SECURITY_POLICY_WARNING = False
# Sign-in: per address, Flask-Limiter on the login form and the REST login (429 past the budget; counted
# per gunicorn worker: memory storage) ...
RATELIMIT_ENABLED = True
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_APPLICATION = "50 per second"
AUTH_RATE_LIMITED = True
AUTH_RATE_LIMIT = os.environ.get("HASIRU_SUPERSET_LOGIN_RATE", "10 per minute")


LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = dt.timedelta(minutes=15)


class HasiruSecurityManager(SupersetSecurityManager):
    """... and per user, in the metadata database so every gunicorn worker agrees: after 5 wrong
    passwords in a row the account is locked until 15 minutes have passed since the last one; until
    then not even the right password is checked. A success resets the count (Flask-AppBuilder's
    fail_login_count counts; we date the last failure in the user row's changed_on)."""

    def register_views(self):
        """Flask-AppBuilder limits only the login form's blueprint: limit the REST login the same way."""
        super().register_views()
        from flask_appbuilder.security.api import SecurityApi

        if self.is_auth_limited:
            for view in self.appbuilder.baseviews:
                if isinstance(view, SecurityApi):
                    self.limiter.limit(self.auth_rate_limit, methods=["POST"])(view.blueprint)

    def auth_user_db(self, username, password):
        user = self.find_user(username=username) if username else None
        if (user is not None and (user.fail_login_count or 0) >= LOCKOUT_FAILURES and user.changed_on
                and dt.datetime.now() - user.changed_on < LOCKOUT_WINDOW):
            logging.getLogger("hasiru.superset").warning("sign-in refused: %s is locked out", username)
            return None
        signed_in = super().auth_user_db(username, password)
        if signed_in is None and user is not None:
            user.changed_on = dt.datetime.now()
            self.update_user(user)
        return signed_in


CUSTOM_SECURITY_MANAGER = HasiruSecurityManager
WTF_CSRF_ENABLED = True
FEATURE_FLAGS = {"DASHBOARD_RBAC": True}
SQLLAB_CTAS_NO_LIMIT = False
ROW_LIMIT = 50_000
SUPERSET_WEBSERVER_TIMEOUT = 120
CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 300}
DATA_CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 300}
LOG_LEVEL = "WARNING"
