"""Soil probes every 15 minutes: moisture that dries, rises with rain and irrigation, diurnal soil
temperature, EC; and the faults real probes have (dropouts, spikes, stuck values, error codes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from simulator.formats import fmt_number, line_protocol
from simulator.population import IST, Population
from simulator.rng import rng_for
from simulator.weather import Weather

POINTS_PER_DAY = 96  # every 15 minutes
FIELD_CAPACITY = {"black_cotton": 42.0, "alluvial": 36.0, "laterite": 30.0, "red_loam": 32.0, "red_sandy": 26.0}
ERROR_CODE = 6553.5  # what an HW-390 board sends when the ADC read fails (0xFFFF / 10)


@dataclass
class SensorState:
    vwc: np.ndarray  # soil moisture at the start of the next day
    battery: np.ndarray
    stuck_value: np.ndarray = field(default_factory=lambda: np.array([]))


def initial_state(seed: int, pop: Population) -> SensorState:
    r = rng_for(seed, "sensor-init")
    n = len(pop.sensor_ids)
    return SensorState(vwc=r.uniform(14, 30, n), battery=r.uniform(3.7, 4.1, n))


def simulate_day(seed: int, pop: Population, weather: Weather, j: int, state: SensorState) -> bytes:
    """One day of points for every sensor, as InfluxDB line protocol (nanosecond timestamps)."""
    day = weather.dates[j]
    r = rng_for(seed, "sensors", day.toordinal())
    farms = pop.sensor_farm
    n = len(farms)
    soil = pop.tables["farms"]["soil_type"].to_numpy(zero_copy_only=False)[farms]
    irrigated = pop.tables["farms"]["irrigation"].to_numpy(zero_copy_only=False)[farms] != "rainfed"
    fc = np.array([FIELD_CAPACITY[s] for s in soil])
    blocks = pop.farm_block[farms]
    rain = weather.rain_mm[blocks, j]
    tmax = weather.tmax[blocks, j]
    tmin = weather.tmin[blocks, j]

    # Daily water balance: evaporative drying, rain and irrigation raise moisture towards capacity.
    drying = 0.25 + 0.05 * np.clip(tmax - 25, 0, 15)
    irrigate = irrigated & (state.vwc < 0.6 * fc) & (r.random(n) < 0.7)
    gain = np.where(rain > 0, rain * 0.35, 0.0) + np.where(irrigate, r.uniform(6, 12, n), 0.0)
    event_slot = r.integers(20, 80, n)  # when the rain or irrigation happened
    slots = np.arange(POINTS_PER_DAY)
    frac = slots / POINTS_PER_DAY
    vwc = state.vwc[:, None] - drying[:, None] * frac[None, :]
    vwc = vwc + gain[:, None] * (slots[None, :] >= event_slot[:, None])
    vwc = np.minimum(vwc, fc[:, None] + r.normal(0, 0.3, (n, 1)))
    vwc = vwc - 0.4 * np.sin(np.pi * np.clip((slots - 40) / 40, 0, 1))[None, :] + r.normal(0, 0.15, (n, POINTS_PER_DAY))
    vwc = np.clip(vwc, 3, 60)
    state.vwc = vwc[:, -1].copy()

    # Soil temperature lags air temperature, peaking mid-afternoon; wet soil swings less.
    hour = slots / 4
    amp = (tmax - tmin)[:, None] * 0.35 * np.where(vwc > 30, 0.7, 1.0)
    soil_t = ((tmax + tmin) / 2)[:, None] + amp * np.sin(2 * np.pi * (hour - 9) / 24)[None, :] + r.normal(0, 0.2, (n, POINTS_PER_DAY))
    ec = np.clip(0.15 + 0.018 * vwc + r.normal(0, 0.03, (n, POINTS_PER_DAY)), 0.02, None)
    sun = np.clip(np.sin(np.pi * (hour - 6) / 12), 0, None)[None, :]
    battery = np.clip(state.battery[:, None] - 0.002 * slots[None, :] / 4 + 0.015 * np.cumsum(sun, axis=1) / 4, 3.3, 4.2)
    state.battery = battery[:, -1] - 0.01

    # Faults: stuck probes repeat one value all day, spikes, failed ADC reads, dropped points.
    stuck = r.random(n) < 0.01
    vwc[stuck] = vwc[stuck, :1]
    spikes = r.random((n, POINTS_PER_DAY)) < 0.001
    vwc = np.where(spikes, np.minimum(vwc + 30, 99.0), vwc)
    vwc = np.where(r.random((n, POINTS_PER_DAY)) < 0.0002, ERROR_CODE, vwc)
    keep = r.random((n, POINTS_PER_DAY)) >= 0.02
    outage = r.random(n) < 0.05  # a few hours of silence (solar/radio) on some probes
    start_gap = r.integers(0, 80, n)
    keep &= ~(outage[:, None] & (slots[None, :] >= start_gap[:, None]) & (slots[None, :] < start_gap[:, None] + 16))

    midnight_ns = int(dt.datetime.combine(day, dt.time(0), IST).timestamp()) * 1_000_000_000
    ts = midnight_ns + slots * 900 * 1_000_000_000
    si, ti = np.nonzero(keep)
    tags = {
        "sensor_id": pa.array(pop.sensor_ids[si]),
        "farm_id": pa.array(pop.farm_ids[farms[si]]),
    }
    fields = {
        "soil_moisture_vwc_pct": fmt_number(vwc[si, ti], 2),
        "soil_temperature_c": fmt_number(soil_t[si, ti], 2),
        "ec_ds_per_m": fmt_number(ec[si, ti], 3),
        "battery_v": fmt_number(battery[si, ti], 2),
    }
    return line_protocol("soil", tags, fields, ts[ti])
