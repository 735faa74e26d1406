"""Soil Health Card data in its two public forms:

- card exports from the soil testing labs: one row per farm sample with measured values;
- the national dashboard's village summaries: per village, how many samples fell in each class
  (landed as `<year>/KARNATAKA/<DISTRICT>/<BLOCK> - <code>_{macro,micro}.csv`, the path names the block).
"""

from __future__ import annotations

import datetime as dt
import re

import pyarrow as pa

from ingestion.columns import RowIssues, text, to_date, to_float, to_int
from ingestion.decode import utf8
from ingestion.parsed import FileRejected, ParsedFile
from ingestion.parsers.csv_rows import read_csv, split_by_width
from lake.tables import SHC_CLASS_COLUMNS

CARDS, VILLAGES = "bronze.soil_health_cards", "bronze.soil_health_village_classes"
# card export header -> (column, lower bound, upper bound)
CARD_VALUES = {
    "pH": ("ph", 0.0, 14.0), "EC (dS/m)": ("ec_ds_per_m", 0.0, 20.0), "Organic Carbon (%)": ("organic_carbon_pct", 0.0, 15.0),
    "Available N (kg/ha)": ("nitrogen_kg_per_ha", 0.0, 5000.0), "Available P (kg/ha)": ("phosphorus_kg_per_ha", 0.0, 2000.0),
    "Available K (kg/ha)": ("potassium_kg_per_ha", 0.0, 5000.0), "Available S (ppm)": ("sulphur_ppm", 0.0, 1000.0),
    "Zn (ppm)": ("zinc_ppm", 0.0, 1000.0), "Fe (ppm)": ("iron_ppm", 0.0, 1000.0), "Cu (ppm)": ("copper_ppm", 0.0, 1000.0),
    "Mn (ppm)": ("manganese_ppm", 0.0, 1000.0), "B (ppm)": ("boron_ppm", 0.0, 100.0),
}
CARD_TEXT = {"Card No": "card_id", "Farm ID": "farm_id", "District": "district", "Block": "block", "Village": "village"}
VILLAGE_PATH = re.compile(r"(?P<year>\d{4}-\d{2})/[^/]+/(?P<district>[^/]+)/(?P<block>.+) - (?P<code>\d+)_(?P<kind>macro|micro)\.csv$")


def parse(data: bytes, file_name: str, today: dt.date) -> ParsedFile:
    parsed = ParsedFile()
    data = utf8(data, file_name)  # the header decides the form: read it the way every parser decodes
    first = data.split(b"\n", 1)[0].decode("utf-8", errors="replace").strip()
    if first.startswith("village,"):
        return _villages(data, file_name, parsed)
    if first.startswith("Card No,"):
        return _cards(data, file_name, parsed, today)
    if not data.strip():
        raise FileRejected(f"{file_name}: empty file")
    raise FileRejected(f"{file_name}: unrecognised header {first[:80]!r}; expected a Soil Health Card export "
                       "('Card No,Farm ID,Sample Date,...') or a dashboard village summary ('village,Nitrogen High,...')")


def _index(header: list[str], names: list[str], file_name: str) -> dict[str, int]:
    missing = [n for n in names if n not in header]
    if missing:
        raise FileRejected(f"{file_name}: header lacks columns {missing}")
    return {n: header.index(n) for n in names}


def _cards(data: bytes, file_name: str, parsed: ParsedFile, today: dt.date) -> ParsedFile:
    body = read_csv(data, file_name, parsed, CARDS)
    idx = _index(body.header, list(CARD_TEXT) + ["Sample Date"] + list(CARD_VALUES), file_name)
    body = split_by_width(body, len(body.header), CARDS, parsed)
    cols = body.columns(len(body.header))
    issues = RowIssues(len(body.rows))
    payload = {col: text(cols[idx[h]]) for h, col in CARD_TEXT.items()}
    for req in ("card_id", "farm_id"):
        issues.flag(pa.compute.is_null(payload[req]), f"{req}: missing")
    payload["sample_date"] = to_date(cols[idx["Sample Date"]], "sample_date", issues, "%d-%m-%Y", not_after=today)
    for h, (col, lo, hi) in CARD_VALUES.items():
        payload[col] = to_float(cols[idx[h]], col, issues, lo=lo, hi=hi)
    order = ["card_id", "farm_id", "sample_date", "district", "block", "village"] + [c for c, _, _ in CARD_VALUES.values()]
    parsed.accept(CARDS, pa.table({c: payload[c] for c in order}), pa.array(body.line_no, pa.int64()),
                  pa.array(body.raw, pa.string()), issues)
    return parsed


def _villages(data: bytes, file_name: str, parsed: ParsedFile) -> ParsedFile:
    m = VILLAGE_PATH.search(file_name)
    if not m:
        raise FileRejected(f"{file_name}: a village summary must be landed as <year>/<STATE>/<DISTRICT>/<BLOCK> - <code>_<macro|micro>.csv")
    body = read_csv(data, file_name, parsed, VILLAGES)
    unknown = [h for h in body.header[1:] if h not in SHC_CLASS_COLUMNS]
    if unknown:
        raise FileRejected(f"{file_name}: unknown class columns {unknown}")
    body = split_by_width(body, len(body.header), VILLAGES, parsed)
    cols = body.columns(len(body.header))
    n = len(body.rows)
    issues = RowIssues(n)
    village = text(cols[0])
    issues.flag(pa.compute.is_null(village), "village: missing")
    const = lambda v: pa.array([v] * n, pa.string())  # noqa: E731
    payload = {"report_year": const(m["year"]), "district": const(m["district"]), "block": const(m["block"]),
               "block_code": const(m["code"]), "village": village, "file_kind": const(m["kind"])}
    present = dict(zip(body.header[1:], cols[1:]))
    for h, col in SHC_CLASS_COLUMNS.items():
        payload[col] = to_int(present[h], col, issues, lo=0) if h in present else pa.nulls(n, pa.int64())
    parsed.accept(VILLAGES, pa.table(payload), pa.array(body.line_no, pa.int64()), pa.array(body.raw, pa.string()), issues)
    return parsed
