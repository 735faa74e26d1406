"""Weather provider payloads (OpenWeatherMap One Call style) in the fetcher's envelope:

    {"provider": ..., "endpoint": "onecall" | "onecall/day_summary", "fetched_at": ISO-8601,
     "responses": [{"block_code": ..., "response": <provider body>}]}

`onecall` bodies carry `daily` forecasts (`rain` is absent on dry days, as in the real API);
`day_summary` bodies are one observed day. The last link of the fallback chain, the India
Meteorological Department's district forecast, comes as endpoint `imd/district_forecast` with
responses `[{"district", "blocks": [{"block_code", "lat", "lon"}, ...], "response": <IMD body>}]`; the IMD body:

    {"District": "BAGALKOTE", "Issue_Date": "2026-11-26", "Issue_Time": "13:00",
     "Forecast": [{"Date": "2026-11-27", "Max_Temp": 31.0, "Min_Temp": 18.0, "Rainfall_mm": 2.5,
                   "RH_Max": 80, "RH_Min": 45, "Wind_Speed_kmph": 10}, ...]}

A district forecast stands for each of its blocks (coarser; the row's provider says so), issued at
the IMD's own issue time (IST).
"""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa

from hasiru.config import IST
from ingestion.columns import CLOCK_TOLERANCE, RowIssues, to_float
from ingestion.decode import load_json
from ingestion.parsed import FileRejected, ParsedFile

OBS, FC = "bronze.weather_observations", "bronze.weather_forecasts"
RANGES = {"temp": (-10.0, 55.0), "humidity": (0.0, 100.0), "rain": (0.0, 1000.0), "wind": (0.0, 80.0), "pop": (0.0, 1.0)}


ENDPOINTS = ("onecall", "onecall/day_summary", "imd/district_forecast")


class Missing(Exception):
    pass


def _get(obj, *path):
    for p in path:
        if not isinstance(obj, dict) or p not in obj:
            raise Missing(".".join(path))
        obj = obj[p]
    return obj


def _text(v) -> str | None:
    return None if v is None else str(v)


def _envelope(data: bytes, name: str, now: dt.datetime) -> dict:
    doc = load_json(data, name)
    if not isinstance(doc, dict):
        raise FileRejected(f"{name}: expected a JSON object with provider, endpoint, fetched_at and responses")
    missing = [k for k in ("provider", "endpoint", "fetched_at", "responses") if k not in doc]
    if missing:
        raise FileRejected(f"{name}: envelope lacks {missing}")
    if doc["endpoint"] not in ENDPOINTS:
        raise FileRejected(f"{name}: unknown endpoint {doc['endpoint']!r} (expected one of {', '.join(ENDPOINTS)})")
    if not isinstance(doc["responses"], list):
        raise FileRejected(f"{name}: 'responses' is not a list")
    try:
        fetched_at = dt.datetime.fromisoformat(doc["fetched_at"])
    except (TypeError, ValueError) as exc:
        raise FileRejected(f"{name}: fetched_at {doc['fetched_at']!r} is not an ISO-8601 timestamp") from exc
    doc["fetched_at"] = fetched_at if fetched_at.tzinfo else fetched_at.replace(tzinfo=IST)
    if doc["fetched_at"] > now + CLOCK_TOLERANCE:
        raise FileRejected(f"{name}: fetched_at {fetched_at.isoformat()} is after the load ({now:%Y-%m-%d %H:%M} UTC): "
                           "the fetcher's clock is wrong, so no time in the file can be trusted")
    return doc


def parse(data: bytes, file_name: str, now: dt.datetime) -> ParsedFile:
    today = now.astimezone(IST).date()
    doc = _envelope(data, file_name, now)
    fetched_at = doc["fetched_at"]
    forecast = doc["endpoint"] in ("onecall", "imd/district_forecast")
    target = FC if forecast else OBS
    parsed = ParsedFile()
    rows: list[dict] = []
    numbers, raws = [], []
    rej = ([], [], [])
    for i, item in enumerate(doc["responses"], 1):
        raw = json.dumps(item, ensure_ascii=False)[:2000]
        try:
            body = _get(item, "response")
            if doc["endpoint"] != "imd/district_forecast":
                base = {"provider": doc["provider"], "block_code": _text(_get(item, "block_code")), "lat": _text(_get(body, "lat")),
                        "lon": _text(_get(body, "lon"))}
            if doc["endpoint"] == "imd/district_forecast":
                issued = dt.datetime.fromisoformat(f"{_get(body, 'Issue_Date')}T{_get(body, 'Issue_Time')}").replace(tzinfo=IST)
                if issued > now + CLOCK_TOLERANCE:
                    raise ValueError(f"Issue_Date/Issue_Time {issued:%Y-%m-%d %H:%M} IST is after the load (in the future)")
                days = _get(body, "Forecast")
                if not isinstance(days, list) or not days:
                    raise Missing("Forecast (empty)")
                for b in _get(item, "blocks"):
                    for k, d in enumerate(days):
                        parsed.rows_read += 1
                        try:
                            wind = _get(d, "Wind_Speed_kmph")
                            rh = [_get(d, "RH_Max"), _get(d, "RH_Min")]
                            rows.append({"provider": doc["provider"], "block_code": _text(_get(b, "block_code")),
                                         "lat": _text(_get(b, "lat")), "lon": _text(_get(b, "lon")), "issued_at": issued,
                                         "forecast_date": dt.date.fromisoformat(_get(d, "Date")),
                                         "temp_min_c": _text(_get(d, "Min_Temp")), "temp_max_c": _text(_get(d, "Max_Temp")),
                                         "humidity_pct": _text(None if None in rh else (float(rh[0]) + float(rh[1])) / 2),
                                         "rain_mm": _text(_get(d, "Rainfall_mm")), "rain_probability_pct": None,
                                         "wind_speed_m_s": _text(None if wind is None else float(wind) / 3.6)})
                            numbers.append(i); raws.append(raw)  # noqa: E702
                        except (Missing, TypeError, ValueError, OverflowError) as exc:
                            rej[0].append(i); rej[1].append(f"responses[{i - 1}].Forecast[{k}]: missing or bad {exc}"); rej[2].append(raw)  # noqa: E702
            elif forecast:
                daily = _get(body, "daily")
                if not isinstance(daily, list) or not daily:
                    raise Missing("daily (empty)")
                for k, d in enumerate(daily):
                    parsed.rows_read += 1
                    try:
                        day = dt.datetime.fromtimestamp(int(_get(d, "dt")), IST).date()
                        rows.append({**base, "issued_at": fetched_at, "forecast_date": day,
                                     "temp_min_c": _text(_get(d, "temp", "min")), "temp_max_c": _text(_get(d, "temp", "max")),
                                     "humidity_pct": _text(_get(d, "humidity")),
                                     "rain_mm": _text(d.get("rain", 0.0)),  # absent = no rain
                                     "rain_probability_pct": _text(None if d.get("pop") is None else float(d["pop"]) * 100),
                                     "wind_speed_m_s": _text(_get(d, "wind_speed"))})
                        numbers.append(i); raws.append(raw)  # noqa: E702
                    except (Missing, TypeError, ValueError, OverflowError, OSError) as exc:
                        rej[0].append(i); rej[1].append(f"responses[{i - 1}].daily[{k}]: missing or bad {exc}"); rej[2].append(raw)  # noqa: E702
            else:
                parsed.rows_read += 1
                rows.append({**base, "obs_date": dt.date.fromisoformat(_get(body, "date")),
                             "temp_min_c": _text(_get(body, "temperature", "min")),
                             "temp_max_c": _text(_get(body, "temperature", "max")),
                             "humidity_pct": _text(_get(body, "humidity", "afternoon")),
                             "rain_mm": _text(_get(body, "precipitation", "total")),
                             "wind_speed_m_s": _text(_get(body, "wind", "max", "speed")), "fetched_at": fetched_at})
                numbers.append(i); raws.append(raw)  # noqa: E702
        except (Missing, TypeError, ValueError, OverflowError, OSError) as exc:
            parsed.rows_read += 1  # an unreadable response counts as one record
            rej[0].append(i); rej[1].append(f"responses[{i - 1}]: missing or bad {exc}"); rej[2].append(raw)  # noqa: E702
    parsed.rejects.add(target, *[list(x) for x in rej])
    n = len(rows)
    issues = RowIssues(n)
    col = lambda k: pa.array([r[k] for r in rows], pa.string())  # noqa: E731
    payload = {"provider": col("provider"), "block_code": col("block_code"),
               "lat": to_float(col("lat"), "lat", issues, lo=-90, hi=90, required_=True),
               "lon": to_float(col("lon"), "lon", issues, lo=-180, hi=180, required_=True)}
    lo, hi = RANGES["temp"]
    if forecast:
        payload["issued_at"] = pa.array([r["issued_at"] for r in rows], pa.timestamp("us", tz="UTC"))
        payload["forecast_date"] = pa.array([r["forecast_date"] for r in rows], pa.date32())
    else:
        payload["obs_date"] = pa.array([r["obs_date"] for r in rows], pa.date32())
        future = pa.array([r["obs_date"] > today for r in rows], pa.bool_())
        issues.flag(future, "obs_date: in the future")
    payload["temp_min_c"] = to_float(col("temp_min_c"), "temp_min_c", issues, lo=lo, hi=hi, required_=True)
    payload["temp_max_c"] = to_float(col("temp_max_c"), "temp_max_c", issues, lo=lo, hi=hi, required_=True)
    payload["humidity_pct"] = to_float(col("humidity_pct"), "humidity_pct", issues, lo=0, hi=100)
    payload["rain_mm"] = to_float(col("rain_mm"), "rain_mm", issues, lo=0, hi=RANGES["rain"][1])
    if forecast:
        payload["rain_probability_pct"] = to_float(col("rain_probability_pct"), "rain_probability_pct", issues, lo=0, hi=100)
    payload["wind_speed_m_s"] = to_float(col("wind_speed_m_s"), "wind_speed_m_s", issues, lo=0, hi=RANGES["wind"][1])
    if not forecast:
        payload["fetched_at"] = pa.array([r["fetched_at"] for r in rows], pa.timestamp("us", tz="UTC"))
    parsed.accept(target, pa.table(payload), pa.array(numbers, pa.int64()), pa.array(raws, pa.string()), issues)
    return parsed
