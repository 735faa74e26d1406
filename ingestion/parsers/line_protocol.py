"""InfluxDB line protocol from the field sensors: `soil,farm_id=..,sensor_id=.. field=1.5,... <ns>`.

Most lines have no escapes or quotes: they are split with vectorised regular expressions. The rest
(escaped characters, quoted strings, anything odd) go through a full line-protocol tokenizer, which
either parses them or says exactly what is wrong (unknown tag or field, wrong field type ...).
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc

from ingestion.columns import NUMBER_RE, RowIssues, to_float
from ingestion.decode import decode_lines
from ingestion.parsed import FileRejected, ParsedFile

TARGET = "bronze.sensor_readings"
MEASUREMENTS = {"soil"}
TAGS = ("farm_id", "sensor_id")
# field -> physically possible range (HW-390 capacitive probe, thermistor, EC probe, Li-ion cell)
FIELDS: dict[str, tuple[float, float]] = {
    "soil_moisture_vwc_pct": (0.0, 100.0),
    "soil_temperature_c": (-10.0, 70.0),
    "ec_ds_per_m": (0.0, 20.0),
    "battery_v": (0.0, 6.0),
}
FAST_LINE = r"^(?P<measurement>[A-Za-z0-9_]+),(?P<tags>[^ \\\"]*) (?P<fields>[^ \\\"]+) (?P<ts>-?[0-9]+)$"
FUTURE_TOLERANCE = dt.timedelta(minutes=10)  # probe clocks drift a little


def _lines(data: bytes, name: str, parsed: ParsedFile) -> tuple[pa.Array, pa.Array]:
    """(line numbers, lines) of non-empty, non-comment lines."""
    if not data:
        raise FileRejected(f"{name}: empty file (0 bytes)")
    try:
        text = data.decode("utf-8")
        lines = pc.list_flatten(pc.split_pattern(pa.array([text], pa.large_string()), "\n"))
        numbers = pa.array(range(1, len(lines) + 1), pa.int64())
    except UnicodeDecodeError:
        good, bad = decode_lines(data, name)
        for line_no, reason, raw in bad:
            parsed.rejects.add(TARGET, [line_no], [reason], [raw])
        parsed.rows_read += len(bad)
        numbers = pa.array([n for n, _ in good], pa.int64())
        lines = pa.array([t for _, t in good], pa.large_string())
    lines = pc.utf8_rtrim(lines, "\r")
    keep = pc.and_(pc.not_equal(pc.utf8_trim_whitespace(lines), ""), pc.invert(pc.starts_with(lines, "#")))
    return numbers.filter(keep), lines.filter(keep).cast(pa.string())


def _kv(column: pa.Array, key: str) -> pa.Array:
    return pc.struct_field(pc.extract_regex(column, rf"(?:^|,){key}=(?P<v>[^,]*)(?:,|$)"), [0])


def _fast(lines: pa.Array) -> tuple[pa.Table, pa.Array]:
    """Parse the plain lines; return (rows as text columns, mask of lines left to the slow path)."""
    m = pc.extract_regex(lines, FAST_LINE)
    ok = pc.is_valid(m)
    measurement, tags, fields, ts = (pc.struct_field(m, [i]) for i in range(4))
    ok = pc.and_(ok, pc.is_in(measurement, pa.array(sorted(MEASUREMENTS))))
    cols = {"measurement": measurement, "ts": ts}
    n_tags = pc.add(pc.count_substring(tags, "="), 0)
    found = pa.array([0] * len(lines), pa.int64())
    for t in TAGS:
        cols[t] = _kv(tags, t)
        found = pc.add(found, pc.cast(pc.is_valid(cols[t]), pa.int64()))
    ok = pc.and_(ok, pc.equal(n_tags, found))
    n_fields = pc.count_substring(fields, "=")
    found = pa.array([0] * len(lines), pa.int64())
    for f in FIELDS:
        v = _kv(fields, f)
        v = pc.if_else(pc.ends_with(v, "i"), pc.utf8_slice_codeunits(v, 0, -1), v)  # integer fields are numbers too
        numeric = pc.match_substring_regex(v, NUMBER_RE)
        ok = pc.and_(ok, pc.or_(pc.is_null(v), numeric))
        cols[f] = v
        found = pc.add(found, pc.cast(pc.is_valid(v), pa.int64()))
    ok = pc.and_(ok, pc.equal(pc.cast(n_fields, pa.int64()), found))
    ok = pc.fill_null(ok, False)
    return pa.table(cols), ok


def _split(s: str, sep: str, *, quotes: bool = False, maxsplit: int = -1, from_right: bool = False) -> list[str]:
    """Split on `sep` not escaped by a backslash (and, with quotes, not inside "...")."""
    positions, in_q, i = [], False, 0
    while i < len(s):
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if quotes and c == '"':
            in_q = not in_q
        elif c == sep and not in_q:
            positions.append(i)
        i += 1
    if maxsplit >= 0:
        positions = positions[-maxsplit:] if from_right else positions[:maxsplit]
    parts, last = [], 0
    for p in positions:
        parts.append(s[last:p])
        last = p + 1
    parts.append(s[last:])
    return parts


def _unescape(s: str) -> str:
    return s.replace("\\,", ",").replace("\\=", "=").replace("\\ ", " ").replace('\\"', '"').replace("\\\\", "\\")


def parse_line(line: str) -> dict | str:
    """Full line-protocol parse of one line: a row of text fields, or the reason it is rejected."""
    head = _split(line, " ", maxsplit=1)
    if len(head) < 2:
        return "no field set: a point needs 'measurement[,tags] fields timestamp'"
    series, rest = head
    tail = _split(rest, " ", quotes=True, maxsplit=1, from_right=True)
    if len(tail) < 2 or not tail[1].strip():
        return "no timestamp: points must carry their own nanosecond timestamp"
    field_set, ts = tail[0], tail[1].strip()
    if not ts.lstrip("-").isdigit():
        return f"timestamp {ts!r} is not an integer (nanoseconds)"
    parts = _split(series, ",")
    row: dict[str, str | None] = {"measurement": _unescape(parts[0]), "ts": ts}
    if row["measurement"] not in MEASUREMENTS:
        return f"unknown measurement {row['measurement']!r} (expected one of {sorted(MEASUREMENTS)})"
    for kv in parts[1:]:
        kv_parts = _split(kv, "=", maxsplit=1)
        if len(kv_parts) != 2:
            return f"tag {kv!r} is not key=value"
        k, v = _unescape(kv_parts[0]), _unescape(kv_parts[1])
        if k not in TAGS:
            return f"unknown tag {k!r} (expected {list(TAGS)})"
        row[k] = v
    if not field_set:
        return "no field set"
    for kv in _split(field_set, ",", quotes=True):
        kv_parts = _split(kv, "=", maxsplit=1)
        if len(kv_parts) != 2:
            return f"field {kv!r} is not key=value"
        k, v = _unescape(kv_parts[0]), kv_parts[1]
        if k not in FIELDS:
            return f"unknown field {k!r} (expected {list(FIELDS)})"
        if v.startswith('"'):
            return f"field {k!r} is a string ({v[:30]}), expected a number"
        if v.lower() in ("t", "f", "true", "false"):
            return f"field {k!r} is a boolean ({v}), expected a number"
        row[k] = v[:-1] if v.endswith(("i", "u")) else v
    return row


def parse(data: bytes, file_name: str, now: dt.datetime) -> ParsedFile:
    parsed = ParsedFile()
    numbers, lines = _lines(data, file_name, parsed)
    parsed.rows_read += len(lines)
    rows, ok = _fast(lines)
    slow = pc.invert(ok)
    if pc.any(slow).as_py():
        slow_rows, slow_numbers, slow_lines, rej_n, rej_reason, rej_raw = [], [], [], [], [], []
        for n, line in zip(numbers.filter(slow).to_pylist(), lines.filter(slow).to_pylist()):
            got = parse_line(line)
            if isinstance(got, str):
                rej_n.append(n); rej_reason.append(got); rej_raw.append(line)  # noqa: E702
            else:
                slow_rows.append(got); slow_numbers.append(n); slow_lines.append(line)  # noqa: E702
        parsed.rejects.add(TARGET, rej_n, rej_reason, rej_raw)
        cols = rows.column_names
        extra = pa.table({c: pa.array([r.get(c) for r in slow_rows], pa.string()) for c in cols})
        rows = pa.concat_tables([rows.filter(ok), extra])
        numbers = pa.concat_arrays([numbers.filter(ok), pa.array(slow_numbers, pa.int64())])
        lines = pa.concat_arrays([lines.filter(ok), pa.array(slow_lines, pa.string())])
    issues = RowIssues(rows.num_rows)
    issues.flag(pc.is_null(rows["sensor_id"]), "tag sensor_id: missing")
    # int64 nanoseconds: at most 19 digits and not above 2^63-1 (equal-length digit strings compare as numbers)
    ts_text = rows["ts"]
    in_range = pc.and_(pc.match_substring_regex(ts_text, r"^[0-9]{1,19}$"),
                       pc.or_(pc.less(pc.utf8_length(ts_text), 19), pc.less_equal(ts_text, "9223372036854775807")))
    issues.flag(pc.invert(in_range), pc.binary_join_element_wise(
        pa.scalar("timestamp out of range (nanoseconds since 1970): "), ts_text, pa.scalar("")))
    ts_ns = pc.cast(pc.if_else(in_range, ts_text, pa.nulls(len(ts_text), pa.string())), pa.int64())
    payload = {
        "measurement": rows["measurement"], "sensor_id": rows["sensor_id"], "farm_id": rows["farm_id"],
        "reading_ts": pc.cast(pc.divide(ts_ns, 1000), pa.timestamp("us", tz="UTC")),
    }
    limit = now + FUTURE_TOLERANCE
    issues.flag(pc.greater(payload["reading_ts"], pa.scalar(limit, pa.timestamp("us", tz="UTC"))),
                pc.binary_join_element_wise(pa.scalar("timestamp in the future: "), rows["ts"], pa.scalar("")))
    for f, (lo, hi) in FIELDS.items():
        payload[f] = to_float(rows[f], f, issues, lo=lo, hi=hi)
    parsed.accept(TARGET, pa.table(payload), numbers, lines, issues)
    return parsed
