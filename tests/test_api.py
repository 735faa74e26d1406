"""The serving API: every route as every role and as nobody, input validation and JSON errors,
republishing during requests, and the real server started by `hasiru serve`."""

import os
import subprocess
import sys
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from serving.api import tokens
from serving.api.app import create_app
from serving.publish import api_path, publish_api
from sms import digest
from tests.conftest import world_env
from tests.delivery_lake import DAY, MORNING, tiny_lake
from tests.servers import wait_http

SECRET = b"s" * 40


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """One published tiny lake for the tests that only read it (a publish runs dbt: seconds, not milliseconds)."""
    env = world_env(tmp_path_factory.mktemp("api"))
    try:
        tiny_lake()
        digest.queue(DAY, now=MORNING)
        publish_api()
        yield api_path()
    finally:
        env.undo()


@pytest.fixture
def client(published):
    return TestClient(create_app(published, SECRET))  # a new app: each test has its own rate budget


def as_user(user_id: str) -> dict:
    return {"Authorization": f"Bearer {tokens.issue(user_id, SECRET)}"}


ROUTES = {
    "own_farm_advisories": "/v1/farms/FA1/advisories",
    "other_fpo_farm_advisories": "/v1/farms/FA3/advisories",
    "own_farms": "/v1/farmers/F1/farms",
    "other_fpo_farmer_farms": "/v1/farmers/F3/farms",
    "forecast": "/v1/forecasts?mandi_code=M1&commodity=paddy&days=7",
    "nearest": "/v1/mandis/nearest?lat=12.5&lon=76.9&commodity=maize&limit=1",
    "own_fpo": "/v1/fpos/FPO1/summary",
    "other_fpo": "/v1/fpos/FPO2/summary",
    "own_digests": "/v1/farmers/F1/digests",
    "other_fpo_digests": "/v1/farmers/F3/digests",
}
# caller -> routes that answer 200 (every other /v1 route answers 404 for them)
ALLOWED = {
    "U1": {"own_farm_advisories", "own_farms", "forecast", "nearest", "own_digests"},  # farmer F1 (FPO1)
    "U2": {"forecast", "nearest"},  # farmer F2 (FPO1): not F1's farms or digests
    "U_A1": {"own_farm_advisories", "own_farms", "forecast", "nearest", "own_fpo", "own_digests"},  # FPO1's admin
    "U_A2": {"other_fpo_farm_advisories", "other_fpo_farmer_farms", "forecast", "nearest", "other_fpo", "other_fpo_digests"},
    "U_PA": set(ROUTES),  # platform admin
    "U_CB": {"forecast", "nearest"},  # a role with no farms or FPO
}


@pytest.mark.parametrize("user", sorted(ALLOWED))
def test_every_route_as_every_role(client, user):
    for name, url in ROUTES.items():
        resp = client.get(url, headers=as_user(user))
        want = 200 if name in ALLOWED[user] else 404
        assert resp.status_code == want, (user, name, resp.json())
        if want == 404:
            assert resp.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("headers,code", [
    ({}, "unauthenticated"),
    ({"Authorization": "Basic dTpw"}, "unauthenticated"),
    ({"Authorization": "Bearer nonsense"}, "invalid_token"),
    ({"Authorization": f"Bearer {tokens.issue('U_PA', b'x' * 40)}"}, "invalid_token"),  # another secret: forged
    ({"Authorization": f"Bearer {tokens.issue('U_PA', SECRET, ttl_s=-120)}"}, "invalid_token"),  # expired
    ({"Authorization": f"Bearer {tokens.issue('U_PA', SECRET, ttl_s=100 * 365 * 86400)}"}, "invalid_token"),  # 100 years
    ({"Authorization": f"Bearer {tokens.issue('U_PA', SECRET, now=time.time() + 3600)}"}, "invalid_token"),  # from the future
    ({"Authorization": f"Bearer {tokens.issue('U_GONE', SECRET)}"}, "unknown_user"),  # deleted user
])
def test_every_route_refuses_nobody(client, headers, code):
    for url in ROUTES.values():
        resp = client.get(url, headers=headers)
        assert resp.status_code == 401 and resp.json()["error"]["code"] == code, (url, resp.json())
        assert resp.headers["www-authenticate"] == "Bearer"


def test_answers_carry_the_data(client):
    admin = as_user("U_PA")
    adv = client.get("/v1/farms/FA1/advisories", headers=admin).json()
    assert [(a["advisory_type"], a["reason_code"]) for a in adv["advisories"]] == [
        ("irrigation", "IRRIGATE"), ("pest_risk_rice_blast", "BLAST_WEATHER")]
    assert adv["advisories"][1]["inputs"] == {"threat": "rice_blast", "crop": "paddy"}
    fc = client.get(ROUTES["forecast"], headers=admin).json()
    assert fc["model"] == "naive" and fc["points"][0]["lo80"] == 1901.0 and fc["points"][0]["hi80"] == 2101.0
    # the forecast says how the model did on this series' backtests
    assert fc["accuracy"] == {"chosen_because": "naive_not_beaten", "mae_relative_to_naive": 1.0, "interval80_coverage": 0.8,
                              "backtest_days": 240, "interval_basis": "conformal"}
    near = client.get("/v1/mandis/nearest?lat=12.5&lon=76.9&limit=5", headers=admin).json()
    assert [m["mandi_code"] for m in near] == ["M1", "M1", "M2", "M2"] and near[0]["distance_km"] == pytest.approx(2.2, abs=0.1)
    fpo = client.get("/v1/fpos/FPO1/summary", headers=admin).json()
    assert fpo["members_active"] == 2 and sorted(c["crop"] for c in fpo["crops"]) == ["maize", "paddy"]
    digests = client.get("/v1/farmers/F1/digests", headers=admin).json()
    assert {d["kind"] for d in digests} == {"digest", "alert"} and all("phone" not in d for d in digests)
    assert client.get("/v1/farmers/F3/digests", headers=admin).json() == []  # opted out: suppressed, never sent


@pytest.mark.parametrize("url,field", [
    ("/v1/mandis/nearest?lat=100&lon=76", "query.lat"),
    ("/v1/mandis/nearest?lat=12&lon=76&limit=1000", "query.limit"),
    ("/v1/forecasts?mandi_code=M1", "query.commodity"),
    ("/v1/forecasts?mandi_code=M1&commodity=paddy&days=31", "query.days"),
    ("/v1/farmers/F1;drop/digests", "path.farmer_id"),
])
def test_bad_input_is_a_json_422_naming_the_field(client, url, field):
    resp = client.get(url, headers=as_user("U_PA"))
    assert resp.status_code == 422 and field in resp.json()["error"]["message"]


def test_unknown_route_and_unpublished_database_are_json_errors(lake_env):
    app = TestClient(create_app(api_path(), SECRET))
    assert app.get("/v1/nothing").json()["error"]["code"] == "http_404"
    resp = app.get("/healthz")
    assert resp.status_code == 503 and "hasiru publish" in resp.json()["error"]["message"]
    assert str(lake_env) not in resp.text and "/" not in resp.json()["error"]["message"].replace("`", "")


def _forge(token: str, **change) -> str:
    import base64
    import json

    head, body, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    claims.update(change)
    return ".".join([head, base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode(), sig])


def test_tokens_are_strict_jwts():
    good = tokens.issue("U1", SECRET)
    assert tokens.verify(good, SECRET) == "U1"
    head, body, sig = good.split(".")
    # the signature's last base64 character carries 2 unused bits: a variant decodes to the same bytes
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    twin = sig[:-1] + alphabet[alphabet.index(sig[-1]) ^ 1]
    for bad, why in [(f"{head}.{body}.{twin}", "malformed"), (f"{head}.{body}.{sig}=", "malformed"),
                     (_forge(good, sub="U_PA"), "signature"), (_forge(good, exp=int(time.time()) + 10**9), "signature")]:
        with pytest.raises(tokens.TokenError, match=why):
            tokens.verify(bad, SECRET)
    import jwt

    now = int(time.time())
    for claim, value in (("aud", "someone-else"), ("iss", "elsewhere")):
        claims = {"sub": "U1", "iss": tokens.ISSUER, "aud": tokens.AUDIENCE, "iat": now, "exp": now + 60, claim: value}
        signed = jwt.encode(claims, SECRET, algorithm="HS256", headers={"kid": tokens.key_id(SECRET)})
        with pytest.raises(tokens.TokenError, match="(?i)audience|issuer"):
            tokens.verify(signed, SECRET)

    unsigned = jwt.encode({"sub": "U_PA", "iss": tokens.ISSUER, "aud": tokens.AUDIENCE, "iat": int(time.time()),
                           "exp": int(time.time()) + 60}, None, algorithm="none", headers={"kid": tokens.key_id(SECRET)})
    with pytest.raises(tokens.TokenError):
        tokens.verify(unsigned, SECRET)
    # rotation: a token of the previous key still verifies while that key is listed, and not after
    old = b"o" * 40
    assert tokens.verify(tokens.issue("U2", old), [SECRET, old]) == "U2"
    with pytest.raises(tokens.TokenError, match="unknown key"):
        tokens.verify(tokens.issue("U2", old), [SECRET])


def test_the_scheme_is_case_insensitive_and_callers_are_rate_limited(lake_env):
    tiny_lake()
    publish_api()
    app = TestClient(create_app(api_path(), SECRET, rate_per_token=5, rate_per_address=8))
    token = tokens.issue("U_PA", SECRET)
    codes = [app.get("/v1/mandis/nearest?lat=12.5&lon=76.9", headers={"Authorization": f"bearer {token}"}).status_code
             for _ in range(6)]
    assert codes == [200] * 5 + [429]
    resp = app.get("/v1/mandis/nearest?lat=12.5&lon=76.9", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 429 and int(resp.headers["retry-after"]) >= 1 and resp.json()["error"]["code"] == "rate_limited"
    other = tokens.issue("U1", SECRET)  # another token from the same address: the address budget (8) runs out
    codes = [app.get("/v1/mandis/nearest?lat=12.5&lon=76.9", headers={"Authorization": f"Bearer {other}"}).status_code
             for _ in range(3)]
    assert codes == [200, 429, 429]


def test_an_internal_error_is_a_json_500_without_details(lake_env, monkeypatch):
    tiny_lake()
    publish_api()
    from serving.api import db

    monkeypatch.setattr(db.Version, "lookup", lambda *a, **k: 1 / 0)
    app = TestClient(create_app(api_path(), SECRET), raise_server_exceptions=False)
    resp = app.get("/v1/mandis/nearest?lat=12.5&lon=76.9", headers=as_user("U_PA"))
    assert resp.status_code == 500 and resp.json() == {"error": {"code": "internal",
                                                                 "message": "internal error; it is logged on the server"}}


def test_republishing_during_requests_causes_no_errors(published):
    # requests for as long as three publishes take, under no rate limit (a 429 is not what this is about)
    client = TestClient(create_app(published, SECRET, rate_per_token=10**9, rate_per_address=10**9))
    statuses, versions, stop = [], set(), threading.Event()

    def hammer():
        while not stop.is_set():
            r = client.get("/v1/farms/FA1/advisories", headers=as_user("U1"))
            statuses.append(r.status_code)
            versions.add(client.get("/healthz").json()["version"])

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        for _ in range(2):
            publish_api()
            time.sleep(0.2)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert statuses and set(statuses) == {200}
    assert len(versions) >= 2  # the requests really did span republishes


def test_the_lookup_copy_holds_every_row_and_value_the_api_file_holds(published):
    """serving/lookups.py: each table the per-key routes read, in SQLite, equals the DuckDB table row for row
    (dates and times as the same instants, decimals as the same numbers, NaN as null); only the last two
    versions' lookup files are kept."""
    import datetime as dt
    import math
    import sqlite3

    import duckdb

    from serving import lookups

    def norm(v):
        if isinstance(v, dt.datetime):
            return v.astimezone(dt.timezone.utc).replace(tzinfo=None) if v.tzinfo else v
        if isinstance(v, dt.date):
            return v
        if isinstance(v, float) and math.isnan(v):
            return None
        return float(v) if hasattr(v, "as_integer_ratio") and not isinstance(v, (int, bool)) else v

    def parse(v, like):
        if isinstance(like, dt.datetime) and isinstance(v, str):
            return norm(dt.datetime.fromisoformat(v.replace("Z", "+00:00")))
        if isinstance(like, dt.date) and isinstance(v, str):
            return dt.date.fromisoformat(v)
        if isinstance(like, bool):
            return bool(v)
        return v

    with duckdb.connect(str(published), read_only=True) as con:
        version = con.sql("select version from _serving_meta").fetchall()[0][0]
        lite = sqlite3.connect(lookups.path_for(published, version))
        for t in lookups.LOOKUP_TABLES:
            cols = [c[0] for c in con.sql(f"select * from {t} limit 0").description]
            order = ", ".join(f'"{c}"' for c in cols)
            want = [tuple(norm(v) for v in r) for r in con.sql(f"select * from {t} order by {order}").fetchall()]
            got = lite.execute(f"select * from {t}").fetchall()
            assert len(got) == len(want) > 0, t
            got = sorted((tuple(parse(v, w) for v, w in zip(r, want[0])) for r in got),
                         key=lambda r: tuple((x is None, x if x is not None else 0) for x in r))
            want = sorted(want, key=lambda r: tuple((x is None, x if x is not None else 0) for x in r))
            assert got == want, t
        # nearest mandis: the distance rule rendered for SQLite ranks and measures as DuckDB's macro does
        from serving.api.app import NEAREST_DISTANCE  # (the DuckDB file carries the macro: publish stores it)

        for lat, lon in ((12.5, 76.9), (15.3, 75.1), (13.0, 77.6)):
            duck = con.execute("select mandi_code, commodity, distance_km(?, ?, lat, lon) from api_mandi_latest_prices "
                               "order by 3, 1, 2", [lat, lon]).fetchall()
            mine = lite.execute(f"select mandi_code, commodity, {NEAREST_DISTANCE} from api_mandi_latest_prices "
                                "order by 3, 1, 2", {"lat": lat, "lon": lon}).fetchall()
            assert [r[:2] for r in mine] == [r[:2] for r in duck] and len(duck) > 1
            assert all(abs(a[2] - b[2]) < 1e-9 for a, b in zip(mine, duck))
        assert {r[0] for r in lite.execute("select name from sqlite_master where type = 'index'")} >= {
            "api_advisories_0", "api_farms_0", "api_farms_1", "api_digests_0", "api_price_forecasts_0"}
        lite.close()
    files = sorted(published.parent.glob("hasiru_api.*.lookups.sqlite"))
    assert len(files) <= lookups.KEEP and files[-1] == lookups.path_for(published, version)


def test_a_file_without_its_lookups_is_a_503_that_says_republish(published, tmp_path):
    import shutil

    (tmp_path / "serving").mkdir()
    shutil.copy(published, tmp_path / "serving" / published.name)  # the DuckDB file alone, as an older release wrote it
    resp = TestClient(create_app(tmp_path / "serving" / published.name, SECRET)).get("/v1/farms/FA1/advisories",
                                                                                     headers=as_user("U1"))
    assert resp.status_code == 503 and "run `hasiru publish`" in resp.json()["error"]["message"]


def test_a_failing_serving_test_keeps_the_published_file(lake_env):
    """Two rows for one farm in silver: api_farms' unique test fails, the publish says which test, and the
    API keeps answering from the file published before."""
    from lake import delta_io
    from lake.catalog import table
    from tests.delivery_lake import _write
    from transform.serving_build import ServingBuildFailed

    tiny_lake()
    before = publish_api()["version"]
    farms = delta_io.read_arrow(table("silver.app__farms")).to_pylist()
    _write("silver.app__farms", farms + [farms[0]])
    with pytest.raises(ServingBuildFailed, match="unique_api_farms_farm_id: fail"):
        publish_api()
    app = TestClient(create_app(api_path(), SECRET))
    assert app.get("/healthz").json()["version"] == before
    assert not [p for p in api_path().parent.iterdir() if p.name.endswith(".building")]
    assert [p.name for p in api_path().parent.glob("*.lookups.sqlite")] == [f"hasiru_api.{before}.lookups.sqlite"]


def test_hasiru_serve_starts_the_real_server(lake_env):
    tiny_lake()
    publish_api()
    env = {**os.environ, "HASIRU_API_SECRET": SECRET.decode()}
    port = 18000 + os.getpid() % 1000
    token = subprocess.run([sys.executable, "-m", "hasiru", "api-token", "--user-id", "U1"], env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    # a token or a password for someone the app does not have (or who may not use the FPO app) is refused
    nobody = subprocess.run([sys.executable, "-m", "hasiru", "api-token", "--user-id", "U404"], env=env,
                            capture_output=True, text=True)
    assert nobody.returncode == 1 and "no app user 'U404'" in nobody.stderr and "U1" in nobody.stderr
    farmer = subprocess.run([sys.executable, "-m", "hasiru", "fpo-app-user", "--user-id", "U1", "--password-stdin"],
                            env=env, input="correct horse battery\n", capture_output=True, text=True)
    assert farmer.returncode == 1 and "U1 is a farmer" in farmer.stderr and "FPO admins" in farmer.stderr
    proc = subprocess.Popen([sys.executable, "-m", "hasiru", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        resp = httpx.get(f"http://127.0.0.1:{port}/v1/farms/FA1/advisories", headers={"Authorization": f"Bearer {token}"})
        assert resp.status_code == 200 and resp.json()["farm_id"] == "FA1"
        assert httpx.get(f"http://127.0.0.1:{port}/openapi.json").json()["paths"].keys() >= {
            "/v1/farms/{farm_id}/advisories", "/v1/forecasts", "/v1/mandis/nearest", "/v1/fpos/{fpo_id}/summary",
            "/v1/farmers/{farmer_id}/digests"}
    finally:
        proc.terminate()
        proc.wait(10)


def test_serve_without_a_secret_says_what_to_set(lake_env):
    env = {k: v for k, v in os.environ.items() if k != "HASIRU_API_SECRET"}
    done = subprocess.run([sys.executable, "-m", "hasiru", "serve"], env=env, capture_output=True, text=True)
    assert done.returncode != 0 and "HASIRU_API_SECRET" in done.stderr


def test_no_phone_number_reaches_the_api_database(published):
    import duckdb

    with duckdb.connect(str(published), read_only=True) as con:
        columns = con.sql("select table_name, column_name from information_schema.columns").fetchall()
        assert not [c for c in columns if "phone" in c[1].lower()]
        texts = " ".join(str(r) for t in {c[0] for c in columns} for r in con.sql(f'select * from "{t}"').fetchall())
    assert "+9198000000" not in texts and "9800000001" not in texts


def test_the_spec_declares_its_bearer_scheme_on_every_data_route(client):
    spec = client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["token"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "A token from `hasiru api-token --user-id <user>`"}
    for path, ops in spec["paths"].items():
        for op in ops.values():
            assert (op.get("security") == [{"token": []}]) == path.startswith("/v1/"), path
    # the scheme in the spec is the one the server checks: the docs' Authorize sends exactly this header
    assert client.get(ROUTES["forecast"], headers=as_user("U1")).status_code == 200
    assert client.get(ROUTES["forecast"], headers={"Authorization": "Basic dTE6cA=="}).json()["error"]["code"] == "unauthenticated"


def test_docs_without_their_assets_say_how_to_install_them(published, monkeypatch, tmp_path):
    monkeypatch.setenv("HASIRU_API_DOCS_DIR", str(tmp_path / "none"))
    resp = TestClient(create_app(published, SECRET)).get("/docs")
    assert resp.status_code == 503 and resp.json()["error"]["code"] == "docs_not_installed"
    assert "scripts/setup.sh" in resp.json()["error"]["message"]


@pytest.mark.slow
def test_docs_and_redoc_load_offline_and_authorize_works(published):
    """/docs and /redoc in headless Chromium from the server's own files (nothing from a CDN), and a call made
    through Swagger UI's Authorize with a real token answers 200."""
    import uvicorn
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.servers import chromium_driver, foreign_fetches, free_port, screenshot

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(published, SECRET), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{port}"
    driver = None
    try:
        wait_http(f"{origin}/healthz")
        driver = chromium_driver()
        wait = WebDriverWait(driver, 60)
        driver.get(f"{origin}/docs")
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".opblock")))
        body = driver.find_element(By.TAG_NAME, "body").text
        assert "Hasiru Mitra serving API" in body and "/v1/forecasts" in body
        driver.find_element(By.CSS_SELECTOR, "button.authorize").click()
        field = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".auth-container input")))
        field.send_keys(tokens.issue("U1", SECRET))
        driver.find_element(By.CSS_SELECTOR, ".auth-btn-wrapper button.authorize").click()
        driver.find_element(By.CSS_SELECTOR, "button.btn-done").click()
        # the farmer's own farm, through the page: Try it out, fill the path, Execute
        op = driver.find_element(By.CSS_SELECTOR, "#operations-advisories-farm_advisories_v1_farms__farm_id__advisories_get")
        op.find_element(By.CSS_SELECTOR, ".opblock-summary").click()
        wait.until(lambda d: op.find_elements(By.CSS_SELECTOR, "button.try-out__btn"))[0].click()
        op.find_element(By.CSS_SELECTOR, "input[placeholder='farm_id']").send_keys("FA1")
        op.find_element(By.CSS_SELECTOR, "button.execute").click()
        status = wait.until(lambda d: op.find_elements(By.CSS_SELECTOR, ".live-responses-table tbody .response-col_status"))
        assert status[0].text.strip().startswith("200"), op.text[:800]
        assert '"farm_id": "FA1"' in op.find_element(By.CSS_SELECTOR, ".live-responses-table tbody").text
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", status[0])
        screenshot(driver, "api-docs")
        assert not foreign_fetches(driver, origin)
        driver.get(f"{origin}/redoc")
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "[data-section-id], .api-content")))
        wait.until(lambda d: "The latest advisory of each type for a farm" in d.find_element(By.TAG_NAME, "body").text)
        screenshot(driver, "api-redoc")
        assert not foreign_fetches(driver, origin)
    finally:
        if driver:
            driver.quit()
        server.should_exit = True
        thread.join(10)
