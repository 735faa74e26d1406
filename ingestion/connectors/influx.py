"""Sensor readings from InfluxDB, landed as line protocol for the sensors source. Two paths, chosen by
HASIRU_INFLUX_API: `v1` (InfluxQL on /query; served by InfluxDB 1.x and, for compatibility, 2.x and 3.x)
here, and `v2` (Flux on /api/v2/query with a token, bucket and org, through `influxdb-client`) in
`influx2.py`. Both share the windows and watermarks below (`WindowedSync`), so switching a deployment
from one to the other continues from the same marks.

Per measurement, one watermark: the end of the last window fully landed. Each sync re-pulls a
look-back before the watermark (late points: the overlap is absorbed by silver's dedupe on sensor and
time), then pulls forward in windows of `chunk` up to `now - settle` (points still arriving are left for
the next sync). Each window is landed as one file and then the watermark moves to its end, so a server
that dies mid-pull leaves the watermark at the last complete window. Points keep the tags and field
types InfluxDB has for them; unknown tags or mistyped fields reach the line-protocol parser as sent,
which quarantines them with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from hasiru.config import env, env_int
from ingestion import landing
from ingestion.connectors import SourceUnavailable, watermarks
from ingestion.connectors.http import RetryingClient

SOURCE = "sensors"


APIS = ("v1", "v2")


@dataclass(frozen=True)
class InfluxSettings:
    url: str
    database: str = "sensors"  # v1: the database; v2 reads `bucket`
    measurements: tuple[str, ...] = ("soil",)
    username: str | None = None
    password: str | None = None
    chunk: dt.timedelta = dt.timedelta(hours=6)
    lookback: dt.timedelta = dt.timedelta(hours=2)
    settle: dt.timedelta = dt.timedelta(minutes=5)
    initial_start: dt.timedelta = dt.timedelta(days=2)  # how far back the first sync of a measurement starts
    timeout_s: float = 30.0
    retries: int = 3
    api: str = "v1"
    token: str | None = None  # v2: an API token with read access to the bucket
    org: str | None = None
    bucket: str | None = None

    @classmethod
    def from_env(cls) -> "InfluxSettings":
        url = env("HASIRU_INFLUX_URL")
        if not url:
            raise SourceUnavailable("HASIRU_INFLUX_URL is not set (e.g. http://influx.internal:8086); see README, section Connectors")
        api = env("HASIRU_INFLUX_API")
        if api not in APIS:
            raise SourceUnavailable(f"HASIRU_INFLUX_API is {api!r}: it takes v1 (InfluxQL, InfluxDB 1.x) "
                                    "or v2 (Flux with a token, InfluxDB 2.x/Cloud)")
        s = cls(url=url, database=env("HASIRU_INFLUX_DB"),
                measurements=tuple(env("HASIRU_INFLUX_MEASUREMENTS").split(",")),
                username=env("HASIRU_INFLUX_USER"), password=env("HASIRU_INFLUX_PASSWORD"),
                lookback=dt.timedelta(minutes=env_int("HASIRU_INFLUX_LOOKBACK_MINUTES", minimum=0)),
                api=api, token=env("HASIRU_INFLUX_TOKEN"), org=env("HASIRU_INFLUX_ORG"), bucket=env("HASIRU_INFLUX_BUCKET"))
        missing = [n for n, v in (("HASIRU_INFLUX_TOKEN", s.token), ("HASIRU_INFLUX_ORG", s.org),
                                  ("HASIRU_INFLUX_BUCKET", s.bucket)) if api == "v2" and not v]
        if missing:
            raise SourceUnavailable(f"HASIRU_INFLUX_API=v2 needs {', '.join(missing)} (see README, section Connectors)")
        return s


def connector(settings: InfluxSettings) -> "WindowedSync":
    """The connector for the settings' API."""
    if settings.api == "v2":
        from ingestion.connectors.influx2 import Influx2Connector  # imports influxdb-client only when used
        return Influx2Connector(settings)
    return InfluxConnector(settings)


def _escape_key(s: str) -> str:
    return s.replace(",", r"\,").replace("=", r"\=").replace(" ", r"\ ")


def lp_string(value: str) -> str:
    """A string field value in line protocol: quoted, with backslash and quote escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _field(value, kinds: set[str]) -> str | None:
    """A field value in line protocol. JSON tells strings and booleans apart but not integers from
    whole floats, so numbers take the field's numeric type from SHOW FIELD KEYS (which lists a field
    once per type when shards disagree: then the value decides)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return lp_string(value)
    if isinstance(value, int) and "integer" in kinds and "float" not in kinds:
        return f"{value}i"
    return repr(float(value))


def _rfc3339(ts: dt.datetime) -> str:
    return ts.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def windows(start: dt.datetime, until: dt.datetime, chunk: dt.timedelta):
    """[start, end) windows of `chunk` from start up to until (the last one shorter)."""
    while start < until:
        end = min(start + chunk, until)
        yield start, end
        start = end


class WindowedSync:
    """Windows, look-back and watermarks, the same for both APIs. A subclass says how to check the
    server (`ping`), what to learn once per measurement before its windows (`prepare`) and how to read
    one window as line protocol (`pull_window`)."""

    s: InfluxSettings

    def ping(self) -> None:
        raise NotImplementedError

    def prepare(self, measurement: str):
        return None

    def pull_window(self, measurement: str, start: dt.datetime, end: dt.datetime, prepared) -> tuple[bytes, int]:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def sync(self, now: dt.datetime | None = None, progress: Callable[[str], None] = lambda _: None) -> dict:
        """Pull every measurement up to now - settle; returns per measurement the points and files landed."""
        now = now or dt.datetime.now(dt.timezone.utc)
        self.ping()  # down at the start: a clear error, nothing moved
        until = now - self.s.settle
        out = {}
        marks = watermarks.get_all("influxdb")
        for m in self.s.measurements:
            out[m] = self._sync_measurement(m, marks.get(m, (None, None))[0], now, until)
            progress(f"influxdb {m}: {out[m]['points']:,} points in {len(out[m]['files'])} files; watermark {out[m]['watermark']}")
        return out

    def _sync_measurement(self, m: str, mark: dt.datetime | None, now: dt.datetime, until: dt.datetime) -> dict:
        """Windows forward from the watermark less the look-back; the mark is recorded once, for the
        windows landed, when the measurement is done or a window fails."""
        moved = None
        try:
            first = (mark - self.s.lookback) if mark else now - self.s.initial_start
            prepared = self.prepare(m)
            points, files = 0, []
            for start, end in windows(first, until, self.s.chunk):
                data, n = self.pull_window(m, start, end, prepared)
                if n:
                    name = f"influx_{m}_{start:%Y%m%dT%H%M%S}_{end:%Y%m%dT%H%M%S}.lp"
                    files.append(landing.write(SOURCE, landing.day_of(now), name, data))
                    points += n
                if mark is None or end > mark:  # only forward: a look-back window never moves it back
                    mark = moved = end
            return {"points": points, "files": files, "watermark": mark}
        finally:
            if moved is not None:
                watermarks.set("influxdb", m, moved, detail="landed through this time")


class InfluxConnector(WindowedSync):
    """The v1 path: InfluxQL over /query, field types from SHOW FIELD KEYS."""

    def __init__(self, settings: InfluxSettings):
        self.s = settings
        params = {"db": settings.database}
        if settings.username:
            params.update(u=settings.username, p=settings.password or "")
        self.params = params
        self.http = RetryingClient("InfluxDB", settings.url, timeout_s=settings.timeout_s, retries=settings.retries)

    def ping(self) -> None:
        resp = self.http.get("/ping")
        if resp.status_code != 204:
            raise SourceUnavailable(f"InfluxDB at {self.s.url}/ping answered HTTP {resp.status_code}")

    def _query(self, q: str, **extra) -> list[dict]:
        resp = self.http.get("/query", params={**self.params, "q": q, **extra})
        if resp.status_code != 200:
            raise SourceUnavailable(f"InfluxDB query failed (HTTP {resp.status_code}): {resp.text[:300]}")
        try:
            results = resp.json()["results"]
        except (ValueError, KeyError) as e:
            raise SourceUnavailable(f"InfluxDB answered something that is not a query result: {resp.text[:200]}") from e
        errors = [r["error"] for r in results if "error" in r]
        if errors:
            raise SourceUnavailable(f"InfluxDB query error: {errors[0]}")
        return results

    def prepare(self, measurement: str) -> dict[str, set[str]]:
        return self.field_types(measurement)

    def field_types(self, measurement: str) -> dict[str, set[str]]:
        series = self._query(f'SHOW FIELD KEYS FROM "{measurement}"')[0].get("series", [])
        types: dict[str, set[str]] = {}
        for s in series:
            for k, t in s["values"]:
                types.setdefault(k, set()).add(t)
        return types

    def pull_window(self, measurement: str, start: dt.datetime, end: dt.datetime,
                    types: dict[str, set[str]]) -> tuple[bytes, int]:
        """Line protocol of every point in [start, end), and the number of points."""
        q = (f'SELECT * FROM "{measurement}" WHERE time >= \'{_rfc3339(start)}\' AND time < \'{_rfc3339(end)}\' GROUP BY *')
        lines = []
        for result in self._query(q, epoch="ns"):
            for series in result.get("series", []):
                tags = "".join(f",{_escape_key(k)}={_escape_key(v)}" for k, v in sorted(series.get("tags", {}).items()) if v != "")
                cols = series["columns"]
                for row in series["values"]:
                    fields = [(c, _field(v, types.get(c, {"float"}))) for c, v in zip(cols[1:], row[1:])]
                    body = ",".join(f"{_escape_key(c)}={v}" for c, v in fields if v is not None)
                    if body:
                        lines.append(f"{_escape_key(series['name'])}{tags} {body} {row[0]}")
        return ("\n".join(lines) + "\n").encode() if lines else b"", len(lines)

    def close(self) -> None:
        self.http.close()
