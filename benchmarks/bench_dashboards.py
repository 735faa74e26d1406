"""Dashboard benchmark (issue 8): the FPO app for an FPO of 5,000 members, and Superset's charts at
200,000 farmers.

    .venv/bin/python benchmarks/bench_dashboards.py [--farmers 200000] [--members 5000] [--skip-superset]

1. FPO app: builds the 200,000-farmer lake of benchmarks/bench_delivery.py with one FPO given
   `--members` members, publishes the API database, and times each page as Streamlit runs it (AppTest,
   signed in as that FPO's admin; median of 3) next to the floor of a page that writes one constant;
   then the overview loaded in headless Chromium from the real server (navigation to figures shown)
   next to a constant page served the same way.
2. Superset: runs `hasiru run --farmers 200000 --days 2` into a temporary data folder, starts and
   provisions Superset, and times each chart's data (`/api/v1/chart/{id}/data/?force=true`, median of
   3) next to the floor of the same SQL run directly in DuckDB on the serving file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def median_time(fn, n: int = 3) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def fpo_app(farmers: int, members: int) -> None:
    import pyarrow as pa
    from streamlit.testing.v1 import AppTest

    from bench_delivery import build_lake
    from dashboards.fpo_app import auth
    from lake import delta_io
    from lake.catalog import table as lake_table
    from lake.catalog import TableSpec
    from serving.publish import api_path, publish_api
    from sms import digest

    build_lake(farmers)
    spec = lake_table("silver.app__current_memberships")
    m = delta_io.read_arrow(spec)
    fpo = m["fpo_id"].to_pylist()
    big = sorted(set(fpo))[0]
    farmer_ids = m["farmer_id"].to_pylist()
    order = sorted(range(len(farmer_ids)), key=lambda i: farmer_ids[i])
    for i in order[:members]:
        fpo[i] = big
    m = m.set_column(m.column_names.index("fpo_id"), "fpo_id", pa.array(fpo, pa.string()))
    delta_io.replace_all(TableSpec(spec.name, m.schema, ""), m)
    import datetime as dt

    from bench_delivery import DAY
    from hasiru.config import IST

    digest.queue(DAY, digests=True, now=dt.datetime.combine(DAY, dt.time(6, 0), IST))  # as on the day's morning
    publish_api()
    import duckdb

    with duckdb.connect(str(api_path()), read_only=True) as con:
        admin = con.sql(f"select user_id from api_principals where role = 'fpo_admin' and fpo_id = '{big}'").fetchall()[0][0]
        n = con.sql(f"select count(*) from api_farmers where fpo_id = '{big}'").fetchall()[0][0]
        farms = con.sql(f"select count(*) from api_farms where fpo_id = '{big}'").fetchall()[0][0]
    auth.set_password(admin, "benchmark password")
    app = str(ROOT / "dashboards" / "fpo_app" / "app.py")
    at = AppTest.from_file(app, default_timeout=120)
    at.run()
    at.text_input(key="login_user").input(admin)
    at.text_input(key="login_password").input("benchmark password")
    at.button[0].click()
    at.run()
    floor_script = tempfile.NamedTemporaryFile("w", suffix=".py", delete=False)
    floor_script.write("import streamlit as st\nst.write('constant')\n")
    floor_script.close()
    floor_app = AppTest.from_file(floor_script.name)
    floor = median_time(lambda: floor_app.run())
    print(f"\nFPO app, FPO {big} with {n:,} members and {farms:,} farms (Streamlit AppTest, median of 3; floor: a constant page "
          f"{floor * 1000:.0f} ms):")
    print(f"{'page':15} {'seconds':>8} {'ratio floor/page':>17}")
    for page in ("overview", "members", "prices", "alerts", "certification", "sms"):
        at.switch_page(f"views/{page}.py")  # as its sidebar link (st.navigation) opens it
        at.run()
        assert not at.exception, at.exception
        t = median_time(lambda: at.run())
        print(f"{page:15} {t:8.2f} {floor / t:17.3f}   (goal < 1.5 s)")
    chromium(admin)


def chromium(admin: str) -> None:
    import httpx
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    if not shutil.which("chromedriver"):
        print("(no chromedriver: browser timing skipped)")
        return
    opts = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"):
        opts.add_argument(flag)
    opts.binary_location = shutil.which("chromium")
    procs, driver = [], None
    floor_script = Path(tempfile.mkdtemp()) / "floor.py"
    floor_script.write_text("import streamlit as st\nst.metric('constant', 1)\n")
    try:
        ports = (18601, 18602)
        procs.append(subprocess.Popen([sys.executable, "-m", "hasiru", "fpo-app", "--port", str(ports[0])], start_new_session=True,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        procs.append(subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(floor_script), "--server.headless", "true",
                                       "--server.port", str(ports[1]), "--browser.gatherUsageStats", "false"], start_new_session=True,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for p in ports:
            for _ in range(200):
                try:
                    httpx.get(f"http://127.0.0.1:{p}/_stcore/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)
        wait = WebDriverWait(driver, 120)
        metric = (By.CSS_SELECTOR, "[data-testid='stMetric']")

        def floor_load():
            driver.get(f"http://127.0.0.1:{ports[1]}/")
            wait.until(ec.presence_of_element_located(metric))
        floor_s = median_time(floor_load)
        times = []
        for _ in range(3):  # a fresh session each time: open, sign in, and the clock runs from the click
            driver.get(f"http://127.0.0.1:{ports[0]}/")
            wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "input[type='password']")))
            driver.find_elements(By.CSS_SELECTOR, "input[type='text'], input:not([type])")[0].send_keys(admin)
            driver.find_element(By.CSS_SELECTOR, "input[type='password']").send_keys("benchmark password")
            t = time.perf_counter()
            driver.find_element(By.XPATH, "//button[.//p[text()='Sign in'] or text()='Sign in']").click()
            wait.until(ec.presence_of_element_located(metric))
            times.append(time.perf_counter() - t)
        ours = statistics.median(times)
        print(f"overview in headless Chromium (sign-in click to figures shown, median of 3): {ours:.2f} s; "
              f"constant page (open to figure shown) {floor_s:.2f} s; ratio {floor_s / ours:.2f} (goal < 1.5 s)")
    finally:
        if driver:
            driver.quit()
        for p in procs:
            os.killpg(p.pid, signal.SIGTERM)


def superset_charts(farmers: int) -> None:
    import duckdb

    from dashboards.superset import provision as sp
    from serving.publish import serving_path

    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "hasiru", "run", "--farmers", str(farmers), "--days", "2"], env=dict(os.environ),
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    print(f"\nSuperset at {farmers:,} farmers (world built and published in {time.perf_counter() - t:.0f} s)")
    sp.first_start()
    proc = sp.start(18611)
    try:
        sp.wait_healthy("http://127.0.0.1:18611", proc)
        ids = sp.provision("http://127.0.0.1:18611")
        api = sp.Api("http://127.0.0.1:18611", "admin", sp.password("admin"))
        con = duckdb.connect(str(serving_path()), read_only=True)
        print(f"{'chart':40} {'rows':>7} {'chart-data s':>13} {'DuckDB s':>9} {'ratio':>6}")
        for name, cid in ids["charts"].items():
            body = api.get(f"/api/v1/chart/{cid}/data/", params={"type": "query"})
            sql = body["result"][0]["query"]
            rows = api.get(f"/api/v1/chart/{cid}/data/")["result"][0]["rowcount"]
            ours = median_time(lambda: api.get(f"/api/v1/chart/{cid}/data/", params={"force": "true"}))  # noqa: B023 (called here)
            floor = median_time(lambda: con.sql(sql).fetchall())  # noqa: B023 (called here)
            print(f"{name:40} {rows:7,} {ours:13.3f} {floor:9.3f} {floor / ours:6.2f}   (goal < 1 s)")
        con.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--farmers", type=int, default=200_000)
    ap.add_argument("--members", type=int, default=5_000)
    ap.add_argument("--skip-superset", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hasiru-bench-dash-"))
    os.environ.update(HASIRU_DATA_DIR=str(tmp / "app"), HASIRU_LAKE_URI=str(tmp / "app" / "lake"),
                      HASIRU_LANDING_DIR=str(tmp / "app" / "landing"), DAGSTER_HOME=str(tmp / "app" / "dagster_home"))
    try:
        fpo_app(args.farmers, args.members)
        if not args.skip_superset:
            os.environ.update(HASIRU_DATA_DIR=str(tmp / "bi"), HASIRU_LAKE_URI=str(tmp / "bi" / "lake"),
                              HASIRU_LANDING_DIR=str(tmp / "bi" / "landing"), DAGSTER_HOME=str(tmp / "bi" / "dagster_home"))
            superset_charts(args.farmers)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
