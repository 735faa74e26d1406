"""Vectorised typing and validation of text columns, with a reason per bad row.

Parsers read fields as text, then type them here: each check marks the rows it fails in a
`RowIssues`, keeping the first reason per row, so one bad field sends its row to quarantine with a
message that names the column and the value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingestion import native

UTC_TS = pa.timestamp("us", tz="UTC")
CLOCK_TOLERANCE = dt.timedelta(minutes=10)  # how far a source's clock may run ahead of the load's
NUMBER_RE = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
INT_RE = r"^[+-]?\d+$"
# PostgreSQL timestamptz text: 2026-11-19 07:27:05[.ffffff]+05:30 (also accepts ISO 8601 'T' and 'Z')
TIMESTAMP_RE = r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}(:?\d{2})?)$"


class RowIssues:
    """The first reason each row is bad (null = row is good)."""

    def __init__(self, n: int):
        self.n = n
        self.reason: pa.Array = pa.nulls(n, pa.string())

    def flag(self, mask: pa.Array | np.ndarray, message: str | pa.Array | Callable[[], pa.Array]) -> None:
        """Mark rows where `mask` is true (first reason wins); `message` may be a callable, built only if needed."""
        mask = pc.fill_null(pa.array(mask, pa.bool_()) if isinstance(mask, np.ndarray) else mask, False)
        if not pc.any(mask).as_py():
            return
        if callable(message):
            message = message()
        msg = pa.scalar(message) if isinstance(message, str) else message
        self.reason = pc.if_else(pc.and_(mask, pc.is_null(self.reason)), msg, self.reason)

    def after_clean(self, n: int) -> "RowIssues":
        """These issues for rows that follow `n` rows with none (rows checked elsewhere, stacked first)."""
        out = RowIssues(n + self.n)
        reason = self.reason.combine_chunks() if isinstance(self.reason, pa.ChunkedArray) else self.reason
        out.reason = pa.concat_arrays([pa.nulls(n, pa.string()), reason])
        return out

    @property
    def ok(self) -> pa.Array:
        return pc.is_null(self.reason)

    def count(self) -> int:
        return self.n - self.reason.null_count


def text(values: pa.Array | list) -> pa.Array:
    """Normalise a column of fields: trimmed, empty text = null."""
    arr = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else pa.array(values, pa.string())
    arr = pc.utf8_trim_whitespace(arr.cast(pa.string()))
    return pc.if_else(pc.equal(arr, ""), pa.nulls(len(arr), pa.string()), arr)


def _describe(name: str, what: str, values: pa.Array) -> Callable[[], pa.Array]:
    return lambda: pc.binary_join_element_wise(pa.scalar(f"{name}: {what} '"), values, pa.scalar("'"), pa.scalar(""))


def required(values: pa.Array, name: str, issues: RowIssues) -> None:
    issues.flag(pc.is_null(values), f"{name}: missing")


def to_float(values: pa.Array, name: str, issues: RowIssues, *, lo: float | None = None, hi: float | None = None,
             required_: bool = False, clean: bool = False) -> pa.Array:
    """`clean=True`: the caller guarantees no padding or empty strings (a direct cast is tried first)."""
    out = None
    if clean:
        try:
            out = pc.cast(values, pa.float64())
        except pa.ArrowInvalid:
            out = None  # some value is not a number: take the validating path for the reasons
    if out is None:
        values = text(values)
        valid = pc.match_substring_regex(values, NUMBER_RE)
        issues.flag(pc.invert(valid), _describe(name, "not a number", values))
        out = pc.cast(pc.if_else(valid, values, pa.nulls(len(values), pa.string())), pa.float64())
    if required_:
        required(values, name, issues)
    if pc.any(pc.invert(pc.is_finite(out))).as_py():
        issues.flag(pc.and_(pc.is_valid(out), pc.invert(pc.is_finite(out))), _describe(name, "not a finite number", values))
        out = pc.if_else(pc.is_finite(out), out, pa.nulls(len(out), pa.float64()))
    if lo is not None:
        issues.flag(pc.less(out, lo), _describe(name, f"below {lo:g}:", values))
    if hi is not None:
        issues.flag(pc.greater(out, hi), _describe(name, f"above {hi:g}:", values))
    return out


def to_int(values: pa.Array, name: str, issues: RowIssues, *, lo: int | None = None, hi: int | None = None,
           required_: bool = False) -> pa.Array:
    values = text(values)
    if required_:
        required(values, name, issues)
    valid = pc.match_substring_regex(values, INT_RE)
    issues.flag(pc.invert(valid), _describe(name, "not a whole number", values))
    huge = pc.and_(valid, pc.greater(pc.utf8_length(pc.utf8_ltrim(values, "+-0")), 18))
    issues.flag(huge, _describe(name, "out of range (more than 18 digits)", values))
    valid = pc.and_(valid, pc.invert(huge))
    out = pc.cast(pc.if_else(valid, values, pa.nulls(len(values), pa.string())), pa.int64())
    if lo is not None:
        issues.flag(pc.less(out, lo), _describe(name, f"below {lo}:", values))
    if hi is not None:
        issues.flag(pc.greater(out, hi), _describe(name, f"above {hi}:", values))
    return out


def to_date(values: pa.Array, name: str, issues: RowIssues, fmt: str | tuple[str, ...] = "%Y-%m-%d", *,
            required_: bool = False, not_after: dt.date | None = None) -> pa.Array:
    """Dates in `fmt`, or in the first of several formats that reads them (say %d/%m/%Y, then %d/%m/%y:
    a two-digit year is 2000-2068 for 00-68, as POSIX strptime reads it)."""
    values = text(values)
    if required_:
        required(values, name, issues)
    fmts = (fmt,) if isinstance(fmt, str) else fmt
    out = pa.nulls(len(values), pa.date32())
    for f in fmts:
        parsed = pc.strptime(values, format=f, unit="s", error_is_null=True)
        # strptime rolls 31/02 over to 03/03: a date is valid only if it prints back as written.
        round_trip = pc.fill_null(pc.equal(pc.strftime(parsed, format=f), values), False)
        out = pc.if_else(pc.and_(pc.is_null(out), round_trip), pc.cast(parsed, pa.date32()), out)
    bad = pc.and_(pc.is_valid(values), pc.is_null(out))
    issues.flag(bad, _describe(name, f"not a date ({' or '.join(fmts)})", values))
    if not_after is not None:
        issues.flag(pc.greater(out, pa.scalar(not_after, pa.date32())), _describe(name, "in the future", values))
    return out


def to_timestamp(values: pa.Array, name: str, issues: RowIssues, *, required_: bool = False,
                 not_after: dt.datetime | None = None) -> pa.Array:
    values = text(values)
    if required_:
        required(values, name, issues)
    valid = pc.match_substring_regex(values, TIMESTAMP_RE)
    issues.flag(pc.invert(valid), _describe(name, "not a timestamp with zone", values))
    candidates = pc.if_else(valid, values, pa.nulls(len(values), pa.string()))
    try:
        out = pc.cast(candidates, UTC_TS)
    except pa.ArrowInvalid:  # shape was right but a field is out of range (month 13, hour 25): find them one by one
        parsed = []
        for v in candidates.to_pylist():
            try:
                parsed.append(None if v is None else pc.cast(pa.array([v]), UTC_TS)[0].as_py())
            except pa.ArrowInvalid:
                parsed.append(None)
        out = pa.array(parsed, UTC_TS)
        issues.flag(pc.and_(pc.is_valid(candidates), pc.is_null(out)), _describe(name, "not a valid timestamp", values))
    if not_after is not None:
        issues.flag(pc.greater(out, pa.scalar(not_after, UTC_TS)), _describe(name, "in the future", values))
    return out


def to_bool(values: pa.Array, name: str, issues: RowIssues) -> pa.Array:
    values = pc.utf8_lower(text(values))
    true = pc.is_in(values, pa.array(["t", "true", "1", "yes"]))
    false = pc.is_in(values, pa.array(["f", "false", "0", "no"]))
    issues.flag(pc.and_(pc.is_valid(values), pc.invert(pc.or_(true, false))), _describe(name, "not a boolean", values))
    return pc.if_else(true, True, pc.if_else(false, False, pa.nulls(len(values), pa.bool_())))


def typed(values: pa.Array, name: str, arrow_type: pa.DataType, issues: RowIssues, *,
          bounds: tuple[float, float] | None = None, not_after: dt.datetime | None = None) -> pa.Array:
    """Parse a text column to a declared Arrow type (app tables, card exports), within `bounds` for
    numbers; `not_after` for timestamps (a moment after the load has not happened yet)."""
    lo, hi = bounds or (None, None)
    if pa.types.is_string(arrow_type):
        return text(values)
    if pa.types.is_floating(arrow_type):
        return to_float(values, name, issues, lo=lo, hi=hi)
    if pa.types.is_integer(arrow_type):
        return to_int(values, name, issues, lo=lo, hi=hi)
    if pa.types.is_date(arrow_type):
        return to_date(values, name, issues)
    if pa.types.is_timestamp(arrow_type):
        return to_timestamp(values, name, issues, not_after=not_after)
    if pa.types.is_boolean(arrow_type):
        return to_bool(values, name, issues)
    raise TypeError(f"{name}: no text parser for {arrow_type}")


def _sort_codes(col: pa.Array) -> list[np.ndarray]:
    """Integer keys that are equal exactly when the column's values are equal (nulls included)."""
    col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    nulls = pc.is_null(col).to_numpy(zero_copy_only=False).astype(np.int8)
    t = col.type
    if pa.types.is_floating(t):
        values = pc.fill_null(col.cast(pa.float64()), 0.0).to_numpy(zero_copy_only=False).view(np.int64)
    elif pa.types.is_integer(t) or pa.types.is_temporal(t):
        if pa.types.is_temporal(t):  # dates and timestamps are integers underneath
            col = col.view(pa.int32() if t.bit_width == 32 else pa.int64())
        values = pc.fill_null(col.cast(pa.int64()), 0).to_numpy(zero_copy_only=False)
    else:
        values = pc.fill_null(pc.dictionary_encode(col).indices, -1).to_numpy(zero_copy_only=False)
    return [values, nulls] if nulls.any() else [values]


def duplicate_of(table: pa.Table, columns: list[str], row_numbers: pa.Array) -> pa.Array:
    """For each row, the source row it repeats exactly (same values in `columns`), else null.

    Rows are hashed on integer codes of their values; only rows sharing a hash are compared in full."""
    n = table.num_rows
    if n == 0:
        return pa.nulls(0, pa.int64())
    keys = [k for c in columns for k in _sort_codes(table[c])]
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in keys:
            h = (h ^ k.astype(np.uint64)) * np.uint64(0x100000001B3)  # FNV-style mixing
            h ^= h >> np.uint64(29)
    compiled = native.module()
    if compiled is not None:  # one hash table instead of a sort of every row
        shared = np.frombuffer(compiled.shared_hashes(h.tobytes()), np.int64)
    else:
        order = np.argsort(h, kind="stable")
        hs = h[order]
        same = np.zeros(n, dtype=bool)
        same[1:] = hs[1:] == hs[:-1]
        same[:-1] |= same[1:]
        shared = np.sort(order[same])
    # only rows whose hash another row shares can repeat one: few (real repeats and rare collisions)
    first_of = np.arange(n)
    if len(shared):
        order = shared[np.argsort(h[shared], kind="stable")]  # grouped by hash, in file order within a group
        hs = h[order]
        bounds = np.flatnonzero(np.concatenate([[True], hs[1:] != hs[:-1], [True]]))
        for a, b in zip(bounds[:-1], bounds[1:]):
            seen: dict[tuple, int] = {}
            for m in order[a:b]:
                row = tuple(int(k[m]) for k in keys)
                first_of[m] = seen.setdefault(row, m)
    rows = np.asarray(row_numbers.to_numpy(zero_copy_only=False))
    is_dup = first_of != np.arange(n)
    return pa.array(np.where(is_dup, rows[first_of], 0), pa.int64(), mask=~is_dup)
