"""Agmarknet prices from the data.gov.in API (resource "Current daily price of various commodities from
various markets (Mandi)"), as the connector lands them:

    {"source": "data.gov.in", "resource": <id>, "fetched_at": ISO-8601,
     "pages": [{"total": N, "count": n, "offset": "0", "limit": "1000",
                "records": [{"state", "district", "market", "commodity", "variety", "grade",
                             "arrival_date": "26/11/2026", "min_price", "max_price", "modal_price"}]}]}

Rows go to the same bronze table as the CSV exports (source_format agmarknet_api); the API has no
arrivals. Commodities are mapped from Agmarknet's names to ours (reference/commodities.csv); a
commodity we do not track is quarantined with that reason. Silver keeps one row per market,
commodity, variety and day across both formats.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json

import pyarrow as pa
import pyarrow.compute as pc

from ingestion.columns import RowIssues, text, to_date, to_float
from ingestion.decode import load_json
from ingestion.parsed import FileRejected, ParsedFile
from ingestion.parsers.agmarknet import MAX_PRICE_RS_PER_QTL, TARGET
from hasiru.reference import REFERENCE_DIR

FIELDS = ("market", "commodity", "variety", "arrival_date", "min_price", "max_price", "modal_price")
PLACE = ("state", "district")  # kept, so a market outside the reference list stays placed


@functools.cache
def commodity_keys() -> dict[str, str]:
    with (REFERENCE_DIR / "commodities.csv").open(encoding="utf-8") as f:
        return {r["agmarknet_commodity"].strip().lower(): r["commodity"] for r in csv.DictReader(f)}


def parse(data: bytes, file_name: str, today: dt.date) -> ParsedFile:
    doc = load_json(data, file_name)
    pages = doc.get("pages") if isinstance(doc, dict) else None
    if not isinstance(pages, list):
        raise FileRejected(f"{file_name}: not a data.gov.in API landing (expected an object with a 'pages' list)")
    parsed = ParsedFile()
    rows, numbers, raws, rej = [], [], [], ([], [], [])
    n = 0
    for p, page in enumerate(pages):
        records = page.get("records") if isinstance(page, dict) else None
        if not isinstance(records, list):
            raise FileRejected(f"{file_name}: pages[{p}] has no records list")
        for rec in records:
            n += 1
            parsed.rows_read += 1
            raw = json.dumps(rec, ensure_ascii=False)[:2000]
            missing = [f for f in FIELDS if not isinstance(rec, dict) or f not in rec]
            if missing:
                rej[0].append(n); rej[1].append(f"record lacks {missing}"); rej[2].append(raw)  # noqa: E702
                continue
            rows.append({f: None if rec.get(f) in (None, "", "NR") else str(rec[f]) for f in FIELDS + PLACE})
            numbers.append(n)
            raws.append(raw)
    parsed.rejects.add(TARGET, *[list(x) for x in rej])
    col = lambda k: pa.array([r[k] for r in rows], pa.string())  # noqa: E731
    issues = RowIssues(len(rows))
    names = commodity_keys()
    commodity = pa.array([names.get((r["commodity"] or "").strip().lower()) for r in rows], pa.string())
    unknown = pc.and_(pc.is_null(commodity), pc.invert(pc.is_null(col("commodity"))))
    issues.flag(unknown, lambda: pc.binary_join_element_wise("commodity: not tracked: ", col("commodity"), ""))
    market = text(col("market"))
    issues.flag(pc.is_null(market), "market: missing")
    payload = pa.table({
        "market": market, "state": text(col("state")), "district": text(col("district")),
        "commodity": commodity, "variety": text(col("variety")),
        "arrival_date": to_date(col("arrival_date"), "arrival_date", issues, "%d/%m/%Y", required_=True, not_after=today),
        "arrivals_tonnes": pa.nulls(len(rows), pa.float64()),
        **{f"{k}_price_rs_per_qtl": to_float(col(f"{k}_price"), f"{k}_price_rs_per_qtl", issues, lo=0, hi=MAX_PRICE_RS_PER_QTL)
           for k in ("min", "max", "modal")},
        "source_format": pa.repeat(pa.scalar("agmarknet_api", pa.string()), len(rows)),
    })
    parsed.accept(TARGET, payload, pa.array(numbers, pa.int64()), pa.array(raws, pa.string()), issues)
    return parsed
