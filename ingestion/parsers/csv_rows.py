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

    Fields are split by the csv module (quotes honoured); records never span lines in these exports."""
    lines, bad = decode_lines(data, name)
    for line_no, reason, raw in bad:
        parsed.rejects.add(target, [line_no], [reason], [raw])
    parsed.rows_read += len(bad)
    if not lines:
        raise FileRejected(f"{name}: no header line")
    header_no, header_line = lines[0]
    if header_no != 1 and bad and bad[0][0] < header_no:
        raise FileRejected(f"{name}: the header line is not valid UTF-8")
    header = [h.strip() for h in next(csv.reader([header_line]))]
    body = lines[1:]
    rows = list(csv.reader([t for _, t in body]))
    parsed.rows_read += len(body)
    return CsvBody(header, rows, [n for n, _ in body], [t for _, t in body])


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
