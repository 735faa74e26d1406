"""InfluxDB line protocol from the field sensors: `soil,farm_id=..,sensor_id=.. field=1.5,... <ns>`.

Most lines have no escapes or quotes: they are split by the compiled tokenizer (native/, built at
set-up), or without it with vectorised Arrow kernels. The rest (escaped characters, quoted strings,
anything odd) go through `parse_line`, the full line-protocol parser, which either reads them or says
exactly what is wrong (unknown tag or field, wrong field type ...). Both fast paths take only lines
that `parse_line` would read to the same text, so the rules and the reasons live in one place.
"""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ingestion import native
from ingestion.columns import CLOCK_TOLERANCE, UTC_TS, RowIssues, to_float
from ingestion.decode import clean
from ingestion.parsed import ParsedFile

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
# no probe of ours reported before this: an earlier time is a timestamp cut short or sent in seconds
EARLIEST = dt.datetime(2015, 1, 1, tzinfo=dt.timezone.utc)


def _text_bytes(data: bytes, name: str, parsed: ParsedFile) -> tuple[bytes, np.ndarray | None]:
    """UTF-8 text with LF line ends, and (when lines had to be dropped) each kept line's original number."""
    c = clean(data, name)
    for line_no, reason, raw in c.bad:
        parsed.rejects.add(TARGET, [line_no], [reason], [raw])
    parsed.rows_read += len(c.bad)
    return c.data, c.line_no


@dataclass
class _Lines:
    """Line boundaries of a text buffer, found with numpy (no Python loop over lines)."""

    data: bytes
    starts: np.ndarray
    ends: np.ndarray  # exclusive, before the newline

    @classmethod
    def of(cls, data: bytes) -> "_Lines":
        buf = np.frombuffer(data, np.uint8)
        ends = np.flatnonzero(buf == 10)
        if len(buf) and buf[-1] != 10:
            ends = np.append(ends, len(buf))
        starts = np.concatenate([[0], ends[:-1] + 1]).astype(np.int64)
        return cls(data, starts, ends)

    def count(self, chars: bytes) -> np.ndarray:
        """Occurrences of any of `chars` per line (positions, then a binary search per line boundary)."""
        buf = np.frombuffer(self.data, np.uint8)
        total = np.zeros(len(self.starts), dtype=np.int64)
        for c in chars:
            pos = np.flatnonzero(buf == c)
            if len(pos):
                total += np.searchsorted(pos, self.ends) - np.searchsorted(pos, self.starts)
        return total

    def text(self, i: int) -> str:
        return self.data[self.starts[i]:self.ends[i]].decode("utf-8")

    def texts(self, idx: np.ndarray) -> pa.Array:
        return pa.array([self.text(i) for i in np.asarray(idx, dtype=np.int64)], pa.string())

    def select(self, keep: np.ndarray) -> bytes:
        """The kept lines, newline-terminated, as one buffer."""
        if keep.all() and len(self.data) and self.data.endswith(b"\n"):
            return self.data
        buf = np.frombuffer(self.data, np.uint8)
        span = np.zeros(len(buf) + 1, dtype=np.int64)
        np.add.at(span, self.starts[keep], 1)
        np.add.at(span, np.minimum(self.ends[keep] + 1, len(buf)), -1)
        mask = np.cumsum(span[:-1]) > 0
        out = buf[mask].tobytes()
        return out if out.endswith(b"\n") else out + b"\n"


def _all_floats(values: pa.Array) -> bool:
    try:
        pc.cast(values, pa.float64())
        return True
    except pa.ArrowInvalid:
        return False


def _shape(line: str) -> tuple[list[str], list[str]] | None:
    """(tag keys, field keys) of a plain line whose keys are all known, else None."""
    if isinstance(parse_line(line), str):
        return None
    series, fields = line.split(" ")[:2]
    return [kv.split("=", 1)[0] for kv in series.split(",")[1:]], [kv.split("=", 1)[0] for kv in fields.split(",")]


_POOL = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="lp-tokens")


@dataclass
class _Tokens:
    table: pa.Table  # measurement, ts, tags and fields as text, for the rows whose keys are as expected
    ok: np.ndarray  # per tokenised row: keys as expected (else the row goes to parse_line)
    invalid: int  # rows the reader could not split into the expected number of fields
    pieces: list[pa.ChunkedArray]  # every row's comma-separated pieces: joined with "," they are the line

    def lines(self, rows: np.ndarray) -> pa.Array:
        """Exact text of the given tokenised rows (the reader splits on commas only, with no quoting)."""
        take = pa.array(rows, pa.int64())
        cols = [p.take(take) for p in self.pieces]
        return pc.binary_join_element_wise(*cols, pa.scalar(",")).combine_chunks() if len(cols) > 1 else cols[0].combine_chunks()


def _tokenise(buffer: bytes, tag_keys: list[str], field_keys: list[str]) -> _Tokens:
    """Split lines of one shape with pyarrow's CSV reader on commas. With one tag or more, the line's
    two spaces fall inside the piece holding the last tag and first field, and the piece holding the
    last field and the timestamp; each must hold exactly one space, every other piece none."""
    nt, nf = len(tag_keys), len(field_keys)
    width = nt + nf
    names = [f"c{i}" for i in range(width)]
    invalid = []
    t = pacsv.read_csv(
        pa.py_buffer(buffer),
        read_options=pacsv.ReadOptions(column_names=names, block_size=8 << 20),
        parse_options=pacsv.ParseOptions(quote_char=False, double_quote=False, escape_char=False,
                                         invalid_row_handler=lambda row: invalid.append(1) or "skip"),
        convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in names}, strings_can_be_null=False,
                                             quoted_strings_can_be_null=False),
    )
    pieces = [t[c] for c in names]
    # re-split the pieces that hold a space: [m, tag1..tag_nt-1, "tag_nt field1", field2.., "field_nf ts"]
    tokens: list = pieces[:nt]
    ok = pa.chunked_array([pa.array(np.ones(t.num_rows, dtype=bool))]) if t.num_rows else pa.chunked_array([], pa.bool_())
    spaced = [nt] if nf == 1 else [nt, width - 1]
    for j in range(1, width):
        if j not in spaced:
            ok = pc.and_(ok, pc.invert(pc.match_substring(pieces[j], " ")))
    if nf == 1:
        parts = pc.split_pattern(pieces[nt], " ")
        ok = pc.and_(ok, pc.equal(pc.list_value_length(parts), 3))
        parts = pc.if_else(ok, parts, pa.scalar(["", "", ""], parts.type))
        tokens += [pc.list_element(parts, 0), pc.list_element(parts, 1), pc.list_element(parts, 2)]
    else:
        a = pc.split_pattern(pieces[nt], " ")
        b = pc.split_pattern(pieces[width - 1], " ")
        ok = pc.and_(ok, pc.and_(pc.equal(pc.list_value_length(a), 2), pc.equal(pc.list_value_length(b), 2)))
        a = pc.if_else(ok, a, pa.scalar(["", ""], a.type))
        b = pc.if_else(ok, b, pa.scalar(["", ""], b.type))
        tokens += [pc.list_element(a, 0), pc.list_element(a, 1)] + pieces[nt + 1:width - 1] + [pc.list_element(b, 0), pc.list_element(b, 1)]
    # tokens: measurement, nt tags, nf fields, ts
    got = {"measurement": tokens[0], "ts": tokens[-1]}
    ok = pc.and_(ok, pc.is_in(got["measurement"], pa.array(sorted(MEASUREMENTS))))
    ok = pc.and_(ok, pc.match_substring_regex(got["ts"], r"^-?[0-9]+$"))  # else parse_line says why

    def key_value(j_key: tuple[int, str]) -> tuple[str, pa.ChunkedArray, pa.ChunkedArray]:
        j, key = j_key
        item = tokens[j]
        key_ok = pc.starts_with(item, key + "=")
        value = pc.utf8_slice_codeunits(item, len(key) + 1)
        if key in FIELDS and not _all_floats(value):
            # integer fields (12i) are numbers too; booleans get their precise reason from parse_line
            value = pc.if_else(pc.ends_with(value, "i"), pc.utf8_slice_codeunits(value, 0, -1), value)
            key_ok = pc.and_(key_ok, pc.invert(pc.is_in(pc.utf8_lower(value), pa.array(["t", "f", "true", "false"]))))
        return key, key_ok, value

    # the keys are independent and Arrow kernels release the GIL: use every core
    for key, key_ok, value in _POOL.map(key_value, enumerate(tag_keys + field_keys, 1)):
        ok = pc.and_(ok, key_ok)
        got[key] = value
    ok_np = pc.fill_null(ok, False).to_numpy(zero_copy_only=False) if t.num_rows else np.zeros(0, dtype=bool)
    if not ok_np.all():
        got = {k: v.filter(pa.array(ok_np)) for k, v in got.items()}
    n = int(ok_np.sum())
    cols = ("measurement", "ts", *TAGS, *FIELDS)
    table = pa.table({c: (got[c] if c in got else pa.chunked_array([pa.nulls(n, pa.string())])) for c in cols})
    return _Tokens(table, ok_np, len(invalid), pieces)


def _optimistic(data: bytes) -> tuple[_Tokens, np.ndarray] | None:
    """The usual file: every line one shape, no escapes, quotes, comments or blank lines. Then row i
    is line i and no per-line scan is needed. None when the file is not that simple."""
    if not data or b"\\" in data or b'"' in data:
        return None
    first = data[: data.find(b"\n")] if b"\n" in data else data
    shape = _shape(first.decode("utf-8")) if first.strip() and not first.startswith(b"#") else None
    if shape is None or not shape[0]:
        return None
    n_lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    tokens = _tokenise(data, *shape)
    if tokens.invalid or len(tokens.ok) != n_lines:
        return None
    return tokens, np.arange(n_lines)


def _fast(lines: _Lines, content: np.ndarray, spaces: np.ndarray) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """Tokenise the lines that have the file's usual shape (the tags and fields of its first plain
    line, in that order, no escapes or quotes). Returns (rows as text columns, their line indexes,
    indexes of content lines left to `parse_line`)."""
    cols = ("measurement", "ts", *TAGS, *FIELDS)
    plain = content & (lines.count(b'\\"') == 0)
    candidates = np.flatnonzero(plain)
    shape = _shape(lines.text(candidates[0])) if len(candidates) else None
    if shape is None:
        return pa.table({c: pa.array([], pa.string()) for c in cols}), np.array([], np.int64), np.flatnonzero(content)
    tag_keys, field_keys = shape
    if not tag_keys:  # no tags: the pieces cannot be told apart by commas alone
        return pa.table({c: pa.array([], pa.string()) for c in cols}), np.array([], np.int64), np.flatnonzero(content)
    fast = plain & (spaces == 2) & (lines.count(b",") == len(tag_keys) + len(field_keys) - 1)
    idx = np.flatnonzero(fast)
    tokens = _tokenise(lines.select(fast), tag_keys, field_keys)
    if tokens.invalid or len(tokens.ok) != len(idx):
        raise AssertionError(f"line tokeniser out of step: {len(tokens.ok)} rows for {len(idx)} lines")
    slow = np.flatnonzero(content & ~fast)
    return tokens.table, idx[tokens.ok], np.sort(np.concatenate([slow, idx[~tokens.ok]]))


PAYLOAD = ("measurement", "sensor_id", "farm_id", "reading_ts", *FIELDS)


def _compiled(data: bytes, compiled, now: dt.datetime) -> tuple[_Lines, int, pa.Table, np.ndarray, np.ndarray]:
    """The compiled tokenizer, one piece of the file per core: (lines, content lines, the valid plain rows
    typed as bronze payload, their line indexes, indexes of content lines left to `parse_line`). It takes
    only rows `_typed` would accept unchanged: fields inside FIELDS' ranges, times from EARLIEST to now +
    CLOCK_TOLERANCE."""
    pieces = compiled.tokenize_lp(data, sorted(MEASUREMENTS), list(TAGS), list(FIELDS), list(FIELDS.values()),
                                  (pa.scalar(EARLIEST, UTC_TS).value, pa.scalar(now + CLOCK_TOLERANCE, UTC_TS).value), threads=os.cpu_count() or 2)
    starts, ends, fast, slow, columns, content, base = [], [], [], [], {c: [] for c in PAYLOAD}, 0, 0
    for offset, p_starts, p_ends, p_content, p_fast, p_slow, p_text, p_ts, p_values in pieces:
        starts.append(np.frombuffer(p_starts, np.int64) + offset)
        ends.append(np.frombuffer(p_ends, np.int64) + offset)
        rows = np.frombuffer(p_fast, np.int64)
        n = len(rows)
        fast.append(rows + base)
        slow.append(np.frombuffer(p_slow, np.int64) + base)
        for name, (offsets, text, valid, nulls) in zip(("measurement", *TAGS), p_text):
            columns[name].append(pa.Array.from_buffers(pa.string(), n, [pa.py_buffer(valid) if nulls else None,
                                                                        pa.py_buffer(offsets), pa.py_buffer(text)], nulls))
        columns["reading_ts"].append(pa.Array.from_buffers(UTC_TS, n, [None, pa.py_buffer(p_ts)], 0))
        for name, (values, valid, nulls) in zip(FIELDS, p_values):
            columns[name].append(pa.Array.from_buffers(pa.float64(), n, [pa.py_buffer(valid) if nulls else None,
                                                                         pa.py_buffer(values)], nulls))
        content += p_content
        base += len(starts[-1])
    flat = (lambda parts: np.concatenate(parts) if parts else np.zeros(0, np.int64))  # noqa: E731
    types = {"reading_ts": UTC_TS, **dict.fromkeys(FIELDS, pa.float64())}
    table = pa.table({c: pa.chunked_array(columns[c], types.get(c, pa.string())) for c in PAYLOAD})
    return _Lines(data, flat(starts), flat(ends)), content, table, flat(fast), flat(slow)


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
    if len(tail) < 2 and "=" not in tail[0]:
        return f"truncated line: {tail[0][:30]!r} is not a field set (key=value)"
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


def _typed(rows: pa.Table, now: dt.datetime) -> tuple[pa.Table, RowIssues]:
    """Text rows (measurement, ts, tags, fields) typed as bronze payload, with each bad row's first reason."""
    issues = RowIssues(rows.num_rows)
    issues.flag(pc.is_null(rows["sensor_id"]), "tag sensor_id: missing")
    ts_text = rows["ts"]
    try:
        ts_ns = pc.cast(ts_text, pa.int64())
        bad_ts = pc.less(ts_ns, 0)
    except pa.ArrowInvalid:  # some timestamp is not an int64: find which
        in_range = pc.and_(pc.match_substring_regex(ts_text, r"^[0-9]{1,19}$"),
                           pc.or_(pc.less(pc.utf8_length(ts_text), 19), pc.less_equal(ts_text, "9223372036854775807")))
        bad_ts = pc.invert(in_range)
        ts_ns = pc.cast(pc.if_else(in_range, ts_text, pa.nulls(len(ts_text), pa.string())), pa.int64())
    issues.flag(bad_ts, lambda: pc.binary_join_element_wise(
        pa.scalar("timestamp out of range (nanoseconds since 1970): "), ts_text, pa.scalar("")))
    payload = {
        "measurement": rows["measurement"], "sensor_id": rows["sensor_id"], "farm_id": rows["farm_id"],
        "reading_ts": pc.cast(pc.divide(ts_ns, 1000), UTC_TS),
    }
    issues.flag(pc.less(payload["reading_ts"], pa.scalar(EARLIEST, UTC_TS)),
                lambda: pc.binary_join_element_wise(
                    pa.scalar(f"timestamp before {EARLIEST:%Y} (cut short, or not in nanoseconds?): "), ts_text, pa.scalar("")))
    limit = now + CLOCK_TOLERANCE
    issues.flag(pc.greater(payload["reading_ts"], pa.scalar(limit, UTC_TS)),
                lambda: pc.binary_join_element_wise(pa.scalar("timestamp in the future: "), ts_text, pa.scalar("")))
    for f, (lo, hi) in FIELDS.items():
        payload[f] = to_float(rows[f], f, issues, lo=lo, hi=hi, clean=True)
    return pa.table({c: pa.chunked_array([payload[c]]) if isinstance(payload[c], pa.Array) else payload[c]
                     for c in PAYLOAD}), issues


def parse(data: bytes, file_name: str, now: dt.datetime) -> ParsedFile:
    parsed = ParsedFile()
    data, line_map = _text_bytes(data, file_name, parsed)
    compiled = native.module()
    simple = _optimistic(data) if compiled is None else None
    typed, typed_idx = None, np.zeros(0, np.int64)  # rows the compiled tokenizer typed and checked itself
    text_columns = ("measurement", "ts", *TAGS, *FIELDS)
    if compiled is not None:
        lines, content, typed, typed_idx, slow_idx = _compiled(data, compiled, now)
        rows, line_idx = pa.table({c: pa.array([], pa.string()) for c in text_columns}), np.zeros(0, np.int64)
        text_of = lines.texts
        parsed.rows_read += content
    elif simple is not None:
        tokens, all_idx = simple
        rows, line_idx, slow_idx = tokens.table, all_idx[tokens.ok], all_idx[~tokens.ok]
        text_of = lambda idx: tokens.lines(idx)  # noqa: E731  (row i is line i)
        parsed.rows_read += len(all_idx)
    else:
        lines = _Lines.of(data)
        text_of = lines.texts
        spaces = lines.count(b" ")
        blank = (lines.ends - lines.starts) == spaces + lines.count(b"\t")
        first = np.frombuffer(data, np.uint8)[np.minimum(lines.starts, max(len(data) - 1, 0))] if len(data) else np.array([])
        content = ~blank & (first != ord("#"))
        parsed.rows_read += int(content.sum())
        rows, line_idx, slow_idx = _fast(lines, content, spaces)
    if len(slow_idx):
        slow_rows, slow_lines, rej = [], [], ([], [], [])
        for i, line in zip(slow_idx, text_of(slow_idx).to_pylist()):
            got = parse_line(line)
            if isinstance(got, str):
                rej[0].append(i); rej[1].append(got); rej[2].append(line)  # noqa: E702
            else:
                slow_rows.append(got); slow_lines.append(i)  # noqa: E702
        number = (lambda i: line_map[i]) if line_map is not None else (lambda i: i + 1)  # noqa: E731
        parsed.rejects.add(TARGET, [int(number(i)) for i in rej[0]], rej[1], rej[2])
        extra = pa.table({c: pa.array([r.get(c) for r in slow_rows], pa.string()) for c in rows.column_names})
        rows = pa.concat_tables([rows, extra])
        line_idx = np.concatenate([line_idx, np.array(slow_lines, dtype=np.int64)])
    payload, issues = _typed(rows, now)
    if typed is not None:  # typed rows first (file order), then the rows parse_line read
        payload = pa.concat_tables([typed, payload])
        line_idx = np.concatenate([typed_idx, line_idx])
        issues = issues.after_clean(typed.num_rows)
        issues.flag(pc.is_null(payload["sensor_id"]), "tag sensor_id: missing")  # the one check a typed row can fail
    numbers = pa.array(line_map[line_idx] if line_map is not None else line_idx + 1, pa.int64())
    parsed.accept(TARGET, payload, numbers, lambda mask: text_of(line_idx[mask]), issues)
    return parsed
