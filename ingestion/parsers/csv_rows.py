"""CSV files as numbered rows: the header, and body rows split into fields."""

from __future__ import annotations

import csv
from dataclasses import dataclass

import pyarrow as pa

from ingestion.decode import decode_lines
from ingestion.parsed import FileRejected, ParsedFile


@dataclass
class CsvBody:
    header: list[str]
    rows: list[list[str]]
    line_no: list[int]
    raw: list[str]

    def columns(self, width: int) -> list[pa.Array]:
        """Transpose the rows (all of `width` fields) into text columns."""
        if not self.rows:
            return [pa.array([], pa.string()) for _ in range(width)]
        return [pa.array(col, pa.string()) for col in zip(*self.rows)]


def read_csv(data: bytes, name: str, parsed: ParsedFile, target: str) -> CsvBody:
    """Decode and split a CSV file. Undecodable lines are rejected into `parsed` (and counted as read).

    Fields are split by the csv module (quotes honoured); records never span lines in these exports, so a
    quoted field left open at the end of its line is that line's fault alone (rejected), never a merge
    with the lines after it."""
    lines, bad = decode_lines(data, name)
    for line_no, reason, raw in bad:
        parsed.rejects.add(target, [line_no], [reason], [raw])
    parsed.rows_read += len(bad)
    if not lines:
        raise FileRejected(f"{name}: no header line")
    header_no, header_line = lines[0]
    if header_no != 1 and bad and bad[0][0] < header_no:
        raise FileRejected(f"{name}: the header line is not valid UTF-8")
    header = split_line(header_line)
    if isinstance(header, str):
        raise FileRejected(f"{name}: the header line has {header}")
    header = [h.strip() for h in header]
    body = lines[1:]
    parsed.rows_read += len(body)
    quoted = [i for i, (_, t) in enumerate(body) if '"' in t]
    if not quoted:  # nothing can span lines: one reader for the whole file
        rows = list(csv.reader([t for _, t in body]))
        return CsvBody(header, rows, [n for n, _ in body], [t for _, t in body])
    out = CsvBody(header, [], [], [])
    bad = set()
    rows_of_quoted = {}
    for i in quoted:
        got = split_line(body[i][1])
        if isinstance(got, str):
            parsed.rejects.add(target, [body[i][0]], [got], [body[i][1]])
            bad.add(i)
        else:
            rows_of_quoted[i] = got
    plain = iter(csv.reader([t for i, (_, t) in enumerate(body) if i not in rows_of_quoted and i not in bad]))
    for i, (n, t) in enumerate(body):
        if i in bad:
            continue
        out.rows.append(rows_of_quoted[i] if i in rows_of_quoted else next(plain))
        out.line_no.append(n)
        out.raw.append(t)
    return out


def split_line(line: str) -> list[str] | str:
    """One CSV line's fields, or why they cannot be read (a quote left open)."""
    try:
        return next(csv.reader([line], strict=True))
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            return "an unbalanced quote (a quoted field is not closed on its line)"
        return next(csv.reader([line]))  # a stray quote inside a field: read it as the exports' own tools do


def split_by_width(body: CsvBody, width: int, target: str, parsed: ParsedFile, fix=None) -> CsvBody:
    """Keep rows with `width` fields (after an optional per-row `fix`); reject the others with the count."""
    keep = CsvBody(body.header, [], [], [])
    bad_rows, bad_reasons, bad_raw = [], [], []
    for fields, n, raw in zip(body.rows, body.line_no, body.raw):
        if len(fields) != width and fix is not None:
            fields = fix(fields)
        if len(fields) == width:
            keep.rows.append(fields)
            keep.line_no.append(n)
            keep.raw.append(raw)
        else:
            bad_rows.append(n)
            bad_reasons.append(f"expected {width} fields, found {len(fields)} (truncated or shifted row)")
            bad_raw.append(raw)
    parsed.rejects.add(target, bad_rows, bad_reasons, bad_raw)
    return keep
