"""District crop statistics ("Area, Production and Yield", Directorate of Economics and Statistics) in
the two shapes they are published in:

- the DES APY export: `State,District,Crop,Year,Season,Area,Area Units,Production,Production Units,Yield`
  (Year as "2019-20", Area in Hectare, Production in Tonnes, or Nuts/Bales for coconut/cotton);
- data.gov.in's crop production table: `State_Name,District_Name,Crop_Year,Season,Crop,Area,Production`.

Rules: the state must be Karnataka; districts are mapped to today's names (BANGALORE -> BENGALURU
URBAN, GULBARGA -> KALABURAGI, ...) and an unknown one is quarantined; the year must read as a year;
area must be a number >= 0 and production >= 0 (or empty: not reported); production on zero area is
quarantined. Seasons are normalised (the published files pad them with spaces).
"""

from __future__ import annotations

import csv
import datetime as dt
import re

import pyarrow as pa
import pyarrow.compute as pc

from ingestion.columns import RowIssues, text, to_float
from ingestion.parsed import FileRejected, ParsedFile
from ingestion.parsers.csv_rows import read_csv, split_by_width
from hasiru.reference import REFERENCE_DIR

TARGET = "bronze.crop_statistics"
FORMATS = {
    "des_apy": ["State", "District", "Crop", "Year", "Season", "Area", "Area Units", "Production", "Production Units", "Yield"],
    "datagovin_crop_production": ["State_Name", "District_Name", "Crop_Year", "Season", "Crop", "Area", "Production"],
}
COLUMNS = {  # our name -> position in each format
    "des_apy": {"state": 0, "district": 1, "crop": 2, "year": 3, "season": 4, "area": 5, "production": 7, "units": 8},
    "datagovin_crop_production": {"state": 0, "district": 1, "year": 2, "season": 3, "crop": 4, "area": 5, "production": 6},
}
OLD_NAMES = {"BANGALORE": "BENGALURU URBAN", "BANGALORE URBAN": "BENGALURU URBAN", "BANGALORE RURAL": "BENGALURU RURAL",
             "BELGAUM": "BELAGAVI", "BELLARY": "BALLARI", "BIJAPUR": "VIJAYAPURA", "GULBARGA": "KALABURAGI",
             "MYSORE": "MYSURU", "SHIMOGA": "SHIVAMOGGA", "TUMKUR": "TUMAKURU", "CHIKMAGALUR": "CHIKKAMAGALURU",
             "BAGALKOT": "BAGALKOTE", "CHAMARAJANAGAR": "CHAMARAJANAGARA", "CHIKBALLAPUR": "CHIKKABALLAPURA",
             "DAVANAGERE": "DAVANGERE", "DAKSHIN KANNAD": "DAKSHINA KANNADA", "UTTAR KANNAD": "UTTARA KANNADA",
             "KODAGU (COORG)": "KODAGU", "COORG": "KODAGU", "YADAGIRI": "YADGIR", "RAMANAGAR": "RAMANAGARA"}
SEASONS = {"kharif": "kharif", "rabi": "rabi", "summer": "summer", "whole year": "whole_year", "autumn": "autumn", "winter": "winter"}
YEAR = re.compile(r"^(\d{4})(?:-(\d{2}|\d{4}))?$")


def _districts() -> set[str]:
    with (REFERENCE_DIR / "karnataka_districts.csv").open(encoding="utf-8") as f:
        return {r["district"] for r in csv.DictReader(f)}


def parse(data: bytes, file_name: str, today: dt.date | None = None) -> ParsedFile:
    """`today`: the load date; a crop year that has not begun by then is quarantined."""
    parsed = ParsedFile()
    body = read_csv(data, file_name, parsed, TARGET)
    header = [h.strip() for h in body.header]
    fmt = next((k for k, cols in FORMATS.items() if header[:len(cols)] == cols), None)
    if fmt is None:
        raise FileRejected(f"{file_name}: header {header} is neither the DES APY export ({FORMATS['des_apy']}) "
                           f"nor data.gov.in's crop production table ({FORMATS['datagovin_crop_production']})")
    body = split_by_width(body, len(header), TARGET, parsed)
    cols = body.columns(len(header))
    pos = COLUMNS[fmt]
    col = lambda k: text(cols[pos[k]])  # noqa: E731
    n = len(body.rows)
    issues = RowIssues(n)
    state = pc.utf8_upper(col("state"))
    issues.flag(pc.not_equal(pc.fill_null(state, ""), "KARNATAKA"), lambda: pc.binary_join_element_wise(
        "state: not Karnataka: ", pc.fill_null(col("state"), "(empty)"), ""))
    reported = col("district")
    upper = pc.utf8_upper(reported)
    known = _districts()
    district = pa.array([OLD_NAMES.get(d, d) if d is not None else None for d in upper.to_pylist()], pa.string())
    issues.flag(pc.invert(pc.is_in(pc.fill_null(district, ""), pa.array(sorted(known)))),
                lambda: pc.binary_join_element_wise("district: not a Karnataka district: ", pc.fill_null(reported, "(empty)"), ""))
    crop = pc.utf8_lower(col("crop"))
    issues.flag(pc.is_null(crop), "crop: missing")
    years = col("year").to_pylist()
    crop_year = pa.array([int(m.group(1)) if y and (m := YEAR.match(y)) else None for y in years], pa.int64())
    issues.flag(pc.is_null(crop_year), lambda: pc.binary_join_element_wise(
        "year: not a year or agricultural year (2019 or 2019-20): ", pc.fill_null(col("year"), "(empty)"), ""))
    if today is not None:
        issues.flag(pc.greater(crop_year, today.year), lambda: pc.binary_join_element_wise(
            "year: in the future: ", pc.fill_null(col("year"), "(empty)"), ""))
    season_raw = col("season")
    season = pa.array([SEASONS.get(" ".join(s.lower().split())) if s else None for s in season_raw.to_pylist()], pa.string())
    issues.flag(pc.is_null(season), lambda: pc.binary_join_element_wise("season: unknown: ", pc.fill_null(season_raw, "(empty)"), ""))
    area = to_float(col("area"), "area_ha", issues, lo=0, required_=True)
    production = to_float(col("production"), "production", issues, lo=0)
    issues.flag(pc.and_(pc.equal(area, 0.0), pc.greater(pc.fill_null(production, 0.0), 0.0)), "production reported on zero area")
    units = col("units") if "units" in pos else pa.repeat(pa.scalar("Tonnes", pa.string()), n)
    yield_per_ha = pc.if_else(pc.greater(area, 0.0), pc.divide(production, area), pa.scalar(None, pa.float64()))
    payload = pa.table({"district": district, "district_as_reported": reported, "crop": crop, "crop_year": crop_year,
                        "season": season, "area_ha": area, "production": production, "production_units": units,
                        "yield_per_ha": yield_per_ha, "source_format": pa.repeat(pa.scalar(fmt, pa.string()), n)})
    parsed.accept(TARGET, payload, pa.array(body.line_no, pa.int64()), pa.array(body.raw, pa.string()), issues)
    return parsed
