"""Agmarknet price exports, in both forms we receive:

- the native "Price and Arrival" report export: Market,Arrival Date,Arrivals (Tonnes),Variety,
  Minimum/Maximum/Modal Price(Rs./Quintal), plus a trailing empty column; the market name is only
  on the first row of its block (forward-fill it), and names with a comma are not quoted
  ("Binny Mill (F&V), Bangalore" rows carry one field too many: valid rows, repaired here);
- the monthly wholesale files: MANDINAME,DATE,ARRIVAL,MIN,MAX,PRICE (modal), blank prices allowed.

Neither names the commodity, so the landing file name starts with it: `<commodity>__<anything>.csv`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingestion.columns import RowIssues, text, to_date, to_float
from ingestion.parsed import FileRejected, ParsedBatch, ParsedFile
from ingestion.parsers.csv_rows import read_csv, split_by_width

TARGET = "bronze.mandi_prices"
EXPORT_HEADER = ["Market", "Arrival Date", "Arrivals (Tonnes)", "Variety", "Minimum Price(Rs./Quintal)",
                 "Maximum Price(Rs./Quintal)", "Modal Price(Rs./Quintal)"]
MONTHLY_HEADER = ["MANDINAME", "DATE", "ARRIVAL", "MIN", "MAX", "PRICE"]
DATE_RE = re.compile(r"^\s*\d{1,2}/\d{1,2}/(\d{2}|\d{4})\s*$")
DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y")  # the monthly files of some states write two-digit years
COMMODITY_RE = re.compile(r"^([a-z][a-z0-9_]*)__.+\.csv$")
MAX_PRICE_RS_PER_QTL = 1_000_000  # above any commodity's price (arecanut, saffron are < 1 lakh/qtl... x10 margin)


def commodity_from_name(file_name: str) -> str:
    m = COMMODITY_RE.match(file_name.rsplit("/", 1)[-1])
    if not m:
        raise FileRejected(f"{file_name}: the file name must start with the commodity, as in 'tomato__agmarknet_2016_01.csv'")
    return m.group(1)


def _merge_unquoted_market(fields: list[str]) -> list[str]:
    # One field too many, with the date one place late: the market name held an unquoted comma.
    if len(fields) >= 3 and not DATE_RE.match(fields[1]) and DATE_RE.match(fields[2]):
        return [f"{fields[0]},{fields[1]}"] + fields[2:]
    return fields


@dataclass
class Staged:
    """One export split into text fields; typing and checks run later over all staged files at once."""

    file: str
    commodity: str
    fmt: str
    columns: list[pa.Array]  # market, date, arrivals, variety, min, max, modal (text)
    line_no: list[int]
    raw: list[str]
    parsed: ParsedFile  # rows read, and rejects found while splitting (bad encoding, wrong width)


def stage(data: bytes, file_name: str) -> Staged:
    commodity = commodity_from_name(file_name)
    parsed = ParsedFile()
    body = read_csv(data, file_name, parsed, TARGET)
    header = [h for h in body.header if h]
    if header == EXPORT_HEADER:
        fmt, width = "agmarknet_export", len(body.header)
        # Accept rows without the trailing empty column too (re-saved exports drop it).
        body.rows = [r + [""] if len(r) == width - 1 and width == 8 else r for r in body.rows]
        body = split_by_width(body, width, TARGET, parsed, fix=_merge_unquoted_market)
        columns = body.columns(width)[:7]
    elif [h.upper() for h in header] == MONTHLY_HEADER:
        fmt = "wholesale_monthly"
        body = split_by_width(body, 6, TARGET, parsed, fix=_merge_unquoted_market)
        market, date, arrivals, mn, mx, modal = body.columns(6)
        columns = [market, date, arrivals, pa.nulls(len(market), pa.string()), mn, mx, modal]
    else:
        raise FileRejected(
            f"{file_name}: unrecognised header {body.header[:8]}; expected the Agmarknet export "
            f"({','.join(EXPORT_HEADER)}) or the monthly wholesale file ({','.join(MONTHLY_HEADER)})"
        )
    return Staged(file_name, commodity, fmt, columns, body.line_no, body.raw, parsed)


def _fill_down(values: pa.Array, name: str, blank: np.ndarray, file_idx: np.ndarray, line_no: np.ndarray,
               rejected: np.ndarray, issues: RowIssues) -> tuple[pa.Array, np.ndarray]:
    """Fill the `blank` rows from the nearest named row above, within each file, never across a
    rejected row (it may have named something new) nor from one file into the next. Also returns, per
    row, where its value came from (file-and-line order; -1: nowhere)."""
    seq = file_idx.astype(np.int64) * 10**10 + line_no  # one ordering over all files
    named = pc.is_valid(values).to_numpy(zero_copy_only=False)
    named_at = pc.fill_null_forward(pa.array(np.where(named, seq, 0), pa.int64(), mask=~named))
    src = pc.fill_null(named_at, -1).to_numpy()
    blank = blank & ~named
    issues.flag(pa.array(blank & ((src < 0) | (src // 10**10 != file_idx))), f"{name}: missing, and no earlier row names one")
    if len(rejected):
        crossed = (np.searchsorted(rejected, seq) - np.searchsorted(rejected, src, side="right")) > 0
        issues.flag(pa.array(blank & crossed & (src >= 0)), f"{name}: blank, and the row that would name it was rejected")
    filled = pc.fill_null_forward(values)
    return pc.if_else(pa.array(blank), filled, values), src


def validate(staged: list[Staged], today: dt.date) -> ParsedFile:
    """Type and check the rows of all staged files in one vectorised pass."""
    parsed = ParsedFile()
    for st in staged:
        r = st.parsed.rejects
        for target, rows, reasons, raws in zip(r.target, r.row, r.reason, r.raw):
            parsed.rejects.add(target, rows, reasons, raws, pa.repeat(pa.scalar(st.file, pa.string()), len(rows)))
        parsed.rows_read += st.parsed.rows_read
    counts = np.array([len(st.line_no) for st in staged], dtype=np.int64)
    n = int(counts.sum())
    file_idx = np.repeat(np.arange(len(staged)), counts)
    line_no = np.concatenate([np.asarray(st.line_no, dtype=np.int64) for st in staged]) if staged else np.zeros(0, np.int64)
    col = lambda i: pa.concat_arrays([st.columns[i].cast(pa.string()) for st in staged]) if staged else pa.array([], pa.string())  # noqa: E731
    per_file = lambda values: pa.array(np.repeat(np.array(values, dtype=object), counts), pa.string())  # noqa: E731
    rejected = np.sort(np.concatenate([i * 10**10 + r.to_numpy(zero_copy_only=False)
                                       for i, st in enumerate(staged) for r in st.parsed.rejects.row] or [np.zeros(0, np.int64)]))
    issues = RowIssues(n)
    fmt = per_file([st.fmt for st in staged])
    market, date_text, variety = text(col(0)), text(col(1)), text(col(3))
    # Only the native export leaves fields to be read from the row above: the market on every row of
    # its block, and the date on the rows of a second (third...) variety of the same market and day.
    export_rows = pc.equal(fmt, "agmarknet_export").to_numpy(zero_copy_only=False) if n else np.zeros(0, bool)
    if export_rows.any():
        continues = export_rows & pc.is_null(market).to_numpy(zero_copy_only=False)
        market, market_from = _fill_down(market, "market", export_rows, file_idx, line_no, rejected, issues)
        blank_date = continues & pc.is_null(date_text).to_numpy(zero_copy_only=False)
        if blank_date.any():
            above = np.concatenate([[-1], np.arange(n - 1)])
            same_variety = np.zeros(n, bool)
            same_variety[1:] = pc.fill_null(pc.equal(variety[1:], variety[:-1]), False).to_numpy(zero_copy_only=False)
            same_variety &= blank_date & (above >= 0) & (np.roll(file_idx, 1) == file_idx)
            issues.flag(pa.array(same_variety), "arrival_date: blank, and the row above is the same variety "
                                                "(not a second variety of that market and day)")
            date_text, date_from = _fill_down(date_text, "arrival_date", blank_date, file_idx, line_no, rejected, issues)
            # the date must come from the row's own market block, never from the market before it
            issues.flag(pa.array(blank_date & (date_from < market_from)),
                        "arrival_date: blank, and no row of its market's block above it has a date")
    issues.flag(pc.is_null(market), "market: missing")
    arrival_date = to_date(date_text, "arrival_date", issues, DATE_FORMATS, required_=True, not_after=today)
    arrivals_t = to_float(col(2), "arrivals_tonnes", issues, lo=0)
    prices = {name: to_float(col(i), name, issues, lo=0, hi=MAX_PRICE_RS_PER_QTL)
              for i, name in ((4, "min_price_rs_per_qtl"), (5, "max_price_rs_per_qtl"), (6, "modal_price_rs_per_qtl"))}
    payload = pa.table({
        "market": market, "state": pa.nulls(len(market), pa.string()), "district": pa.nulls(len(market), pa.string()),
        "commodity": per_file([st.commodity for st in staged]), "variety": variety,
        "arrival_date": arrival_date, "arrivals_tonnes": arrivals_t, **prices, "source_format": fmt,
        "source_file": per_file([st.file for st in staged]),
    })
    raw = pa.array([r for st in staged for r in st.raw], pa.string())
    parsed.accept(TARGET, payload, pa.array(line_no, pa.int64()), raw, issues)
    return parsed


def parse_batch(files: list[tuple[str, bytes]], today: dt.date, progress=None) -> ParsedBatch:
    batch = ParsedBatch()
    staged = []
    for rel, data in files:
        try:
            st = stage(data, rel)
        except FileRejected as exc:
            batch.rejected_files[rel] = str(exc)
            continue
        staged.append(st)
        batch.rows_read[rel] = st.parsed.rows_read
    batch.parsed = validate(staged, today)
    return batch


def parse(data: bytes, file_name: str, today: dt.date) -> ParsedFile:
    """One file on its own (tests, tools); loads go through `parse_batch`."""
    parsed = validate([stage(data, file_name)], today)
    for target, t in parsed.tables.items():
        parsed.tables[target] = t.drop_columns(["source_file"])
    return parsed
