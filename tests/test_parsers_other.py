import datetime as dt
import json

import pyarrow.compute as pc
import pytest

from ingestion.parsed import FileRejected
from ingestion.parsers import app_csv, iot_csv, soil_health, weather_json
from tests.conftest import REAL

TODAY = dt.date(2026, 11, 26)
NOW = dt.datetime(2026, 11, 26, 6, 0, tzinfo=dt.timezone.utc)


def forecast_doc(daily, **env):
    doc = {"provider": "openweathermap", "endpoint": "onecall", "fetched_at": "2026-11-25T05:30:00+05:30",
           "responses": [{"block_code": "5753", "response": {"lat": 16.2, "lon": 75.9, "daily": daily}}]}
    doc.update(env)
    return json.dumps(doc).encode()


def test_weather_forecast_rain_absent_means_dry_and_vintage_is_kept():
    day = {"dt": 1795500000, "temp": {"min": 19.0, "max": 31.0}, "humidity": 50, "wind_speed": 2.0, "pop": 0.1}
    p = weather_json.parse(forecast_doc([day, {**day, "rain": 4.2, "dt": 1795586400}]), "w.json", NOW)
    t = p.tables[weather_json.FC]
    assert t["rain_mm"].to_pylist() == [0.0, 4.2]
    assert t["issued_at"][0].as_py() == dt.datetime(2026, 11, 25, 0, 0, tzinfo=dt.timezone.utc)
    assert t["rain_probability_pct"][0].as_py() == pytest.approx(10.0)


def test_weather_bad_records_are_quarantined_and_bad_files_rejected():
    day = {"dt": 1795500000, "temp": {"min": 19.0, "max": 31.0}, "humidity": 50, "wind_speed": 2.0}
    p = weather_json.parse(forecast_doc([day, {"dt": 1795586400, "temp": {"min": 19.0}}, {**day, "humidity": 180}]), "w.json", NOW)
    assert p.tables[weather_json.FC].num_rows == 1 and p.rows_read == 3
    reasons = p.rejects.table()["reason"].to_pylist()
    assert any("temp.max" in r for r in reasons) and any("humidity_pct: above 100" in r for r in reasons)
    whole = forecast_doc([day])
    with pytest.raises(FileRejected, match="invalid JSON"):
        weather_json.parse(whole[: len(whole) // 2], "w.json", NOW)
    with pytest.raises(FileRejected, match="unknown endpoint"):
        weather_json.parse(forecast_doc([day], endpoint="radar"), "w.json", NOW)


def test_real_soil_health_village_summaries_macro_and_micro():
    for kind in ("macro", "micro"):
        path = REAL / "shc" / "2024-25" / "KARNATAKA" / "GADAG" / f"SHIRAHATTI - 5835_{kind}.csv"
        p = soil_health.parse(path.read_bytes(), f"soil_health/2026-11-20/2024-25/KARNATAKA/GADAG/{path.name}", TODAY)
        t = p.tables[soil_health.VILLAGES]
        assert t.num_rows == p.rows_read == len(path.read_text().strip().splitlines()) - 1
        row = t.filter(pc.equal(t["village"], "Machenahalli")).to_pylist()
        if kind == "macro":
            assert row[0]["nitrogen_medium"] == 337 and row[0]["ec_saline"] is None
        assert set(t["block_code"].to_pylist()) == {"5835"} and set(t["district"].to_pylist()) == {"GADAG"}
        if kind == "micro":
            assert t["ec_deficient"].null_count == t.num_rows  # blank on the dashboard


def test_soil_health_card_values_and_ranges():
    text = ("Card No,Farm ID,Sample Date,District,Block,Village,pH,EC (dS/m),Organic Carbon (%),Available N (kg/ha),"
            "Available P (kg/ha),Available K (kg/ha),Available S (ppm),Zn (ppm),Fe (ppm),Cu (ppm),Mn (ppm),B (ppm)\n"
            "KA/1/1,FM1,12-09-2024,MANDYA,MANDYA,V1,6.9,0.42,0.32,219,33.2,151,9.2,0.3,8.66,0.47,4.91,0.79\n"
            "KA/1/2,FM2,12-09-2024,MANDYA,MANDYA,V1,16.9,0.42,0.32,219,33.2,151,9.2,0.3,8.66,0.47,4.91,0.79\n")
    p = soil_health.parse(text.encode(), "shc.csv", TODAY)
    assert p.tables[soil_health.CARDS]["ph"].to_pylist() == [6.9]
    assert "ph: above 14" in p.rejects.table()["reason"][0].as_py()
    with pytest.raises(FileRejected, match="unrecognised header"):
        soil_health.parse(b"a,b\n1,2\n", "shc.csv", TODAY)


def test_app_extract_types_nulls_and_schema_drift():
    text = ("order_id,farmer_id,fpo_id,ordered_at,status,total_rs,updated_at\n"
            "OR1,FR1,,2026-11-19 07:27:05+05:30,placed,450,2026-11-19 07:27:05+05:30\n"
            "OR2,FR1,FPO1,2026-11-19 25:00:00+05:30,placed,450,2026-11-19 07:27:05+05:30\n"
            ",FR1,FPO1,2026-11-19 07:27:05+05:30,placed,450,2026-11-19 07:27:05+05:30\n")
    p = app_csv.parse(text.encode(), "app/2026-11-19/orders.csv")
    t = p.tables["bronze.app_orders"]
    assert t.to_pylist()[0]["fpo_id"] is None
    assert t.to_pylist()[0]["ordered_at"] == dt.datetime(2026, 11, 19, 1, 57, 5, tzinfo=dt.timezone.utc)
    reasons = p.rejects.table()["reason"].to_pylist()
    assert any("ordered_at" in r for r in reasons) and any("order_id: missing" in r for r in reasons)
    # a column the declaration does not know (a newer app database) is kept, as JSON, not dropped
    newer = text.replace("updated_at\n", "updated_at,discount_rs\n", 1).replace("+05:30\n", "+05:30,12.5\n")
    kept = app_csv.parse(newer.encode(), "orders.csv").tables["bronze.app_orders"]
    assert kept["extra_columns"].to_pylist()[0] == '{"discount_rs": "12.5"}'
    assert t["extra_columns"].null_count == t.num_rows
    # a declared column that is missing is a clear error
    with pytest.raises(FileRejected, match=r"header lacks columns \['total_rs'\] of the declared app table orders"):
        app_csv.parse(text.replace(",total_rs", "").replace(",450,", ",").encode(), "orders.csv")
    with pytest.raises(FileRejected, match="no app table 'invoices'"):
        app_csv.parse(text.encode(), "invoices.csv")


def test_real_iot_csv_is_read_as_ist_and_stored_in_utc():
    data = (REAL / "kolkata_iot_soil_2025-01-05.csv").read_bytes()
    p = iot_csv.parse(data, "sensors/2025-01-05/kolkata.csv", NOW)
    t = p.tables[iot_csv.TARGET]
    assert t.num_rows == p.rows_read == 400 and p.rejects.table().num_rows == 0
    first = t.to_pylist()[0]
    assert first["reading_ts"] == dt.datetime(2025, 1, 4, 18, 30, tzinfo=dt.timezone.utc)
    assert (first["sensor_id"], first["soil_moisture_vwc_pct"], first["soil_temperature_c"]) == ("Kolkata_Farm_1", 14.15, 19.21)
