"""Superset for analysts, started for real from its own virtualenv on a small world's serving database:
every chart of every dashboard returns rows through the REST API, each dashboard renders in headless
Chromium without a chart error, SQL Lab cannot read server files, analysts are not admins, and
re-provisioning changes nothing."""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.servers import chromium_driver, foreign_fetches, free_port, screenshot

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def superset():
    if not (ROOT / ".venv-superset" / "bin" / "superset").exists():
        pytest.skip("Superset's virtualenv is missing: bash scripts/setup.sh makes it")
    data = Path(tempfile.mkdtemp(prefix="hasiru-superset-"))
    saved = dict(os.environ)
    for derived in ("HASIRU_WAREHOUSE_PATH", "HASIRU_SERVING_DIR"):  # under this data dir, not an earlier test's
        os.environ.pop(derived, None)
    os.environ.update(HASIRU_DATA_DIR=str(data), HASIRU_LAKE_URI=str(data / "lake"), HASIRU_LANDING_DIR=str(data / "landing"),
                      DAGSTER_HOME=str(data / "dagster_home"), HASIRU_SUPERSET_LOGIN_RATE="20 per minute")
    from dashboards.superset import provision as sp

    done = subprocess.run([sys.executable, "-m", "hasiru", "run", "--farmers", "1000", "--days", "3", "--start-date", "2026-11-20",
                           "--price-history-years", "1"],
                          env=dict(os.environ), capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    commands = []  # every command line the provisioner runs: none may carry a password
    real_run, real_popen = sp.subprocess.run, sp.subprocess.Popen
    sp.subprocess.run = lambda args, *a, **k: commands.append(list(args)) or real_run(args, *a, **k)
    sp.subprocess.Popen = lambda args, *a, **k: commands.append(list(args)) or real_popen(args, *a, **k)
    sp.first_start()
    port = free_port()
    proc = sp.start(port)
    url = f"http://127.0.0.1:{port}"
    try:
        sp.wait_healthy(url, proc)
        ids = sp.provision(url)
        sp.subprocess.run, sp.subprocess.Popen = real_run, real_popen
        yield url, ids, sp, commands
    finally:
        sp.subprocess.run, sp.subprocess.Popen = real_run, real_popen
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
        os.environ.clear()
        os.environ.update(saved)
        shutil.rmtree(data, ignore_errors=True)


def test_every_chart_of_every_dashboard_returns_rows(superset):
    url, ids, sp, _ = superset
    from dashboards.superset import assets

    api = sp.Api(url, "admin", sp.password("admin"))
    assert set(ids["dashboards"]) == set(assets.DASHBOARDS)
    for slug, dash_id in ids["dashboards"].items():
        charts = api.get(f"/api/v1/dashboard/{dash_id}/charts")["result"]
        assert {c["slice_name"] for c in charts} == set(assets.DASHBOARDS[slug]["charts"])
        for c in charts:
            body = api.get(f"/api/v1/chart/{c['id']}/data/")
            assert body["result"][0]["rowcount"] > 0, (slug, c["slice_name"])


def test_reprovisioning_is_idempotent(superset):
    url, ids, sp, _ = superset
    again = sp.provision(url)
    assert again["charts"] == ids["charts"] and again["dashboards"] == ids["dashboards"]


def test_sql_lab_cannot_read_server_files_and_analysts_are_not_admins(superset):
    url, _, sp, _ = superset
    admin = sp.Api(url, "admin", sp.password("admin"))
    dbs = admin.all("database")
    assert [d["database_name"] for d in dbs] == ["Hasiru serving"]
    for sql in ("select * from read_csv('/etc/passwd')", "attach '/tmp/other.duckdb' as other", "select * from read_text('/etc/hostname')"):
        resp = admin.client.post("/api/v1/sqllab/execute/", json={"database_id": dbs[0]["id"], "sql": sql, "runAsync": False})
        assert resp.status_code >= 400 and "file system operations are disabled" in resp.text, sql
    ok = admin.client.post("/api/v1/sqllab/execute/", json={"database_id": dbs[0]["id"], "sql": "select count(*) as n from dim_farmer",
                                                            "runAsync": False})
    assert ok.json()["data"] == [{"n": 1000}]
    from dashboards.superset import assets

    analyst = sp.Api(url, "analyst", sp.password("analyst"))
    assert len(analyst.all("dashboard")) == len(assets.DASHBOARDS) == 5
    assert analyst.client.post("/api/v1/database/", json={"database_name": "x", "sqlalchemy_uri": "duckdb:////tmp/x.duckdb"}).status_code == 403
    assert analyst.client.get("/api/v1/security/roles/").status_code in (403, 404)


def test_each_dashboard_renders_in_headless_chromium_without_chart_errors(superset, tmp_path):
    url, ids, sp, _ = superset
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver = chromium_driver(1600, 1200)
    try:
        wait = WebDriverWait(driver, 90)
        driver.get(f"{url}/login/")
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "input[name='username'], #username")))
        driver.find_element(By.CSS_SELECTOR, "input[name='username'], #username").send_keys("analyst")
        driver.find_element(By.CSS_SELECTOR, "input[name='password'], #password").send_keys(sp.password("analyst"))
        driver.find_element(By.CSS_SELECTOR, "button[type='submit'], input[type='submit']").click()
        from selenium.common.exceptions import TimeoutException

        try:
            wait.until(lambda d: "/login" not in d.current_url)
        except TimeoutException:  # say why (a flash message, a 429, a server error), not just "timeout"
            log = (sp.home() / "superset.log").read_text(errors="replace")[-3000:]
            raise AssertionError(f"still on {driver.current_url} after signing in: "
                                 f"{driver.find_element(By.TAG_NAME, 'body').text[:500]!r}\nsuperset.log: {log}") from None
        for slug in ids["dashboards"]:
            driver.get(f"{url}/superset/dashboard/{slug}/")
            wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "[data-test='dashboard-grid'], .grid-container")))
            deadline = time.monotonic() + 60  # charts load asynchronously: wait for all to leave their loading state
            while time.monotonic() < deadline and driver.find_elements(By.CSS_SELECTOR, "[data-test='loading-indicator'], .loading"):
                time.sleep(0.5)
            time.sleep(2)  # ECharts draws its lines left to right (about a second) after loading
            screenshot(driver, f"superset-{slug}")
            errors = driver.find_elements(By.CSS_SELECTOR, "[data-test='error-alert'], .alert-danger, [role='alert'].ant-alert-error")
            assert not errors, (slug, [e.text for e in errors])
            body = driver.find_element(By.TAG_NAME, "body").text
            assert "Unexpected error" not in body and "Error:" not in body, slug
            # what an analyst reads is formatted: no float's full precision, no series id, no midnight time
            assert not re.findall(r"\d+\.\d{4,}", body), (slug, re.findall(r".{30}\d+\.\d{4,}.{10}", body)[:3])
            assert not re.findall(r"\b\d+\|[a-z_]+", body), (slug, re.findall(r"\b\d+\|[a-z_]+", body)[:3])
            assert "00:00:00" not in body, slug
            # nothing is fetched from another host: Superset 6.1's frontend still asks for its telemetry pixel
            # (apachesuperset.gateway.scarf.sh) despite SCARF_ANALYTICS = False; the browser blocks it (CSP)
            assert not foreign_fetches(driver, url), slug
    finally:
        driver.quit()


def test_the_committed_bundle_is_what_the_spec_generates(superset):
    from dashboards.superset import assets
    from serving.publish import serving_path

    import duckdb

    with duckdb.connect(str(serving_path()), read_only=True) as con:
        columns = {ds: [(r[0], r[1]) for r in con.sql(f'describe "{ds}"').fetchall()] for ds in {c["dataset"] for c in assets.CHARTS.values()}}
    for rel, doc in assets.bundle_files(columns).items():
        assert (assets.BUNDLE / rel).read_text(encoding="utf-8") == assets.dump(doc), rel


def test_superset_keeps_its_secrets(superset):
    url, _, sp, commands = superset
    passwords = [sp.password("admin"), sp.password("analyst")]
    assert commands and not [c for c in commands for p in passwords if any(p in a for a in c)]
    home = sp.home()
    assert home.stat().st_mode & 0o077 == 0
    for name in ("superset.db", "secret_key", "admin_password", "analyst_password", "superset.log"):
        assert (home / name).stat().st_mode & 0o077 == 0, name
    import httpx

    page = httpx.get(f"{url}/login/", timeout=30)
    csp = page.headers["content-security-policy"]
    img = next(d for d in csp.split(";") if d.strip().startswith("img-src"))
    assert "scarf" not in csp and img.split()[1:] == ["'self'", "blob:", "data:"]


def test_superset_locks_an_account_after_wrong_passwords_and_throttles_an_address(superset):
    url, _, sp, _ = superset
    import httpx

    def login(user, password):
        return httpx.post(f"{url}/api/v1/security/login", json={"username": user, "password": password, "provider": "db",
                                                               "refresh": False}, timeout=30).status_code
    right = sp.password("analyst")
    assert [login("analyst", "wrong password!") for _ in range(5)] == [401] * 5
    assert login("analyst", right) == 401  # locked: the right password does not open it within the window
    assert login("admin", sp.password("admin")) == 200  # another account is not locked by analyst's failures
    codes = [login("nobody", "x" * 12) for _ in range(45)]  # 20 a minute per address and worker (the test's setting)
    assert 429 in codes and codes.index(429) <= 2 * 20
