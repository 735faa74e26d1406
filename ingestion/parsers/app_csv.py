"""The app's PostgreSQL tables as `COPY <table> TO STDOUT (FORMAT csv, HEADER)` writes them:
NULL is an empty unquoted field, booleans t/f, timestamptz as `2026-11-19 07:27:05+05:30`.
The file is named after its table: `<table>.csv` (or `<table>__<anything>.csv`)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from ingestion.columns import RowIssues, typed
from ingestion.parsed import FileRejected, ParsedFile
from ingestion.parsers.csv_rows import read_csv, split_by_width
from lake.tables import APP_TABLES


def table_of(file_name: str) -> str:
    stem = file_name.rsplit("/", 1)[-1].removesuffix(".csv").split("__", 1)[0]
    if stem not in APP_TABLES:
        raise FileRejected(f"{file_name}: no app table {stem!r}; known: {', '.join(APP_TABLES)}")
    return stem


def parse(data: bytes, file_name: str) -> ParsedFile:
    name = table_of(file_name)
    target = f"bronze.app_{name}"
    declared = APP_TABLES[name]
    parsed = ParsedFile()
    body = read_csv(data, file_name, parsed, target)
    names = [c for c, _ in declared]
    missing = [c for c in names if c not in body.header]
    extra = [c for c in body.header if c not in names]
    if missing or extra:
        raise FileRejected(f"{file_name}: columns differ from the declared app table {name}: "
                           f"missing {missing}, undeclared {extra} (a schema change in the app database?)")
    body = split_by_width(body, len(body.header), target, parsed)
    cols = dict(zip(body.header, body.columns(len(body.header))))
    issues = RowIssues(len(body.rows))
    payload = {c: typed(cols[c], c, t, issues) for c, t in declared}
    key = names[0]
    issues.flag(pc.is_null(payload[key]), f"{key}: missing (primary key)")
    # Each extract holds one version per row; a repeat of the whole row is a duplicate delivery.
    parsed.accept(target, pa.table(payload), pa.array(body.line_no, pa.int64()), pa.array(body.raw, pa.string()), issues)
    return parsed
