"""Sensor CSV exports of earlier deployments (ThingSpeak-style, as in the EcoIrrigate Kolkata data):
Timestamp (local time, IST), Farm_ID, Volumetric_Moisture_Pct, Soil_Temperature_C, ... The probe is
identified by its farm plot; the export has no EC or battery columns."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc

from ingestion.columns import CLOCK_TOLERANCE, RowIssues, text, to_float, to_timestamp
from ingestion.parsed import FileRejected, ParsedFile
from ingestion.parsers.csv_rows import read_csv, split_by_width
from ingestion.parsers.line_protocol import FIELDS, TARGET

NEEDED = ["Timestamp", "Farm_ID", "Volumetric_Moisture_Pct", "Soil_Temperature_C"]


def parse(data: bytes, file_name: str, now: dt.datetime) -> ParsedFile:
    parsed = ParsedFile()
    body = read_csv(data, file_name, parsed, TARGET)
    missing = [c for c in NEEDED if c not in body.header]
    if missing:
        raise FileRejected(f"{file_name}: not a sensor CSV export, header lacks {missing}")
    body = split_by_width(body, len(body.header), TARGET, parsed)
    cols = dict(zip(body.header, body.columns(len(body.header))))
    n = len(body.rows)
    issues = RowIssues(n)
    local = text(cols["Timestamp"])
    ok = pc.match_substring_regex(local, r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
    issues.flag(pc.invert(pc.fill_null(ok, False)), "Timestamp: not 'YYYY-MM-DD HH:MM:SS'")
    # local time (IST) as written; month 13 or hour 25 of the right shape is rejected by to_timestamp
    ts = to_timestamp(pc.binary_join_element_wise(pc.if_else(ok, local, pa.nulls(n, pa.string())), pa.scalar("+05:30"),
                                                  pa.scalar("")), "Timestamp", issues, not_after=now + CLOCK_TOLERANCE)
    farm = text(cols["Farm_ID"])
    issues.flag(pc.is_null(farm), "Farm_ID: missing")
    lo, hi = FIELDS["soil_moisture_vwc_pct"]
    moisture = to_float(cols["Volumetric_Moisture_Pct"], "soil_moisture_vwc_pct", issues, lo=lo, hi=hi)
    lo, hi = FIELDS["soil_temperature_c"]
    soil_t = to_float(cols["Soil_Temperature_C"], "soil_temperature_c", issues, lo=lo, hi=hi)
    payload = pa.table({
        "measurement": pa.array(["soil"] * n, pa.string()), "sensor_id": farm, "farm_id": farm, "reading_ts": ts,
        "soil_moisture_vwc_pct": moisture, "soil_temperature_c": soil_t,
        "ec_ds_per_m": pa.nulls(n, pa.float64()), "battery_v": pa.nulls(n, pa.float64()),
    })
    parsed.accept(TARGET, payload, pa.array(body.line_no, pa.int64()), pa.array(body.raw, pa.string()), issues)
    return parsed
