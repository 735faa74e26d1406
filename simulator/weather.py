"""Daily weather per block (the truth) and what providers report and forecast about it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import numpy as np

from simulator.geography import geography, rain_normal_mm
from simulator.rng import rng_for

TMAX_BASE = {"coastal": 31.0, "malnad": 28.5, "north": 33.0, "south": 30.0}
DIURNAL_RANGE = {"coastal": 7.0, "malnad": 10.0, "north": 13.0, "south": 11.0}
HUMIDITY_BASE = {"coastal": 80.0, "malnad": 76.0, "north": 52.0, "south": 62.0}
# Seasonal shift of Tmax by month: hottest before the monsoon, coolest in the wet months and winter.
TMAX_MONTH_SHIFT = [-1.0, 1.0, 3.0, 4.0, 3.5, -1.0, -3.0, -3.0, -2.0, -1.5, -2.0, -2.5]
MEAN_WET_DAY_MM = 12.0
FORECAST_DAYS = 5


@dataclass
class Weather:
    dates: list[dt.date]  # covers the world's days plus the forecast horizon
    tmin: np.ndarray  # [block, day]
    tmax: np.ndarray
    humidity: np.ndarray
    rain_mm: np.ndarray
    wind_m_s: np.ndarray


def simulate_weather(seed: int, start: dt.date, days: int) -> Weather:
    geo = geography()
    districts = {d["district"]: d for d in geo.districts}
    n_days = days + FORECAST_DAYS
    dates = [start + dt.timedelta(days=i) for i in range(n_days)]
    nb = len(geo.blocks)
    region = [b["agro_region"] for b in geo.blocks]
    block_district = [b["district"] for b in geo.blocks]
    district_names = sorted(districts)
    d_index = np.array([district_names.index(d) for d in block_district])
    shape = (nb, n_days)
    tmin, tmax, hum, rain, wind = (np.zeros(shape) for _ in range(5))
    anomaly = np.zeros(nb)
    for j, day in enumerate(dates):
        r = rng_for(seed, "weather", day.toordinal())
        p_wet = np.array([min(0.85, rain_normal_mm(districts[n], day.month) / (30 * MEAN_WET_DAY_MM)) for n in district_names])
        district_wet = r.random(len(district_names)) < p_wet
        wet = np.where(district_wet[d_index], r.random(nb) < 0.8, r.random(nb) < 0.04)
        rain[:, j] = np.where(wet, np.round(r.exponential(MEAN_WET_DAY_MM, nb), 1), 0.0)
        anomaly = 0.7 * anomaly + r.normal(0, 0.8, nb)  # temperature anomalies persist for days
        base = np.array([TMAX_BASE[x] for x in region]) + TMAX_MONTH_SHIFT[day.month - 1]
        tmax[:, j] = np.round(base + anomaly - 2.0 * wet, 1)
        tmin[:, j] = np.round(tmax[:, j] - np.array([DIURNAL_RANGE[x] for x in region]) + 1.5 * wet + r.normal(0, 0.5, nb), 1)
        hum[:, j] = np.round(np.clip(np.array([HUMIDITY_BASE[x] for x in region]) + 15 * wet + r.normal(0, 5, nb), 15, 100))
        wind[:, j] = np.round(np.clip(r.gamma(4, 0.8, nb), 0.3, 15), 1)
    return Weather(dates, tmin, tmax, hum, rain, wind)


def _unix(day: dt.date, hour: int) -> int:
    ist = dt.timezone(dt.timedelta(hours=5, minutes=30))
    return int(dt.datetime.combine(day, dt.time(hour), ist).timestamp())


def observation_payload(w: Weather, j: int, fetched_at: str) -> bytes:
    """OpenWeatherMap One Call `day_summary` responses for every block, in our fetcher's envelope."""
    geo = geography()
    day = w.dates[j]
    responses = []
    for i, b in enumerate(geo.blocks):
        responses.append({
            "block_code": b["block_code"],
            "response": {
                "lat": round(b["lat"], 4), "lon": round(b["lon"], 4), "tz": "+05:30", "date": day.isoformat(), "units": "metric",
                "temperature": {"min": w.tmin[i, j], "max": w.tmax[i, j]},
                "humidity": {"afternoon": w.humidity[i, j]},
                "precipitation": {"total": w.rain_mm[i, j]},
                "wind": {"max": {"speed": w.wind_m_s[i, j], "direction": 240}},
            },
        })
    return json.dumps({"provider": "openweathermap", "endpoint": "onecall/day_summary", "fetched_at": fetched_at,
                       "responses": responses}).encode()


def forecast_payload(w: Weather, j: int, seed: int, fetched_at: str) -> bytes:
    """OpenWeatherMap One Call `daily` forecasts issued on day j for days j..j+4 (error grows with lead).
    As in the real API, `rain` is absent on days without rain."""
    geo = geography()
    r = rng_for(seed, "forecast", w.dates[j].toordinal())
    responses = []
    for i, b in enumerate(geo.blocks):
        daily = []
        for lead in range(FORECAST_DAYS):
            k = j + lead
            err = 0.6 + 0.5 * lead
            true_rain = w.rain_mm[i, k]
            rain = max(0.0, round(true_rain * r.lognormal(0, 0.3 + 0.15 * lead) + (r.random() < 0.05 * lead) * r.exponential(5), 1))
            entry = {
                "dt": _unix(w.dates[k], 12),
                "temp": {"min": round(w.tmin[i, k] + r.normal(0, err), 1), "max": round(w.tmax[i, k] + r.normal(0, err), 1)},
                "humidity": int(np.clip(w.humidity[i, k] + r.normal(0, 3 * err), 10, 100)),
                "wind_speed": round(max(0.0, w.wind_m_s[i, k] + r.normal(0, 0.5 * err)), 1),
                "pop": round(float(np.clip((0.85 if true_rain > 0 else 0.1) + r.normal(0, 0.1 * (1 + lead)), 0, 1)), 2),
            }
            if rain > 0:
                entry["rain"] = rain
            daily.append(entry)
        responses.append({"block_code": b["block_code"], "response": {
            "lat": round(b["lat"], 4), "lon": round(b["lon"], 4), "timezone": "Asia/Kolkata", "timezone_offset": 19800,
            "daily": daily}})
    return json.dumps({"provider": "openweathermap", "endpoint": "onecall", "fetched_at": fetched_at,
                       "responses": responses}).encode()
