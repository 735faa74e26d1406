"""Connectors as Dagster assets: configured from the environment; a failing connector marks its own
asset failed with the reason while the others in the same run still land their data."""

import dagster as dg

from dagster_project.ingestion.connectors import (CONNECTOR_RESOURCES, mandi_prices_from_api, sensors_from_influxdb,
                                                  weather_from_providers)
from ingestion import landing
from tests.weather_double import WeatherDouble


def test_a_failing_connector_fails_its_asset_and_the_others_still_land(lake_env, monkeypatch):
    weather = WeatherDouble("ok")
    try:
        monkeypatch.setenv("HASIRU_WEATHER_PRIMARY_URL", weather.url)
        monkeypatch.delenv("HASIRU_INFLUX_URL", raising=False)
        monkeypatch.setenv("HASIRU_DATAGOVIN_API_KEY", "k")
        monkeypatch.setenv("HASIRU_DATAGOVIN_URL", "http://127.0.0.1:9")  # nothing listens: connection refused
        result = dg.materialize([sensors_from_influxdb, weather_from_providers, mandi_prices_from_api],
                                resources=CONNECTOR_RESOURCES, raise_on_error=False,
                                run_config={"ops": {"landing__weather_providers": {"config": {"kind": "forecast"}}}})
    finally:
        weather.close()
    assert not result.success
    done = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert done == {"landing/weather_providers"}
    failures = {e.step_key: e.event_specific_data.error.message for e in result.all_events if e.is_step_failure}
    assert "HASIRU_INFLUX_URL is not set" in failures["landing__sensors_influxdb"]
    assert "data.gov.in" in failures["landing__mandi_prices_api"] and "connection failed" in failures["landing__mandi_prices_api"]
    days = landing.landing_dates("weather")
    assert len(days) == 1 and len(landing.list_files("weather", days[0])) == 1


def test_status_shows_the_connectors_watermarks(lake_env):
    import datetime as dt
    import subprocess
    import sys

    from ingestion.connectors import watermarks

    watermarks.set("app_postgres", "farms", dt.datetime(2026, 11, 26, 5, 0, tzinfo=dt.timezone.utc), "FM00000042")
    out = subprocess.run([sys.executable, "-m", "hasiru", "status"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("app_postgres"))
    assert "farms" in line and "2026-11-26 05:00:00+00:00" in line
