"""The app's PostgreSQL tables as `COPY <table> TO STDOUT (FORMAT csv, HEADER)` writes them:
NULL is an empty unquoted field, booleans t/f, timestamptz as `2026-11-19 07:27:05+05:30`.
The file is named after its table: `<table>.csv` (or `<table>__<anything>.csv`)."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pyarrow.compute as pc

from ingestion.columns import CLOCK_TOLERANCE, RowIssues, typed
from ingestion.parsed import FileRejected, ParsedFile
from ingestion.parsers.csv_rows import read_csv, split_by_width
from lake.tables import APP_BOUNDS, APP_TABLES, EXTRA_COLUMNS


def table_of(file_name: str) -> str:
    stem = file_name.rsplit("/", 1)[-1].removesuffix(".csv").split("__", 1)[0]
    if stem not in APP_TABLES:
        raise FileRejected(f"{file_name}: no app table {stem!r}; known: {', '.join(APP_TABLES)}")
    return stem


def _extra_json(columns: list[pa.Array], names: list[str], n: int) -> pa.Array:
    """Undeclared columns (a newer app database) as one JSON object per row, {column: text or null}."""
    if not names:
        return pa.nulls(n, pa.string())
    values = [c.to_pylist() for c in columns]
    return pa.array([json.dumps({k: (v[i] if v[i] != "" else None) for k, v in zip(names, values)}, ensure_ascii=False)
                     for i in range(n)], pa.string())


def parse(data: bytes, file_name: str, now: dt.datetime | None = None) -> ParsedFile:
    """`now`: the load time; a timestamp later than it (beyond clock drift) is quarantined, so a row
    dated in 2030 cannot win over every later version of its record."""
    name = table_of(file_name)
    target = f"bronze.app_{name}"
    declared = APP_TABLES[name]
    parsed = ParsedFile()
    body = read_csv(data, file_name, parsed, target)
    names = [c for c, _ in declared]
    missing = [c for c in names if c not in body.header]
    if missing:
        raise FileRejected(f"{file_name}: the header lacks columns {missing} of the declared app table {name} "
                           f"(dropped in the app database? see lake/tables.py APP_TABLES)")
    extra = [c for c in body.header if c not in names and c != EXTRA_COLUMNS]
    body = split_by_width(body, len(body.header), target, parsed)
    cols = dict(zip(body.header, body.columns(len(body.header))))
    issues = RowIssues(len(body.rows))
    not_after = (now or dt.datetime.now(dt.timezone.utc)) + CLOCK_TOLERANCE
    payload = {c: typed(cols[c], c, t, issues, bounds=APP_BOUNDS.get(c), not_after=not_after) for c, t in declared}
    payload[EXTRA_COLUMNS] = _extra_json([cols[c] for c in extra], extra, len(body.rows))
    key = names[0]
    issues.flag(pc.is_null(payload[key]), f"{key}: missing (primary key)")
    # Each extract holds one version per row; a repeat of the whole row is a duplicate delivery.
    parsed.accept(target, pa.table(payload), pa.array(body.line_no, pa.int64()), pa.array(body.raw, pa.string()), issues)
    return parsed
