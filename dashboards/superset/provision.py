"""Superset as a service: first-start set-up, start, and dashboards-as-code import (`hasiru superset`).

Superset runs from its own virtualenv (.venv-superset, made by the set-up command) with
dashboards/superset/superset_config.py, its metadata in SQLite under <data>/superset. First start:
secret key, `superset db upgrade`, the admin account (password from HASIRU_SUPERSET_ADMIN_PASSWORD or
generated and kept in <data>/superset/admin_password, mode 600), `superset init`. Every start: the
bundle in dashboards/superset/bundle is imported over the REST API (idempotent: same uuids), each chart
gets its query context, and the non-admin `Analyst` role and the `analyst` user are (re)made with access
to the serving database only (dashboards/superset/accounts.py, run inside Superset's app).
"""

from __future__ import annotations

import io
import json
import os
import secrets
import subprocess
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import httpx

from dashboards.superset import assets
from hasiru import config
from hasiru.config import REPO_ROOT, settings
from serving.publish import serving_path

VENV = REPO_ROOT / ".venv-superset"
CONFIG = Path(__file__).with_name("superset_config.py")


class SupersetError(RuntimeError):
    pass


def home() -> Path:
    return settings().data_dir / "superset"


def env() -> dict[str, str]:
    return {**os.environ, "SUPERSET_CONFIG_PATH": str(CONFIG), "HASIRU_SUPERSET_HOME": str(home()), "FLASK_APP": "superset",
            "PYTHONPATH": str(CONFIG.parent)}


def _owner_only() -> None:
    os.umask(0o077)  # in Superset's processes: its metadata database and logs are made owner-only


def private(h: Path) -> None:
    """Superset's home and everything in it (metadata database with password hashes, secret key, logs,
    generated passwords) readable by its owner only."""
    h.chmod(0o700)
    for p in h.iterdir():
        p.chmod(0o700 if p.is_dir() else 0o600)


def _superset(*args: str, input_: str | None = None) -> None:
    exe = VENV / "bin" / "superset"
    if not exe.exists():
        raise SupersetError(f"{exe} not found: run `bash scripts/setup.sh` (it makes Superset's own virtualenv)")
    done = subprocess.run([str(exe), *args], env=env(), capture_output=True, text=True, input=input_, timeout=600,
                          preexec_fn=_owner_only)
    if done.returncode != 0:
        raise SupersetError(f"superset {' '.join(args[:2])} failed: {(done.stderr or done.stdout)[-2000:]}")


def _in_superset(script: str, *args: str, input_: str | None = None) -> str:
    """Run one of our scripts in Superset's virtualenv and app context; secrets go on standard input."""
    done = subprocess.run([str(VENV / "bin" / "python"), str(Path(__file__).with_name(script)), *args], env=env(),
                          capture_output=True, text=True, input=input_, timeout=300, preexec_fn=_owner_only)
    if done.returncode != 0:
        raise SupersetError(f"{script} {' '.join(args)} failed: {(done.stderr or done.stdout)[-2000:]}")
    return done.stdout


def password(name: str) -> str:
    path = home() / f"{name}_password"
    if name == "admin" and config.env("HASIRU_SUPERSET_ADMIN_PASSWORD"):
        return config.env("HASIRU_SUPERSET_ADMIN_PASSWORD")
    if not path.exists():
        path.write_text(secrets.token_urlsafe(18))
        path.chmod(0o600)
    return path.read_text().strip()


def first_start(progress: Callable[[str], None] = lambda _: None) -> None:
    """Metadata database, admin account and roles, once (about 35 s)."""
    h = home()
    h.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not (h / "secret_key").exists():
        (h / "secret_key").write_text(secrets.token_urlsafe(48))
        (h / "secret_key").chmod(0o600)
    if (h / "superset.db").exists() and (h / ".initialised").exists():
        return
    progress("superset: first start: metadata database, admin account, roles")
    _superset("db", "upgrade")
    _superset("init")
    # accounts with their passwords on standard input: never on a command line (`ps` shows those to everyone)
    _in_superset("accounts.py", "admin", input_=password("admin"))
    private(h)
    (h / ".initialised").write_text("ok")


def start(port: int, workers: int = 2) -> subprocess.Popen:
    private(home())
    log = os.fdopen(os.open(home() / "superset.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab")
    return subprocess.Popen([str(VENV / "bin" / "gunicorn"), "-w", str(workers), "-k", "gthread", "--threads", "4",
                             "--timeout", "120", "-b", f"127.0.0.1:{port}", "superset.app:create_app()"],
                            env=env(), stdout=log, stderr=log, start_new_session=True, preexec_fn=_owner_only)


def wait_healthy(url: str, proc: subprocess.Popen | None = None, timeout_s: float = 180) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise SupersetError(f"Superset exited ({proc.returncode}); see {home() / 'superset.log'}")
        try:
            if httpx.get(f"{url}/health", timeout=2).text.strip() == "OK":
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise SupersetError(f"Superset at {url} not healthy after {timeout_s:.0f} s; see {home() / 'superset.log'}")


class Api:
    """The REST API as a signed-in user (JWT plus the session's CSRF token)."""

    def __init__(self, url: str, username: str, password_: str):
        self.client = httpx.Client(base_url=url, timeout=120)
        resp = self.client.post("/api/v1/security/login", json={"username": username, "password": password_, "provider": "db",
                                                                 "refresh": False})
        if resp.status_code != 200:
            raise SupersetError(f"Superset login as {username} failed: HTTP {resp.status_code} {resp.text[:200]}")
        self.client.headers["Authorization"] = f"Bearer {resp.json()['access_token']}"
        self.client.headers["X-CSRFToken"] = self.client.get("/api/v1/security/csrf_token/").json()["result"]
        self.client.headers["Referer"] = url

    def get(self, path: str, **kw) -> dict:
        resp = self.client.get(path, **kw)
        if resp.status_code != 200:
            raise SupersetError(f"GET {path}: HTTP {resp.status_code} {resp.text[:300]}")
        return resp.json()

    def all(self, resource: str) -> list[dict]:
        return self.get(f"/api/v1/{resource}/", params={"q": "(page_size:100)"})["result"]


def bundle_zip(serving_file: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for path in sorted(assets.BUNDLE.rglob("*.yaml")):
            text = path.read_text(encoding="utf-8").replace(assets.SERVING_PATH_PLACEHOLDER, str(serving_file))
            z.writestr(f"hasiru_bundle/{path.relative_to(assets.BUNDLE).as_posix()}", text)
    return buf.getvalue()


def provision(url: str, progress: Callable[[str], None] = lambda _: None) -> dict:
    """Import the bundle, give every chart its query context, make the Analyst role; returns ids."""
    if not serving_path().exists():
        raise SupersetError(f"{serving_path()}: publish the serving database first (`hasiru run` or `hasiru publish`)")
    api = Api(url, "admin", password("admin"))
    resp = api.client.post("/api/v1/assets/import/", files={"bundle": ("hasiru_bundle.zip", bundle_zip(serving_path()), "application/zip")},
                           data={"passwords": json.dumps({"databases/Hasiru_serving.yaml": ""}), "overwrite": "true"})
    if resp.status_code != 200:
        raise SupersetError(f"bundle import failed: HTTP {resp.status_code} {resp.text[:1000]}")
    datasets = {d["table_name"]: d["id"] for d in api.all("dataset")}
    charts = {c["slice_name"]: c["id"] for c in api.all("chart")}
    for name, spec in assets.CHARTS.items():
        qc = assets.query_context(name, datasets[spec["dataset"]])
        resp = api.client.put(f"/api/v1/chart/{charts[name]}", json={"query_context": json.dumps(qc), "query_context_generation": True,
                                                                     "params": json.dumps(assets.form_data(name, datasets[spec["dataset"]]))})
        if resp.status_code != 200:
            raise SupersetError(f"chart {name!r}: query context not saved: HTTP {resp.status_code} {resp.text[:300]}")
    _in_superset("accounts.py", "analyst", input_=password("analyst"))
    dashboards = {d["slug"]: d["id"] for d in api.all("dashboard")}
    progress(f"superset: imported {len(datasets)} datasets, {len(charts)} charts, {len(dashboards)} dashboards; analyst role ready")
    return {"datasets": datasets, "charts": charts, "dashboards": dashboards}
