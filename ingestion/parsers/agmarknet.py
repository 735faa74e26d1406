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

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingestion.columns import RowIssues, text, to_date, to_float
from ingestion.parsed import FileRejected, ParsedFile
from ingestion.parsers.csv_rows import read_csv, split_by_width

TARGET = "bronze.mandi_prices"
EXPORT_HEADER = ["Market", "Arrival Date", "Arrivals (Tonnes)", "Variety", "Minimum Price(Rs./Quintal)",
                 "Maximum Price(Rs./Quintal)", "Modal Price(Rs./Quintal)"]
MONTHLY_HEADER = ["MANDINAME", "DATE", "ARRIVAL", "MIN", "MAX", "PRICE"]
DATE_RE = re.compile(r"^\s*\d{2}/\d{2}/\d{4}\s*$")
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


def _fill_market(market: pa.Array, line_no: list[int], parsed: ParsedFile, issues: RowIssues) -> pa.Array:
    """Forward-fill the market name, but never across a rejected row: that row may have named a new market."""
    lines = np.asarray(line_no, dtype=np.int64)
    named_at = pc.fill_null_forward(pc.if_else(pc.is_valid(market), pa.array(lines), pa.nulls(len(lines), pa.int64())))
    filled = pc.fill_null_forward(market)
    rejected = np.sort(np.concatenate([r.to_numpy(zero_copy_only=False) for r in parsed.rejects.row] or [np.array([], np.int64)]))
    if len(rejected):
        src = pc.fill_null(named_at, 0).to_numpy()
        crossed = (np.searchsorted(rejected, lines) - np.searchsorted(rejected, src, side="right")) > 0
        issues.flag(pa.array(crossed & pc.is_null(market).to_numpy(zero_copy_only=False)),
                    "market: blank, and the row that would name it was rejected")
    return filled


def parse(data: bytes, file_name: str, today: dt.date) -> ParsedFile:
    commodity = commodity_from_name(file_name)
    parsed = ParsedFile()
    body = read_csv(data, file_name, parsed, TARGET)
    header = [h for h in body.header if h]
    if header == EXPORT_HEADER:
        fmt, width = "agmarknet_export", len(body.header)
        # Accept rows without the trailing empty column too (re-saved exports drop it).
        rows = [r + [""] if len(r) == width - 1 and width == 8 else r for r in body.rows]
        body.rows = rows
        body = split_by_width(body, width, TARGET, parsed, fix=_merge_unquoted_market)
        market, date, arrivals, variety, mn, mx, modal = body.columns(width)[:7]
    elif [h.upper() for h in header] == MONTHLY_HEADER:
        fmt = "wholesale_monthly"
        body = split_by_width(body, 6, TARGET, parsed, fix=_merge_unquoted_market)
        market, date, arrivals, mn, mx, modal = body.columns(6)
        variety = pa.nulls(len(market), pa.string())
    else:
        raise FileRejected(
            f"{file_name}: unrecognised header {body.header[:8]}; expected the Agmarknet export "
            f"({','.join(EXPORT_HEADER)}) or the monthly wholesale file ({','.join(MONTHLY_HEADER)})"
        )
    n = len(body.rows)
    issues = RowIssues(n)
    market = text(market)
    if fmt == "agmarknet_export":
        market = _fill_market(market, body.line_no, parsed, issues)
    issues.flag(pc.is_null(market), "market: missing, and no earlier row names one")
    arrival_date = to_date(date, "arrival_date", issues, "%d/%m/%Y", required_=True, not_after=today)
    arrivals_t = to_float(arrivals, "arrivals_tonnes", issues, lo=0)
    prices = {}
    for name, col in (("min_price_rs_per_qtl", mn), ("max_price_rs_per_qtl", mx), ("modal_price_rs_per_qtl", modal)):
        prices[name] = to_float(col, name, issues, lo=0, hi=MAX_PRICE_RS_PER_QTL)
    payload = pa.table({
        "market": market, "commodity": pa.array([commodity] * n, pa.string()), "variety": text(variety),
        "arrival_date": arrival_date, "arrivals_tonnes": arrivals_t, **prices,
        "source_format": pa.array([fmt] * n, pa.string()),
    })
    parsed.accept(TARGET, payload, pa.array(body.line_no, pa.int64()), pa.array(body.raw, pa.string()), issues)
    return parsed
