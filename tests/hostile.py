"""Hostile files for every source format: a small valid file per format, and one cell per class of
damage (empty, truncated, encodings, BOM, NUL, column count, header, numbers, dates, impossible
dates, ranges, future, duplicates, re-delivery, huge line, huge field, unbalanced quote, bare CR,
huge integers, deep nesting, binary). A cell says what a correct load keeps: how many of the file's
valid rows, and what the quarantine reason (or the file's rejection) must name."""

from __future__ import annotations

import codecs
import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import dataclass

from lake.tables import SHC_CLASS_COLUMNS

NOW = dt.datetime(2026, 11, 26, 6, 0, tzinfo=dt.timezone.utc)  # the load's clock (tests' `now` fixture)
CLASSES = ("valid", "embedded_header", "empty", "truncated", "utf16", "utf16_no_bom", "latin1_line", "bom", "nul", "column_count", "header",
           "numbers", "dates", "impossible_dates", "ranges", "future", "duplicates", "redelivery", "huge_line",
           "huge_field", "long_key", "unbalanced_quote", "bare_cr", "huge_integers", "deep_nesting", "binary", "truncated_timestamp",
           "lone_surrogate")
HUGE_LINE = 20 * 1024 * 1024
HUGE_FIELD = 130 * 1024  # past the csv module's 128 KiB field limit
LONG_KEY = 200_000


@dataclass
class Cell:
    fmt: str
    cls: str
    source: str
    name: str  # landing file name
    data: bytes
    kept: int  # valid rows of the file that must reach bronze
    reason: str | None = None  # a quarantine reason of this file must match this (regular expression)
    rejected: str | None = None  # the file must be rejected whole, its message matching this
    duplicate: bool = False  # the file repeats one landed the day before: skipped, nothing loaded again
    quarantined: int | None = None  # rows that must be quarantined (default: 1 with a reason, else 0)

    @property
    def day_offset(self) -> int:
        return 1 if self.duplicate else 0


@dataclass
class CsvFormat:
    """A CSV format: header, valid rows, and where each kind of bad value goes."""

    fmt: str
    source: str
    name: str
    header: str
    rows: list[list[str]]
    number: int  # column of a number
    date: tuple[int, str, str, str] | None  # (column, wrong shape, impossible, future)
    ranged: tuple[int, str, str] | None  # (column, value outside the physical range, reason)
    key: int  # a text column every row needs
    wrong_header: str = "when,who,what"
    date_reason: str = "not a date"

    def line(self, fields: list[str]) -> str:
        return ",".join(fields)

    def file(self, extra: list[str] = (), rows: list[list[str]] | None = None, sep: str = "\n") -> bytes:
        lines = [self.header] + [self.line(r) for r in (self.rows if rows is None else rows)] + list(extra)
        return (sep.join(lines) + sep).encode("utf-8")

    def with_value(self, col: int, value: str, base: int = 0) -> str:
        row = list(self.rows[base])
        row[col] = value
        return self.line(row)

    def cells(self) -> list[Cell]:
        v = len(self.rows)
        c = lambda cls, data, kept=v, **kw: Cell(self.fmt, cls, self.source, self.name.format(cls=cls), data, kept, **kw)  # noqa: E731
        good = self.file()
        out = [
            c("valid", good),
            c("empty", b"", 0, rejected="empty file"),
            c("truncated", good[: len(good) - len(self.line(self.rows[-1])) // 2 - 1], v - 1, reason="fields"),
            c("utf16", codecs.BOM_UTF16_LE + good.decode().encode("utf-16-le")),
            c("utf16_no_bom", good.decode().encode("utf-16-be")),
            c("latin1_line", good + self.with_value(self.key, "Caf\xe9").encode("latin-1") + b"\n", reason="not valid UTF-8"),
            c("bom", codecs.BOM_UTF8 + good),
            c("nul", good + self.with_value(self.key, "A\x00B").encode() + b"\n", reason="NUL byte"),
            c("column_count", self.file([",".join(self.rows[0][:2])]), reason="fields"),
            c("header", (self.wrong_header + "\n").encode() + good.split(b"\n", 1)[1], 0, rejected="header"),
            c("numbers", self.file([self.with_value(self.number, "12x5")]), reason="not a (whole )?number"),
            # the header again inside the body (files concatenated by hand): a row of column names, not data
            c("embedded_header", self.file([self.header]), reason="not a|not '|not Karnataka|expected .* fields"),
            c("duplicates", self.file([self.line(self.rows[0])]), reason="duplicate of row"),
            c("redelivery", good, 0, duplicate=True),
            c("huge_line", self.file([self.with_value(self.key, "x" * HUGE_LINE)]), reason="longer than"),
            c("huge_field", self.file([self.with_value(self.key, "y" * HUGE_FIELD)]), reason="longer than"),
            c("long_key", self.file([self.with_value(self.key, "K" * 5000)]), reason="more than the 4,096"),
            c("unbalanced_quote", self.file([self.with_value(self.key, '"open')]), reason="unbalanced quote"),
            c("bare_cr", self.file(sep="\r")),
            c("huge_integers", self.file([self.with_value(self.number, "9" * 5000)]), reason="not a finite number|18 digits"),
            c("binary", random.Random(self.fmt).randbytes(5000), 0, rejected="binary"),
        ]
        if self.date:
            col, shape, impossible, future = self.date
            out += [c("dates", self.file([self.with_value(col, shape)]), reason=self.date_reason),
                    c("impossible_dates", self.file([self.with_value(col, impossible)]), reason="not a"),
                    c("future", self.file([self.with_value(col, future)]), reason="in the future")]
        if self.ranged:
            col, value, reason = self.ranged
            out.append(c("ranges", self.file([self.with_value(col, value)]), reason=reason))
        return out


SHC_VALUES = ["6.5", "0.4", "0.6", "250", "20", "180", "12", "0.8", "6", "1.2", "5", "0.6"]
CSV_FORMATS = [
    CsvFormat("agmarknet_export", "mandi_prices", "tomato__{cls}.csv",
              "Market,Arrival Date,Arrivals (Tonnes),Variety,Minimum Price(Rs./Quintal),Maximum Price(Rs./Quintal),"
              "Modal Price(Rs./Quintal),",
              [["Kolar", "0{}/11/2026".format(d), "12", "Hybrid", "1000", "1400", "1200", ""] for d in (1, 2, 3)],
              number=6, date=(1, "2026-11-04", "31/02/2026", "27/11/2026"), ranged=(6, "-50", "below 0"), key=3),
    CsvFormat("wholesale_monthly", "mandi_prices", "onion__{cls}.csv", "MANDINAME,DATE,ARRIVAL,MIN,MAX,PRICE",
              [["HUBLI (AMARAGOL)", f"0{d}/11/26", "40", "800", "1200", "1000"] for d in (1, 2, 3)],
              number=5, date=(1, "Nov 4 2026", "30/02/26", "28/11/26"), ranged=(5, "20000000", "above 1e\\+06"), key=0),
    CsvFormat("sensor_csv", "sensors", "board_{cls}.csv", "Timestamp,Farm_ID,Volumetric_Moisture_Pct,Soil_Temperature_C",
              [[f"2026-11-25 0{h}:00:00", "FA0000001", "24.5", "23.0"] for h in (1, 2, 3)],
              number=2, date=(0, "25/11/2026 04:00", "2026-13-05 10:00:00", "2026-12-05 10:00:00"), ranged=(2, "140", "above 100"),
              key=1, date_reason="not 'YYYY-MM-DD HH:MM:SS'"),
    CsvFormat("soil_health_cards", "soil_health", "cards_{cls}.csv",
              "Card No,Farm ID,Sample Date,District,Block,Village,pH,EC (dS/m),Organic Carbon (%),Available N (kg/ha),"
              "Available P (kg/ha),Available K (kg/ha),Available S (ppm),Zn (ppm),Fe (ppm),Cu (ppm),Mn (ppm),B (ppm)",
              [[f"KA/2024/{i}", f"FA000000{i}", "12-06-2024", "BAGALKOTE", "BADAMI", "Kerur"] + SHC_VALUES for i in (1, 2, 3)],
              number=6, date=(2, "2024/06/12", "31-04-2024", "01-01-2027"), ranged=(6, "15.2", "above 14"), key=0),
    CsvFormat("soil_health_villages", "soil_health", "{cls}/2024-25/KARNATAKA/BAGALKOTE/BADAMI - 5753_macro.csv",
              "village," + ",".join(SHC_CLASS_COLUMNS),
              [[v] + [str(i + 1) for i in range(len(SHC_CLASS_COLUMNS))] for v in ("Kerur", "Badami", "Guledgudda")],
              number=1, date=None, ranged=(1, "-3", "below 0"), key=0, wrong_header="villages,when"),
    CsvFormat("des_apy", "crop_statistics", "apy_{cls}.csv",
              "State,District,Crop,Year,Season,Area,Area Units,Production,Production Units,Yield",
              [["Karnataka", "BAGALKOT", c, "2019-20", "Kharif     ", "1200", "Hectare", "3000", "Tonnes", "2.5"]
               for c in ("Maize", "Tur", "Jowar")],
              number=5, date=(3, "twenty19", "2019-2", "2031-32"), ranged=(5, "-10", "below 0"), key=2, date_reason="not a year"),
    CsvFormat("app_farms", "app", "farms__{cls}.csv",
              "farm_id,farmer_id,area_acres,lat,lon,district,block_code,soil_type,irrigation,updated_at",
              [[f"FA000000{i}", f"FR000000{i}", "2.5", "16.1", "75.7", "BAGALKOTE", "5753", "black", "borewell",
                "2026-11-19 07:27:05+05:30"] for i in (1, 2, 3)],
              number=2, date=(9, "19/11/2026", "2026-13-19 07:27:05+05:30", "2030-01-01 00:00:00+05:30"),
              ranged=(2, "-4", "below 0"), key=0, date_reason="not a timestamp"),
]


def _lp(i: int, moisture: str = "24.5", ts: str | None = None, sensor: str = "S1") -> str:
    ns = ts if ts is not None else str(int(dt.datetime(2026, 11, 25, i, tzinfo=dt.timezone.utc).timestamp()) * 10**9)
    return f"soil,farm_id=FA0000001,sensor_id={sensor} soil_moisture_vwc_pct={moisture},soil_temperature_c=23.0 {ns}"


def line_protocol_cells() -> list[Cell]:
    rows = [_lp(i) for i in (1, 2, 3)]
    good = ("\n".join(rows) + "\n").encode()
    plus = lambda line: good + line.encode() + b"\n"  # noqa: E731
    c = lambda cls, data, kept=3, **kw: Cell("line_protocol", cls, "sensors", f"probe_{cls}.lp", data, kept, **kw)  # noqa: E731
    return [
        c("valid", good),
        c("empty", b"", 0, rejected="empty file"),
        c("truncated", good[: len(good) - 30], 2, reason="timestamp|truncated"),
        c("utf16", codecs.BOM_UTF16_LE + good.decode().encode("utf-16-le")),
        c("utf16_no_bom", good.decode().encode("utf-16-le")),
        c("latin1_line", good + _lp(4, sensor="S\xe9").encode("latin-1") + b"\n", reason="not valid UTF-8"),
        c("bom", codecs.BOM_UTF8 + good),
        c("nul", plus(_lp(4, sensor="S\x001")), reason="NUL byte"),
        c("column_count", plus("soil,farm_id=FA0000001,sensor_id=S1 1764046800000000000"), reason="field"),
        c("header", plus("weather,farm_id=FA0000001,sensor_id=S1 soil_temperature_c=2 1764046800000000000"),
          reason="unknown measurement"),
        c("numbers", plus(_lp(4, moisture="wet")), reason="not a number"),
        c("dates", plus(_lp(4, ts="2026-11-25T04:00")), reason="not an integer|out of range"),
        c("impossible_dates", plus(_lp(4, ts="99999999999999999999")), reason="out of range"),
        c("ranges", plus(_lp(4, moisture="140")), reason="above 100"),
        c("future", plus(_lp(4, ts=str(int(dt.datetime(2027, 1, 1).timestamp()) * 10**9))), reason="in the future"),
        c("duplicates", plus(rows[0]), reason="duplicate of row"),
        c("redelivery", good, 0, duplicate=True),
        c("huge_line", plus(_lp(4, sensor="x" * HUGE_LINE)), reason="longer than"),
        c("huge_field", plus(_lp(4, sensor="y" * HUGE_FIELD)), reason="longer than"),
        c("long_key", plus(_lp(4, sensor="K" * 5000)), reason="more than the 4,096"),
        c("unbalanced_quote", plus(_lp(4, moisture='"25')), reason="string|timestamp|quote"),
        c("bare_cr", good.replace(b"\n", b"\r")),
        c("huge_integers", plus(_lp(4, moisture="9" * 5000)), reason="finite"),
        c("binary", random.Random("lp").randbytes(5000), 0, rejected="binary"),
        # a timestamp cut short (seconds, not nanoseconds) would be stored as 1970
        c("truncated_timestamp", plus(_lp(4, ts="1764046800")), reason="before 2015"),
    ]


def _weather(responses: list[dict], **env) -> dict:
    return {"provider": "openweathermap", "endpoint": "onecall", "fetched_at": "2026-11-25T05:30:00+05:30",
            "responses": responses, **env}


def _response(block: str, **day) -> dict:
    d = {"dt": 1764037800, "temp": {"min": 19.0, "max": 31.0}, "humidity": 50, "wind_speed": 2.0, "pop": 0.1, **day}
    return {"block_code": block, "response": {"lat": 16.2, "lon": 75.9, "daily": [d]}}


def _api(records: list[dict]) -> dict:
    return {"source": "data.gov.in", "resource": "9ef84268", "fetched_at": "2026-11-26T08:00:00+05:30",
            "pages": [{"total": len(records), "count": len(records), "offset": "0", "limit": "1000", "records": records}]}


def _record(market: str = "Kolar", **kw) -> dict:
    return {"state": "Karnataka", "district": "Kolar", "market": market, "commodity": "Tomato", "variety": "Hybrid",
            "grade": "FAQ", "arrival_date": "25/11/2026", "min_price": "1000", "max_price": "1400", "modal_price": "1200", **kw}


@dataclass
class JsonFormat:
    fmt: str
    source: str
    name: str
    doc: Callable[[list[dict]], dict]
    rows: list[dict]
    bad: dict[str, tuple[dict, str]]  # class -> (a record with that damage, reason)
    unused_text: Callable[[], dict]  # a valid record with text in a field the load does not use

    def file(self, rows: list[dict] | None = None, **kw) -> bytes:
        return json.dumps(self.doc(self.rows if rows is None else rows), ensure_ascii=False, **kw).encode()

    def cells(self) -> list[Cell]:
        v = len(self.rows)
        c = lambda cls, data, kept=v, **kw: Cell(self.fmt, cls, self.source, self.name.format(cls=cls), data, kept, **kw)  # noqa: E731
        good = self.file()
        latin = self.file(self.rows + [self.unused_text()]).replace("UNUSED".encode(), "Caf\xe9".encode("latin-1"))
        deep = json.dumps(self.doc(self.rows))[:-1] + ', "extra": ' + "[" * 100_000 + "]" * 100_000 + "}"
        out = [
            c("valid", good),
            c("empty", b"", 0, rejected="empty file"),
            c("truncated", good[: len(good) // 2], 0, rejected="invalid JSON"),
            c("utf16", codecs.BOM_UTF16_LE + good.decode().encode("utf-16-le")),
            c("utf16_no_bom", good.decode().encode("utf-16-le")),
            c("latin1_line", latin, v + 1),  # the odd byte sits in a field nobody reads: every record is kept
            c("bom", codecs.BOM_UTF8 + good),
            c("header", json.dumps({"hello": "world"}).encode(), 0, rejected="expected|lacks"),
            c("redelivery", good, 0, duplicate=True),
            c("huge_line", self.file(self.rows + [self.bad["long_key"][0] | {}], indent=None)
              .replace(b"LONGKEY", b"x" * HUGE_LINE), v, reason="more than the 4,096"),
            c("bare_cr", self.file(indent=1).replace(b"\n", b"\r")),
            c("deep_nesting", deep.encode(), 0, rejected="nested"),
            c("binary", random.Random(self.fmt).randbytes(5000), 0, rejected="binary"),
            c("duplicates", self.file(self.rows + [self.rows[0]]), reason="duplicate of row"),
        ]
        for cls, (rec, reason) in self.bad.items():
            data = self.file(self.rows + [rec]).replace(b"LONGKEY", b"K" * LONG_KEY)
            if cls == "huge_integers":
                data = data.replace(b'"HUGEINT"', b"9" * 401)
            data = data.replace(b"SURROGATE", b"\\ud800")  # a lone surrogate escape: valid JSON, not text
            # a quote inside a JSON string is just a character: that record is valid and kept
            out.append(c(cls, data, v + (reason is None), reason=reason))
        return out


JSON_FORMATS = [
    JsonFormat("weather_onecall", "weather", "owm_{cls}.json", _weather,
               [_response(b) for b in ("5753", "5754", "5755")],
               {"nul": (_response("57\x0056"), "control characters"),
                "column_count": ({"block_code": "5756", "response": {"lat": 16.2}}, "missing or bad"),
                "numbers": (_response("5756", humidity="damp"), "not a number"),
                "dates": (_response("5756", dt="tomorrow"), "missing or bad"),
                "impossible_dates": (_response("5756", dt=10**17), "missing or bad"),
                "ranges": (_response("5756", humidity=180), "above 100"),
                "long_key": (_response("LONGKEY"), "more than the 4,096"),
                "huge_integers": (_response("5756", humidity="HUGEINT"), "finite"),
                "lone_surrogate": (_response("57SURROGATE56"), "not valid text"),
                "unbalanced_quote": (_response('"5756'), None)},
               lambda: {**_response("5757"), "note": "UNUSED"}),
    JsonFormat("agmarknet_api", "mandi_prices", "api_{cls}.json", _api,
               [_record(m) for m in ("Kolar", "Chintamani", "Mulbagal")],
               {"nul": (_record("Ko\x00lar"), "control characters"),
                "column_count": ({"market": "Kolar", "commodity": "Tomato"}, "record lacks"),
                "numbers": (_record("Malur", modal_price="cheap"), "not a number"),
                "dates": (_record("Malur", arrival_date="2026-11-25"), "not a date"),
                "impossible_dates": (_record("Malur", arrival_date="31/02/2026"), "not a date"),
                "ranges": (_record("Malur", modal_price="-5"), "below 0"),
                "future": (_record("Malur", arrival_date="30/11/2026"), "in the future"),
                "long_key": (_record("LONGKEY"), "more than the 4,096"),
                "huge_integers": (_record("Malur", modal_price="HUGEINT"), "finite"),
                "lone_surrogate": (_record("MaSURROGATElur"), "not valid text"),
                "unbalanced_quote": (_record('"Malur'), None)},
               lambda: _record("Bangarpet", grade="UNUSED")),
]


def weather_future_cells() -> list[Cell]:
    """Weather payloads fetched 'after' the load: the fetcher's clock is wrong, nothing in them is trusted."""
    f = JSON_FORMATS[0]
    doc = _weather(f.rows, fetched_at="2030-01-01T00:00:00+05:30")
    return [Cell("weather_onecall", "future", "weather", "owm_future.json", json.dumps(doc).encode(), 0,
                 rejected="after the load")]


def all_cells() -> list[Cell]:
    cells = [c for f in CSV_FORMATS for c in f.cells()] + line_protocol_cells()
    return cells + [c for f in JSON_FORMATS for c in f.cells()] + weather_future_cells()
