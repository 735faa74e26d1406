"""The weather fallback chain (primary -> backup -> IMD) against local servers in the providers' wire
formats, with timeouts, HTTP 500, malformed JSON and empty responses; every row names its provider
and issue time; when every provider fails, the run says so and the last good data stays."""

import datetime as dt

import pytest

from ingestion.bronze import load_partition
from ingestion.connectors.weather import ChainExhausted, Provider, WeatherFetcher
from lake import delta_io
from lake.catalog import table
from simulator.geography import geography
from tests.weather_double import WeatherDouble

NOW = dt.datetime(2026, 11, 26, 0, 30, tzinfo=dt.timezone.utc)  # 06:00 IST
DAY = dt.date(2026, 11, 26)
# four blocks of two districts
BLOCKS = [b["block_code"] for b in geography().blocks if b["district"] in ("BAGALKOTE", "MANDYA")][:4]


@pytest.fixture
def servers():
    made = []

    def make(mode):
        made.append(WeatherDouble(mode, stall_s=0.6))
        return made[-1]
    yield make
    for s in made:
        s.close()


def fetcher(primary, backup, imd) -> WeatherFetcher:
    return WeatherFetcher([Provider("openweathermap", "owm", primary.url, "k1"), Provider("visualcrossing", "owm", backup.url, "k2"),
                           Provider("imd", "imd", imd.url)], timeout_s=0.3, retries=2, backoff_s=0.01, breaker_failures=3)


def forecasts() -> list[dict]:
    return delta_io.read_arrow(table("bronze.weather_forecasts")).to_pylist()


@pytest.mark.parametrize("primary_mode,backup_mode,served_by", [
    ("ok", "ok", "openweathermap"),
    ("500", "ok", "visualcrossing"),
    ("malformed", "ok", "visualcrossing"),
    ("timeout", "empty", "imd"),
    ("empty", "500", "imd"),
])
def test_the_chain_falls_back_and_rows_name_their_provider(lake_env, servers, primary_mode, backup_mode, served_by):
    f = fetcher(servers(primary_mode), servers(backup_mode), servers("ok"))
    report = f.fetch("forecast", DAY, now=NOW, blocks=BLOCKS)
    assert report.served == {"forecast": {served_by: len(BLOCKS)}} and not report.failed
    load_partition("weather", DAY)
    rows = forecasts()
    assert {r["provider"] for r in rows} == {served_by} and {r["block_code"] for r in rows} == set(BLOCKS)
    assert len(rows) == 5 * len(BLOCKS)
    issued = {r["issued_at"] for r in rows}
    if served_by == "imd":  # IMD's own issue time (13:00 IST the day before), not the fetch time
        assert issued == {dt.datetime(2026, 11, 26, 7, 30, tzinfo=dt.timezone.utc)}
        assert {r["wind_speed_m_s"] for r in rows} == {2.5}  # 9 km/h
    else:
        assert issued == {NOW}


def test_observations_fall_back_to_the_backup(lake_env, servers):
    f = fetcher(servers("timeout"), servers("ok"), servers("ok"))
    report = f.fetch("observed", DAY - dt.timedelta(days=1), now=NOW, blocks=BLOCKS)
    assert report.served == {"observed": {"visualcrossing": len(BLOCKS)}}
    load_partition("weather", DAY)
    obs = delta_io.read_arrow(table("bronze.weather_observations")).to_pylist()
    assert {(r["provider"], r["obs_date"]) for r in obs} == {("visualcrossing", DAY - dt.timedelta(days=1))}


def test_when_every_provider_fails_the_run_says_so_and_the_last_good_data_stays(lake_env, servers):
    good = fetcher(servers("ok"), servers("ok"), servers("ok"))
    good.fetch("forecast", DAY, now=NOW, blocks=BLOCKS)
    load_partition("weather", DAY)
    before = sorted(forecasts(), key=lambda r: (r["block_code"], r["forecast_date"]))

    primary = servers("500")
    bad = fetcher(primary, servers("malformed"), servers("timeout"))
    with pytest.raises(ChainExhausted, match=r"no provider served 4 of 4 blocks") as err:
        bad.fetch("forecast", DAY, now=NOW + dt.timedelta(hours=6), blocks=BLOCKS)
    assert err.value.report.files == [] and set(err.value.report.problems) == {"openweathermap", "visualcrossing", "imd"}
    # the circuit breaker: after 3 failed calls (2 tries each... opened at the 3rd) the primary is not called again
    assert primary.requests <= 4
    load_partition("weather", DAY)
    after = sorted(forecasts(), key=lambda r: (r["block_code"], r["forecast_date"]))
    strip = lambda rows: [{k: v for k, v in r.items() if k not in ("load_id", "loaded_at")} for r in rows]  # noqa: E731
    assert strip(after) == strip(before)
