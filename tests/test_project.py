"""The repository's promises to a new user: the README's commands, CI, and the Dagster workspace."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    block = re.search(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.S).group(1)
    return [ln.split("#")[0].strip() for ln in block.strip().splitlines()]


def test_readme_starts_with_two_commands_and_ci_runs_exactly_the_test_one():
    run, test = readme_commands()
    ci = [ln.strip() for ln in (ROOT / ".ci" / "run").read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    assert ci[-1] in (test, f"exec {test}")
    # each sets up first (set-up skips itself when nothing changed), then does its one thing
    def steps(script: str) -> list[str]:
        lines = (ROOT / script.split()[-1]).read_text().splitlines()
        return [ln.split()[1] for ln in lines if ln.startswith(("bash ", "exec "))]  # the script or program run

    assert steps(run) == ["scripts/setup.sh", ".venv/bin/hasiru"]
    assert steps(test) == ["scripts/setup.sh", "scripts/test-servers.sh", ".venv/bin/pytest"]


def test_lock_file_pins_every_direct_dependency():
    lock = (ROOT / "requirements.lock").read_text()
    for dep in ("dagster==1.13.27", "deltalake==", "duckdb==", "pyarrow==", "pytest=="):
        assert re.search(rf"^{re.escape(dep)}", lock, re.M), dep


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_dagster_dev_serves_the_whole_graph_from_workspace_yaml(lake_env):
    port = _free_port()
    log = open(lake_env / "ui.log", "w+")
    proc = subprocess.Popen([sys.executable, "-m", "hasiru", "ui", "--port", str(port)], cwd="/",
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        query = json.dumps({"query": "{ assetNodes { assetKey { path } } }"}).encode()
        deadline = time.monotonic() + 180
        keys = None
        while time.monotonic() < deadline and keys is None:
            try:
                req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=query,
                                             headers={"Content-Type": "application/json"})
                body = json.loads(urllib.request.urlopen(req, timeout=5).read())
                nodes = body.get("data", {}).get("assetNodes") or []
                keys = {"/".join(n["assetKey"]["path"]) for n in nodes} or None
            except (OSError, ValueError):
                time.sleep(1)
        assert keys is not None, "dagster dev did not serve the graph within 180 s"
        assert {"bronze/sensor_readings", "bronze/mandi_prices", "bronze/quarantine_app"} <= keys
        assert (lake_env / "dagster_home" / "dagster.yaml").exists()
        # and as a person sees it: the asset catalogue and the lineage graph in headless Chromium
        from selenium.webdriver.support.ui import WebDriverWait

        from tests.servers import chromium_driver, foreign_fetches, screenshot

        driver = chromium_driver(1600, 1000)
        try:
            wait = WebDriverWait(driver, 90)
            origin = f"http://127.0.0.1:{port}"
            driver.get(f"{origin}/assets")
            wait.until(lambda d: "bronze / app_advisory_feedback" in d.find_element("tag name", "body").text)
            driver.get(f"{origin}/asset-groups")
            wait.until(lambda d: "Global asset lineage" in d.find_element("tag name", "body").text)
            time.sleep(3)  # the graph lays itself out; Dagster's community pop-up may open over it
            for skip in driver.find_elements("xpath", "//button[normalize-space()='Skip']"):
                skip.click()
            body = driver.find_element("tag name", "body").text
            assert all(g in body for g in ("bronze", "silver", "gold", "ml", "serving", "delivery")), body[:500]
            screenshot(driver, "dagster-lineage")
            driver.get(f"{origin}/assets")
            wait.until(lambda d: "bronze / app_advisory_feedback" in d.find_element("tag name", "body").text)
            screenshot(driver, "dagster-assets")
            assert not foreign_fetches(driver, origin)
        finally:
            driver.quit()
        # a user's terminal shows no warning they cannot act on (dagster dev's "use dg dev", Dagster's BetaWarning)
        log.flush()
        said = (lake_env / "ui.log").read_text()
        assert "Serving dagster-webserver" in said and "Warning" not in said, said[-2000:]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_the_pseudonym_salt_is_generated_private_and_never_a_known_value(tmp_path, monkeypatch):
    from hasiru.config import ConfigError
    from hasiru import secrets

    monkeypatch.delenv("HASIRU_PSEUDONYM_SALT", raising=False)
    monkeypatch.setenv("HASIRU_SECRETS_DIR", str(tmp_path / "s"))
    salt = secrets.pseudonym_salt()
    path = tmp_path / "s" / "pseudonym_salt"
    assert len(salt) == 64 and path.stat().st_mode & 0o777 == 0o600
    assert secrets.pseudonym_salt() == salt  # stable: the same keys on every run
    path.chmod(0o644)
    with pytest.raises(ConfigError, match="readable by others"):
        secrets.pseudonym_salt()
    for weak in ("demo-only-salt", "short"):
        monkeypatch.setenv("HASIRU_PSEUDONYM_SALT", weak)
        with pytest.raises(ConfigError, match="at least 32 characters"):
            secrets.pseudonym_salt()


def test_production_code_does_not_need_the_simulator():
    """A deployment without the demo world: master data comes from hasiru/reference.py, never from simulator/."""
    import ast

    root = Path(__file__).resolve().parents[1]
    offenders = []
    for package in ("ingestion", "lake", "transform", "ml", "sms", "serving", "quality", "dashboards", "spark_jobs",
                    "dagster_project", "hasiru"):
        for path in (root / package).rglob("*.py"):
            if path.name.startswith("cli"):  # `hasiru simulate` and `hasiru run` drive the demo world on purpose
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                         [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                offenders += [f"{path.relative_to(root)}: {n}" for n in names if n.split(".")[0] == "simulator"]
    assert not offenders, offenders


def test_the_code_passes_the_linter():
    """ruff with the rules in pyproject.toml ([tool.ruff]): pyflakes, pycodestyle, bugbear."""
    ruff = Path(sys.executable).parent / "ruff"
    done = subprocess.run([str(ruff), "check", "--output-format", "concise", "."], cwd=Path(__file__).resolve().parents[1],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-1000:]


def test_every_setting_is_declared_once_read_through_config_and_documented():
    """Every HASIRU_* variable in the product is declared in hasiru/config.py (VARIABLES, or CHILD_VARIABLES for what
    the platform sets for dbt and Superset), is read through config.env()/env_int() and not os.environ, and is named
    in README.md."""
    import re

    from hasiru.config import CHILD_VARIABLES, VARIABLES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named, direct = set(), []
    for folder in ("dagster_project", "dbt", "spark_jobs", "ingestion", "ml", "dashboards", "lake", "hasiru", "serving",
                   "sms", "transform", "quality", "scripts", ".ci"):
        for path in (ROOT / folder).rglob("*"):
            if not path.is_file() or path.suffix not in (".py", ".sh", ".yml", ".sql", "") or "target" in path.parts:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            named |= set(re.findall(r"\bHASIRU_[A-Z0-9_]*[A-Z0-9]\b", text))
            if path.suffix == ".py" and path.name not in ("config.py", "superset_config.py"):
                direct += [f"{path.relative_to(ROOT)}: {m}" for m in re.findall(r"(?:environ\.get|getenv)\(\s*f?\"HASIRU_\w*", text)]
                direct += [f"{path.relative_to(ROOT)}: {m}" for m in re.findall(r"environ\[\"HASIRU_\w+\"\](?!\s*=)", text)]
    declared = set(VARIABLES) | set(CHILD_VARIABLES)
    assert len(named) > 30
    assert sorted(named - declared) == [], "declare them in hasiru/config.py VARIABLES"
    assert direct == [], "read settings through hasiru.config.env()"
    assert sorted(v for v in declared if v not in readme) == [], "document them in README.md"
