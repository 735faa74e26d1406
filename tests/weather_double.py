"""Local HTTP servers that play the weather providers on loopback: an OpenWeatherMap One Call API
(`/data/3.0/onecall`, `/data/3.0/onecall/day_summary`) and an IMD-style district forecast API
(`/api/district_forecast`), in their wire formats, with a fault mode per server: ok, timeout (answers
after the client gave up), 500, malformed (truncated JSON), empty (200 with no body)."""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler

from hasiru.config import IST
from tests.servers import LoopbackHTTP, send_json



def onecall(lat: float, lon: float, start: dt.date, seed: float) -> dict:
    daily = []
    for k in range(5):
        d = start + dt.timedelta(days=k)
        noon = int(dt.datetime.combine(d, dt.time(12), IST).timestamp())
        day = {"dt": noon, "temp": {"min": 18.0 + seed % 3, "max": 30.0 + k}, "humidity": 60 + k, "wind_speed": 2.5, "pop": 0.2}
        if k == 2:
            day["rain"] = 12.5
        daily.append(day)
    return {"lat": lat, "lon": lon, "timezone": "Asia/Kolkata", "timezone_offset": 19800, "daily": daily}


def day_summary(lat: float, lon: float, day: str) -> dict:
    return {"lat": lat, "lon": lon, "tz": "+05:30", "date": day, "units": "metric",
            "temperature": {"min": 19.5, "max": 31.0}, "humidity": {"afternoon": 55.0},
            "precipitation": {"total": 3.2}, "wind": {"max": {"speed": 4.1, "direction": 120}}}


def imd(district: str, start: dt.date) -> dict:
    return {"District": district, "Issue_Date": str(start - dt.timedelta(days=1)), "Issue_Time": "13:00",
            "Forecast": [{"Date": str(start + dt.timedelta(days=k)), "Max_Temp": 32.0, "Min_Temp": 19.0, "Rainfall_mm": 0.0,
                          "RH_Max": 85, "RH_Min": 45, "Wind_Speed_kmph": 9.0} for k in range(5)]}


class WeatherDouble(LoopbackHTTP):
    def __init__(self, mode: str = "ok", stall_s: float = 1.0, start: dt.date = dt.date(2026, 11, 27)):
        self.mode, self.stall_s, self.start = mode, stall_s, start
        self.requests = 0
        super().__init__(self._handler())

    def _handler(self):
        double = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: bytes) -> None:
                send_json(self, status, body)

            def do_GET(self):
                double.requests += 1
                url = urllib.parse.urlsplit(self.path)
                q = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
                if double.mode == "timeout":
                    time.sleep(double.stall_s)
                if double.mode == "500":
                    return self._send(500, b'{"cod": 500, "message": "Internal error"}')
                if double.mode == "empty":
                    return self._send(200, b"")
                if url.path == "/data/3.0/onecall":
                    body = onecall(float(q["lat"]), float(q["lon"]), double.start, float(q["lat"]) * 10)
                elif url.path == "/data/3.0/onecall/day_summary":
                    body = day_summary(float(q["lat"]), float(q["lon"]), q["date"])
                elif url.path == "/api/district_forecast":
                    body = imd(q["district"], double.start)
                else:
                    return self._send(404, b'{"message": "not found"}')
                data = json.dumps(body).encode()
                self._send(200, data[: len(data) // 2] if double.mode == "malformed" else data)

        return Handler
