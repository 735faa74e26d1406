"""Build the demo world into a landing folder: landing/<source>/<YYYY-MM-DD>/<file>, each file in
the format its real source delivers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from simulator import app_activity, prices, sensors
from simulator.formats import pg_copy_csv, write_atomically
from simulator.population import build_population
from simulator.soil import soil_health_cards
from simulator.weather import forecast_payload, observation_payload, simulate_weather

Progress = Callable[[str], None]


@dataclass
class WorldSummary:
    farmers: int = 0
    farms: int = 0
    sensors: int = 0
    fpos: int = 0
    files: dict[str, int] = field(default_factory=dict)
    bytes: dict[str, int] = field(default_factory=dict)

    def add(self, source: str, path: Path, data: bytes) -> None:
        write_atomically(path, data)
        self.files[source] = self.files.get(source, 0) + 1
        self.bytes[source] = self.bytes.get(source, 0) + len(data)


def build_world(landing: Path, seed: int, farmers: int, start: dt.date, days: int, progress: Progress = lambda _: None,
                price_history_years: int = 0) -> WorldSummary:
    """`price_history_years`: years of daily mandi prices before `start`, landed on the first day as one
    Agmarknet export per commodity (what forecasts train and backtest on)."""
    if days < 1:
        raise ValueError("--days must be at least 1")
    if price_history_years < 0:
        raise ValueError("--price-history-years cannot be negative")
    landing = Path(landing)
    progress(f"population: {farmers:,} farmers")
    pop = build_population(seed, farmers, start)
    summary = WorldSummary(farmers, len(pop.farm_ids), len(pop.sensor_ids), len(pop.fpo_ids))
    weather = simulate_weather(seed, start, days)
    sensor_state = sensors.initial_state(seed, pop)
    series = prices.price_series(seed)
    if price_history_years:
        progress(f"mandi price history: {price_history_years} years before {start} ({len(series.mandi):,} series)")
        d = start.isoformat()
        for commodity, data in prices.history(seed, series, start, price_history_years).items():
            summary.add("mandi_prices", landing / "mandi_prices" / d / f"{commodity}__agmarknet_history_to_{d}.csv", data)
    app_state = app_activity.AppState()
    for j in range(days):
        day = start + dt.timedelta(days=j)
        d = day.isoformat()
        progress(f"day {j + 1}/{days} ({d}): app, sensors, weather, prices")
        activity = app_activity.simulate_day(seed, pop, day, app_state, weather, j)
        # Day one delivers a full extract of every app table; later days the rows changed that day.
        tables = dict(pop.tables) if j == 0 else {}
        for name, t in activity.items():
            tables[name] = t if name not in tables else _concat(tables[name], t)
        for name, t in tables.items():
            summary.add("app", landing / "app" / d / f"{name}.csv", pg_copy_csv(t))
        summary.add("sensors", landing / "sensors" / d / f"influx_soil_{d}.lp",
                    sensors.simulate_day(seed, pop, weather, j, sensor_state))
        summary.add("weather", landing / "weather" / d / f"owm_day_summary_{d}.json",
                    observation_payload(weather, j, f"{d}T23:30:00+05:30"))
        summary.add("weather", landing / "weather" / d / f"owm_onecall_{d}.json",
                    forecast_payload(weather, j, seed, f"{d}T05:30:00+05:30"))
        for commodity, data in prices.simulate_day(seed, series, day).items():
            summary.add("mandi_prices", landing / "mandi_prices" / d / f"{commodity}__agmarknet_{d}.csv", data)
    progress("soil health cards")
    summary.add("soil_health", landing / "soil_health" / start.isoformat() / f"shc_cards_{start.isoformat()}.csv",
                soil_health_cards(seed, pop, start))
    return summary


def _concat(a, b):
    # The snapshot already holds the farmer row being updated: the later version wins in silver.
    return pa.concat_tables([a, b.cast(a.schema)])
