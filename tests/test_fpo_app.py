"""The FPO managers' Streamlit app: every page with Streamlit's AppTest, FPO isolation (a manager sees
only their FPO whatever the inputs), sign-in with hashed passwords, Kannada labels, and one end-to-end
run of the real server in Debian's headless Chromium."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboards.fpo_app import auth
from serving.publish import api_path, publish_api
from sms import digest
from tests.conftest import world_env
from tests.delivery_lake import DAY, MORNING, tiny_lake
from tests.servers import chromium_driver, foreign_fetches, free_port, screenshot, wait_http

APP = str(Path(__file__).resolve().parents[1] / "dashboards" / "fpo_app" / "app.py")
PASSWORD = "correct horse battery"
PAGES = ("overview", "members", "prices", "alerts", "certification", "sms")


@pytest.fixture(scope="module")
def api_file(tmp_path_factory) -> Path:
    """The tiny lake published once (a publish runs dbt); each test gets its own copy of the file."""
    root = tmp_path_factory.mktemp("fpo_app")
    env = world_env(root)
    try:
        tiny_lake()
        digest.queue(DAY, now=MORNING)
        return Path(publish_api()["path"])
    finally:
        env.undo()


@pytest.fixture
def published(lake_env, api_file):
    (lake_env / "serving").mkdir(exist_ok=True)
    shutil.copy(api_file, api_path())
    for user in ("U_A1", "U_A2", "U_PA", "U1"):
        auth.set_password(user, PASSWORD)
    return lake_env


def signed_in(user: str, password: str = PASSWORD) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.text_input(key="login_user").input(user)
    at.text_input(key="login_password").input(password)
    at.button[0].click()
    at.run()
    return at


def goto(at: AppTest, page: str) -> AppTest:
    """Open one of the app's pages (views/<page>.py, served at /<page>) as its sidebar link does."""
    at.switch_page(f"views/{page}.py")
    at.run()
    return at


def everything_shown(at: AppTest) -> str:
    """All text the page shows: markdown, metrics, headers, and every table cell."""
    parts = [str(e.value) for e in [*at.markdown, *at.header, *at.subheader, *at.caption, *at.info, *at.error]]
    parts += [f"{m.label}={m.value}" for m in at.metric]
    parts += [df.value.to_csv() for df in at.dataframe]
    return "\n".join(parts)


def test_passwords_are_hashed_and_checked(published):
    stored = (published / "serving" / "fpo_app_users.json").read_text()
    assert PASSWORD not in stored and "scrypt" in json.loads(stored)["U_A1"]
    assert auth.verify("U_A1", PASSWORD) and not auth.verify("U_A1", "wrong password!") and not auth.verify("nobody", PASSWORD)
    with pytest.raises(ValueError, match="10 characters"):
        auth.set_password("U_A1", "short")


@pytest.mark.parametrize("user,password", [("U_A1", "wrong password!"), ("U1", PASSWORD), ("nobody", PASSWORD)])
def test_sign_in_refuses_wrong_passwords_and_non_managers(published, user, password):
    at = signed_in(user, password)
    assert not at.exception and at.error and "wrong" in at.error[0].value
    assert "user" not in at.session_state


def test_every_page_renders_the_fpo_s_figures(published):
    at = signed_in("U_A1")
    assert not at.exception
    shown = {}
    for page in PAGES:
        goto(at, page)
        assert not at.exception, (page, at.exception)
        shown[page] = everything_shown(at)
    assert "Active members=2" in shown["overview"] and "Farms=2" in shown["overview"]
    assert "Farmer F1" in shown["members"] and "Farmer F2" in shown["members"]
    assert at.header[0].value == "SMS digests"  # the page last opened is the one shown
    # gold's daily flags reach the manager, as words
    assert "Battery low" in shown["alerts"] and "Weather favours blast" in shown["alerts"]
    assert "Reading stuck" in shown["alerts"] and "SM2" in shown["alerts"]
    # how right the advice was in the FPO's districts: 3 of 4 "irrigate" calls borne out by the probes
    assert "How right our advice was" in shown["alerts"] and "irrigation need vs soil probes" in shown["alerts"]
    assert ",75," in shown["alerts"]
    assert "Applications=1" in shown["certification"] and "Overdue (> 30 days at a step)=1" in shown["certification"]
    assert "Queued=3" in shown["sms"]  # F1: digest and alert, F2: digest (both FPO1); F3-F5 of FPO2 not counted
    # the price page names the model behind the forecast and how it did on this series' backtests
    assert "Forecast by: today's price carried forward." in shown["prices"]
    assert "0 % closer to the price than 'same as today'" in shown["prices"] and "80 % of 240 days" in shown["prices"]


# what a reader must never see in a table: a missing value as None/nan, a date with a midnight time, or a code
RAW = ("None", "nan", "NaT", "00:00:00", "battery_low", "BLAST_WEATHER", "IRRIGATE", "pest_risk_", "kharif", "rabi",
       "documents_verified", "submitted", "paddy", "maize", "True", "False")


@pytest.mark.parametrize("language", ["English", "ಕನ್ನಡ"])
def test_tables_show_words_dates_and_dashes_not_codes(published, language):
    at = signed_in("U_A1")
    at.sidebar.radio(key="language").set_value(language)
    at.run()
    for page in PAGES:
        goto(at, page)
        assert not at.exception, (page, at.exception)
        for frame in at.dataframe:
            cells = frame.value.to_csv(index=False)
            assert not [r for r in RAW if r in cells], (page, language, [r for r in RAW if r in cells], cells[:600])
    if language == "ಕನ್ನಡ":
        goto(at, "alerts")
        text = everything_shown(at)
        assert "ಬ್ಯಾಟರಿ ಕಡಿಮೆ" in text and "ಬೆಂಕಿ ರೋಗಕ್ಕೆ ಅನುಕೂಲಕರ ಹವಾಮಾನ" in text and "ಕಾರಣ" in text  # status, reason, header
        goto(at, "members")
        assert "ಈಗಿನ ಬೆಳೆ" in everything_shown(at)


def test_every_code_the_data_can_hold_has_words_in_every_language():
    from dashboards.fpo_app.labels import COLUMNS, LABELS, VALUES
    from dashboards.fpo_app.present import Words
    from hasiru.reference import commodities
    from ml.advisories import pest_risk, reason_codes

    for table in (LABELS, COLUMNS, VALUES):
        assert table["en"].keys() == table["kn"].keys()
    for kind in VALUES["en"]:
        assert VALUES["en"][kind].keys() == VALUES["kn"][kind].keys(), kind
    assert reason_codes() <= VALUES["en"]["reason"].keys()  # a new rule in ml/advisories needs its sentence here
    kn = Words("kn")
    for code in [f"pest_risk_{t.name}" for t in pest_risk.THREATS]:
        assert "_" not in kn.value("advisory_type", code) and "{" not in kn.value("advisory_type", code)
    assert all(kn.crop(c) != c for c in commodities())  # every crop has its Kannada name (the SMS terms)
    assert kn.crops("maize, paddy") == "ಮೆಕ್ಕೆಜೋಳ, ಭತ್ತ" and kn.value("season", "kharif") == "ಮುಂಗಾರು"


def test_a_manager_sees_only_their_fpo_whatever_the_inputs(published):
    at = signed_in("U_A1")
    assert not [s for s in at.sidebar.selectbox if s.key == "fpo_choice"]  # no FPO switch for an FPO admin
    at.query_params["fpo"] = "FPO2"  # a crafted URL changes nothing
    for page in PAGES:
        goto(at, page)
        text = everything_shown(at)
        for other in ("Farmer F3", "Farmer F4", "Farmer F5", "Farmer F7", "CA3", "FA3", "SM3"):
            assert other not in text, (page, other)
    # the other FPO's admin sees theirs, not FPO1's
    at2 = signed_in("U_A2")
    goto(at2, "members")
    text = everything_shown(at2)
    assert "Farmer F3" in text and "Farmer F1" not in text


def test_a_platform_admin_may_switch_fpos_and_labels_switch_to_kannada(published):
    at = signed_in("U_PA")
    at.sidebar.selectbox(key="fpo_choice").set_value(next(o for o in at.sidebar.selectbox(key="fpo_choice").options
                                                           if o.startswith("FPO2")))
    goto(at, "members")
    assert "Farmer F3" in everything_shown(at)
    at.sidebar.radio(key="language").set_value("ಕನ್ನಡ")
    at.run()
    goto(at, "overview")
    assert "ಸಕ್ರಿಯ ಸದಸ್ಯರು" in everything_shown(at)


HEADERS = {"English": {"overview": "FPO1 Organic · Mandya", "members": "Members and farms", "prices": "Prices",
                       "alerts": "Alerts", "certification": "Certification", "sms": "SMS digests"},
           "ಕನ್ನಡ": {"overview": "FPO1 Organic · ಮಂಡ್ಯ", "members": "ಸದಸ್ಯರು ಮತ್ತು ಹೊಲಗಳು", "prices": "ಬೆಲೆಗಳು",
                     "alerts": "ಎಚ್ಚರಿಕೆಗಳು", "certification": "ಪ್ರಮಾಣೀಕರಣ", "sms": "ಎಸ್‌ಎಂಎಸ್ ಸಾರಾಂಶಗಳು"}}


CHARTS = {"overview": 2, "members": 1, "prices": 1, "alerts": 1, "certification": 1, "sms": 1}


@pytest.mark.slow
def test_the_real_server_in_headless_chromium(published):
    """`hasiru fpo-app` in Debian's Chromium (which has no Kannada font of its own): every page at its own URL in
    both languages, drawn with the shipped web font, charts and maps from this server alone, no Deploy button.
    Screenshots: build/screenshots/fpo-app-<language>-<page>.png."""
    import urllib.error
    import urllib.request

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "hasiru", "fpo-app", "--port", str(port)], env={**os.environ},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    driver = None
    try:
        wait_http(f"{origin}/_stcore/health")
        driver = chromium_driver(1400, 1100)
        wait = WebDriverWait(driver, 60)
        driver.get(f"{origin}/")
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "input[type='password']")))
        inputs = driver.find_elements(By.CSS_SELECTOR, "input[type='text'], input:not([type])")
        inputs[0].send_keys("U_A1")
        driver.find_element(By.CSS_SELECTOR, "input[type='password']").send_keys(PASSWORD)
        driver.find_element(By.XPATH, "//button[.//p[text()='Sign in'] or text()='Sign in']").click()
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "[data-testid='stMetric']")))
        body = driver.find_element(By.TAG_NAME, "body").text
        assert "Active members" in body and "FPO1 Organic" in body
        assert not driver.find_elements(By.CSS_SELECTOR, "[data-testid='stAppDeployButton']")  # toolbarMode = viewer
        for language, headers in HEADERS.items():
            if language != "English":
                driver.find_element(By.XPATH, f"//label[.//p[text()='{language}']]").click()
                wait.until(lambda d, headers=headers: headers["sms"] in d.find_element(By.TAG_NAME, "body").text)  # the page stays
            for page, header in headers.items():
                links = {a.get_attribute("href").rstrip("/").removeprefix(origin) or "/overview": a
                         for a in driver.find_elements(By.CSS_SELECTOR, "[data-testid='stSidebarNav'] a")}
                assert set(links) == {f"/{p}" for p in PAGES}, list(links)  # the default page is served at /
                links[f"/{page}"].click()
                wait.until(lambda d, page=page: d.current_url.rstrip("/").endswith(f"/{page}")
                           or (page == "overview" and d.current_url.rstrip("/") == origin))
                wait.until(lambda d, header=header: any(h.text == header for h in d.find_elements(By.CSS_SELECTOR, "h1, h2")))
                # every chart (the maps on members and alerts too) drawn on its canvas, no error box
                wait.until(lambda d, page=page: len([c for c in d.find_elements(By.CSS_SELECTOR, "[data-testid='stVegaLiteChart']")
                                          if c.find_elements(By.CSS_SELECTOR, "canvas, svg")]) == CHARTS[page])
                assert not driver.find_elements(By.CSS_SELECTOR, "[data-testid='stException'], [data-testid='stAlertContentError']"), page
                time.sleep(0.5)  # the last chart's paint
                screenshot(driver, f"fpo-app-{'en' if language == 'English' else 'kn'}-{page}")
            # Kannada is drawn with the shipped font (this Chromium has no other): no boxes for letters
            fonts = driver.execute_script(
                "return [...document.fonts].filter(f => f.family.replace(/\"/g, '') === 'Noto Sans Kannada'"
                " && f.status === 'loaded').map(f => f.unicodeRange)")
            assert any("U+C80" in r.upper() or "U+0C80" in r.upper() for r in fonts), fonts
            family = driver.execute_script("return getComputedStyle(document.querySelector('h1, h2')).fontFamily")
            assert "Noto Sans Kannada" in family, family
        assert not foreign_fetches(driver, origin)  # no map tiles, fonts or scripts from elsewhere
        # Streamlit's metrics (every manager's sessions) are not public
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(f"{origin}/_stcore/metrics", timeout=10)
        assert e.value.code == 404
    finally:
        if driver:
            driver.quit()
        os.killpg(proc.pid, 15)
        proc.wait(10)


def test_repeated_wrong_passwords_lock_the_user_out_even_with_the_right_one(published):
    import streamlit as st

    try:
        for _ in range(5):  # each a new browser session: the guard is the server's, not the session's
            at = signed_in("U_A2", "wrong password!")
            assert "wrong" in at.error[0].value
        at = signed_in("U_A2")  # the right password, within the lockout window
        assert "user" not in at.session_state and "Too many wrong sign-ins" in at.error[0].value
        # another user from the same address is not locked by U_A2's failures (the address budget is 20)
        assert "user" in signed_in("U_A1").session_state
    finally:
        st.cache_resource.clear()  # the next test starts with no failures counted


def test_a_session_ends_when_the_user_is_removed_or_their_role_changes(published):
    at = signed_in("U_A1")
    assert "user" in at.session_state
    auth.remove("U_A1")
    goto(at, "members")
    assert "user" not in at.session_state and "Farmer F1" not in everything_shown(at)
    assert "please sign in again" in at.warning[0].value
    auth.set_password("U_A1", PASSWORD)
    user = signed_in("U_A1").session_state["user"]
    role, farmer, fpo = "fpo_admin", None, "FPO1"
    assert auth.still_allowed(user, {"U_A1": (role, farmer, fpo)})
    # what the next publish says after a change in the app: another FPO, another role, or gone
    for changed in ({"U_A1": (role, farmer, "FPO2")}, {"U_A1": ("farmer", farmer, fpo)}, {}):
        assert not auth.still_allowed(user, changed)
    auth.set_password("U_A1", "a brand new password")  # a reset password ends the old sessions too
    assert not auth.still_allowed(user, {"U_A1": (role, farmer, fpo)})
