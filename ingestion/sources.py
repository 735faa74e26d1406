"""The five source families: which bronze tables each fills and which parser reads which file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from ingestion.parsed import FileRejected, ParsedBatch, ParsedFile
from ingestion.parsers import (agmarknet, agmarknet_api, app_csv, crop_statistics, iot_csv, line_protocol, soil_health,
                               weather_json)
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
    # optional: (suffix, parser of many files at once) for formats whose files are many and small
    batch: tuple[str, Callable[[list[tuple[str, bytes]], LoadContext], ParsedBatch]] | None = None

    def parse(self, data: bytes, rel_path: str, ctx: LoadContext) -> ParsedFile:
        for suffix, fn in self.parsers.items():
            if rel_path.lower().endswith(suffix):
                return fn(data, rel_path, ctx)
        raise FileRejected(f"{rel_path}: no {self.name} parser for this kind of file (expected {', '.join(self.parsers)})")

    def parse_batch(self, files: list[tuple[str, bytes]], ctx: LoadContext) -> ParsedBatch:
        """Parse all files of one load; a file that cannot be parsed at all is listed in rejected_files."""
        others = files
        batch = ParsedBatch()
        if self.batch is not None:
            suffix, fn = self.batch
            batch = fn([f for f in files if f[0].lower().endswith(suffix)], ctx)
            others = [f for f in files if not f[0].lower().endswith(suffix)]
        for rel, data in others:
            try:
                batch.add_file(rel, self.parse(data, rel, ctx))
            except FileRejected as exc:
                batch.rejected_files[rel] = str(exc)
        return batch


SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source("sensors", ("bronze.sensor_readings",),
               {".lp": lambda d, p, c: line_protocol.parse(d, p, c.now), ".csv": lambda d, p, c: iot_csv.parse(d, p, c.now)},
               "Field sensor readings: InfluxDB line protocol exports and older CSV exports"),
        Source("weather", ("bronze.weather_observations", "bronze.weather_forecasts"),
               {".json": lambda d, p, c: weather_json.parse(d, p, c.now)},
               "Weather provider payloads: daily observations and 5-day forecasts per block"),
        Source("mandi_prices", ("bronze.mandi_prices",),
               {".csv": lambda d, p, c: agmarknet.parse(d, p, c.today),
                ".json": lambda d, p, c: agmarknet_api.parse(d, p, c.today)},
               "Agmarknet daily mandi prices and arrivals: CSV exports and data.gov.in API pages",
               batch=(".csv", lambda files, c: agmarknet.parse_batch(files, c.today))),
        Source("soil_health", ("bronze.soil_health_cards", "bronze.soil_health_village_classes"),
               {".csv": lambda d, p, c: soil_health.parse(d, p, c.today)},
               "Soil Health Card results and dashboard village summaries"),
        Source("crop_statistics", ("bronze.crop_statistics",),
               {".csv": lambda d, p, c: crop_statistics.parse(d, p, c.today)},
               "District crop statistics (area, production, yield) from the DES APY export or data.gov.in"),
        Source("app", tuple(spec.name for spec in APP.values()),
               {".csv": lambda d, p, c: app_csv.parse(d, p, c.now)},
               "The app's PostgreSQL tables, extracted as CSV"),
    )
}


def source(name: str) -> Source:
    try:
        return SOURCES[name]
    except KeyError:
        raise KeyError(f"unknown source {name!r}; known: {', '.join(SOURCES)}") from None
