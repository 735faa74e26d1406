"""A local server that plays InfluxDB 2.x's HTTP API on loopback, in its wire format, for the v2 connector
(no InfluxDB 2.x can be installed here; Debian ships 1.6, which has no Flux).

What it speaks, as InfluxDB OSS 2.7 does:
- `GET /ping`: 204 with `X-Influxdb-Version` and `X-Influxdb-Build`, no token needed.
- `POST /api/v2/write?org=&bucket=&precision=`: line protocol (token auth); a field whose type differs
  from the one already in its shard (7-day shards) is dropped with 422 "partial write: field type conflict".
- `POST /api/v2/query?org=`: JSON `{"query", "dialect", "type"}`; answers the connector's query shape
  (`from(bucket:) |> range(start:, stop:) |> filter(fn: (r) => r._measurement == "...")`) in annotated CSV
  (`#datatype`, `#group`, `#default`, header), one table per series, field and stored type, a new annotation
  block when the columns change, CRLF lines, sent with chunked transfer encoding. Anything else is a
  compilation error (400, `{"code":"invalid",...}`).
- Error bodies `{"code": ..., "message": ...}`: 401 unauthorized (missing or wrong token), 404 for an
  unknown org or bucket.
Faults for the tests: `die_after_tables=n` closes the connection mid-answer after n tables;
`error_after_tables=n` ends the answer with Flux's error table (`,error,reference`) after n tables.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse

from tests.servers import LoopbackHTTP, send_json

SHARD_NS = 7 * 24 * 3600 * 10**9
FIELD = re.compile(r'([^,=\s]+)=("(?:[^"\\]|\\.)*"|[^,]+)')
PRECISION = {"ns": 1, "us": 10**3, "ms": 10**6, "s": 10**9}
QUERY = re.compile(r'\s*from\(bucket:\s*"(?P<bucket>[^"]+)"\)\s*\|>\s*range\(start:\s*(?P<start>\S+),\s*stop:\s*(?P<stop>\S+)\)'
                   r'\s*\|>\s*filter\(fn:\s*\(r\)\s*=>\s*r\._measurement\s*==\s*"(?P<measurement>[^"]+)"\)\s*$')


def rfc3339nano(ns: int) -> str:
    """Go's RFC3339Nano: trailing zeros of the fraction dropped, Z for UTC."""
    secs, frac = divmod(ns, 10**9)
    base = dt.datetime.fromtimestamp(secs, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return base + (f".{frac:09d}".rstrip("0") if frac else "") + "Z"


def parse_time(text: str) -> int:
    t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (t - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)) // dt.timedelta(microseconds=1) * 1000


def field_value(text: str) -> tuple[str, str]:
    """(Flux type, value as annotated CSV writes it) of a line-protocol field value (no escapes in keys)."""
    if text.startswith('"'):
        return "string", text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if text in ("t", "T", "true", "True", "TRUE"):
        return "boolean", "true"
    if text in ("f", "F", "false", "False", "FALSE"):
        return "boolean", "false"
    if text.endswith("i"):
        return "long", str(int(text[:-1]))
    if text.endswith("u"):
        return "unsignedLong", str(int(text[:-1]))
    return "double", repr(float(text))


def csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\r\n') else value


class Influx2Double(LoopbackHTTP):
    def __init__(self, token: str = "hasiru-read-token", org: str = "hasiru", buckets=("sensors",)):
        self.token, self.org, self.buckets = token, org, set(buckets)
        self.series: dict[tuple, dict[int, str]] = {}  # (bucket, measurement, tags, field, type) -> {ns: value}
        self.types: dict[tuple, str] = {}  # (bucket, measurement, tags, field, shard) -> type
        self.queries: list[dict] = []
        self.die_after_tables: int | None = None
        self.error_after_tables: int | None = None
        super().__init__(self._handler())

    # --- storage ---------------------------------------------------------------------------------
    def store(self, bucket: str, body: str, precision: str = "ns") -> list[str]:
        """Line protocol into the bucket; returns the type conflicts (points dropped)."""
        conflicts = []
        for line in body.splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            key, rest = line.split(" ", 1)
            fields, ts = rest.rsplit(" ", 1)
            measurement, *tag_parts = key.split(",")
            tags = tuple(sorted(tuple(t.split("=", 1)) for t in tag_parts))
            ns = int(ts) * PRECISION[precision]
            for name, raw in FIELD.findall(fields):
                kind, value = field_value(raw)
                shard_key = (bucket, measurement, tags, name, ns // SHARD_NS)
                had = self.types.setdefault(shard_key, kind)
                if had != kind:
                    conflicts.append(f'input field "{name}" on measurement "{measurement}" is type {kind}, already exists as type {had}')
                    continue
                self.series.setdefault((bucket, measurement, tags, name, kind), {})[ns] = value
        return conflicts

    def tables(self, bucket: str, measurement: str, start: int, stop: int) -> list[tuple[tuple, list[tuple[int, str]]]]:
        """The tables a `from |> range |> filter` answers: one per series, field and stored type, sorted by group key."""
        out = []
        for key in sorted(self.series):
            b, m, tags, field, kind = key
            if b != bucket or m != measurement:
                continue
            rows = sorted((ns, v) for ns, v in self.series[key].items() if start <= ns < stop)
            if rows:
                out.append(((m, tags, field, kind), rows))
        return out

    def annotated_csv(self, tables, start: int, stop: int):
        """Blocks of annotated CSV as InfluxDB writes them (CRLF; a blank line between blocks), one chunk per table."""
        columns = None
        for index, ((m, tags, field, kind), rows) in enumerate(tables):
            tag_names = [k for k, _ in tags]
            chunk = []
            if columns != (tag_names, kind):
                if columns is not None:
                    chunk.append("")
                columns = (tag_names, kind)
                names = ["result", "table", "_start", "_stop", "_time", "_value", "_field", "_measurement", *tag_names]
                chunk += ["#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339," + kind
                          + ",string,string" + ",string" * len(tag_names),
                          "#group,false,false,true,true,false,false,true,true" + ",true" * len(tag_names),
                          "#default,_result" + "," * (len(names) - 1),
                          "," + ",".join(names)]
            head = f",,{index},{rfc3339nano(start)},{rfc3339nano(stop)},"
            tail = "," + ",".join(csv_cell(x) for x in (field, m, *(v for _, v in tags)))
            chunk += [head + rfc3339nano(ns) + "," + csv_cell(v) + tail for ns, v in rows]
            yield ("\r\n".join(chunk) + "\r\n").encode()

    # --- HTTP ------------------------------------------------------------------------------------
    def _handler(self):
        double = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _error(self, status: int, code: str, message: str) -> None:
                send_json(self, status, {"code": code, "message": message})

            def _authorised(self) -> bool:
                if self.headers.get("Authorization") != f"Token {double.token}":
                    self._error(401, "unauthorized", "unauthorized access")
                    return False
                return True

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_GET(self):
                if urlparse(self.path).path in ("/ping", "/health"):
                    self.send_response(204)
                    self.send_header("X-Influxdb-Version", "v2.7.11")
                    self.send_header("X-Influxdb-Build", "OSS")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self._error(404, "not found", "path not found")

            def do_POST(self):
                url = urlparse(self.path)
                args = {k: v[0] for k, v in parse_qs(url.query).items()}
                body = self._body()
                if not self._authorised():
                    return
                if args.get("org") != double.org:
                    return self._error(404, "not found", f'organization name "{args.get("org")}" not found')
                if url.path == "/api/v2/write":
                    if args.get("bucket") not in double.buckets:
                        return self._error(404, "not found", f'bucket "{args.get("bucket")}" not found')
                    conflicts = double.store(args["bucket"], body.decode(), args.get("precision", "ns"))
                    if conflicts:
                        return self._error(422, "unprocessable entity",
                                           f"failure writing points to database: partial write: {conflicts[0]} dropped={len(conflicts)}")
                    self.send_response(204)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif url.path == "/api/v2/query":
                    self._query(json.loads(body))
                else:
                    self._error(404, "not found", "path not found")

            def _query(self, request: dict) -> None:
                double.queries.append(request)
                match = QUERY.match(request.get("query", ""))
                if not match:
                    return self._error(400, "invalid", "compilation failed: error @1:1-1:1: this double answers only the connector's query shape")
                if match["bucket"] not in double.buckets:
                    return self._error(404, "not found", f'failed to initialize execute state: could not find bucket "{match["bucket"]}"')
                start, stop = parse_time(match["start"]), parse_time(match["stop"])
                tables = double.tables(match["bucket"], match["measurement"], start, stop)
                self.send_response(200)
                self.send_header("Content-Type", "text/csv; charset=utf-8")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                try:
                    for n, chunk in enumerate(double.annotated_csv(tables, start, stop)):
                        if n == double.die_after_tables:
                            self.wfile.write(b"%x\r\n" % 4096 + chunk[:100])  # a chunk cut short: the server died
                            self.wfile.flush()
                            self.close_connection = True
                            return
                        if n == double.error_after_tables:
                            chunk = (b"\r\n#datatype,string,string\r\n#group,true,true\r\n#default,,\r\n,error,reference\r\n"
                                     b",query terminated: reached maximum allowed memory limits,576\r\n")
                            self._chunk(chunk)
                            break
                        self._chunk(chunk)
                    if not tables:
                        self._chunk(b"\r\n")  # an empty result is a blank line
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _chunk(self, data: bytes) -> None:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()

        return Handler
