"""The five source families: which bronze tables each fills and which parser reads which file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from ingestion.parsed import FileRejected, ParsedFile
from ingestion.parsers import agmarknet, app_csv, iot_csv, line_protocol, soil_health, weather_json
from lake.tables import APP


@dataclass(frozen=True)
class LoadContext:
    now: dt.datetime  # load time (UTC): nothing may be stamped later than this
    today: dt.date  # load date in IST: no price, observation or sample may be dated later


@dataclass(frozen=True)
class Source:
    name: str
    targets: tuple[str, ...]
    parsers: dict[str, Callable[[bytes, str, LoadContext], ParsedFile]]  # file suffix -> parser
    description: str

    def parse(self, data: bytes, rel_path: str, ctx: LoadContext) -> ParsedFile:
        for suffix, fn in self.parsers.items():
            if rel_path.lower().endswith(suffix):
                return fn(data, rel_path, ctx)
        raise FileRejected(f"{rel_path}: no {self.name} parser for this kind of file (expected {', '.join(self.parsers)})")


SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source("sensors", ("bronze.sensor_readings",),
               {".lp": lambda d, p, c: line_protocol.parse(d, p, c.now), ".csv": lambda d, p, c: iot_csv.parse(d, p, c.now)},
               "Field sensor readings: InfluxDB line protocol exports and older CSV exports"),
        Source("weather", ("bronze.weather_observations", "bronze.weather_forecasts"),
               {".json": lambda d, p, c: weather_json.parse(d, p, c.today)},
               "Weather provider payloads: daily observations and 5-day forecasts per block"),
        Source("mandi_prices", ("bronze.mandi_prices",),
               {".csv": lambda d, p, c: agmarknet.parse(d, p, c.today)},
               "Agmarknet daily mandi prices and arrivals"),
        Source("soil_health", ("bronze.soil_health_cards", "bronze.soil_health_village_classes"),
               {".csv": lambda d, p, c: soil_health.parse(d, p, c.today)},
               "Soil Health Card results and dashboard village summaries"),
        Source("app", tuple(spec.name for spec in APP.values()),
               {".csv": lambda d, p, c: app_csv.parse(d, p)},
               "The app's PostgreSQL tables, extracted as CSV"),
    )
}


def source(name: str) -> Source:
    try:
        return SOURCES[name]
    except KeyError:
        raise KeyError(f"unknown source {name!r}; known: {', '.join(SOURCES)}") from None
