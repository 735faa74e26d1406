"""District crop statistics in both published shapes: normalised districts, years and seasons; bad
rows quarantined with the reason; a wrong file refused by name."""

import datetime as dt

import pytest

from ingestion.bronze import load_partition
from ingestion.parsed import FileRejected
from ingestion.parsers import crop_statistics
from lake import delta_io
from lake.catalog import table
from tests.conftest import land

DES = """State,District,Crop,Year,Season,Area,Area Units,Production,Production Units,Yield
Karnataka,MYSORE,Rice,2019-20,Kharif     ,43210,Hectare,151234,Tonnes,3.5
Karnataka,Gulbarga,Tur,2019-20,Kharif     ,255000,Hectare,190000,Tonnes,0.75
Karnataka,Tumkur,Coconut,2019-20,Whole Year ,153000,Hectare,1710000000,Nuts,11176
Karnataka,Atlantis,Ragi,2019-20,Kharif,100,Hectare,150,Tonnes,1.5
Karnataka,Mandya,Ragi,20X9,Kharif,100,Hectare,150,Tonnes,1.5
Karnataka,Mandya,Sugarcane,2019-20,Whole Year,0,Hectare,500,Tonnes,
Karnataka,Mandya,Maize,2019-20,Monsoon,10,Hectare,30,Tonnes,3
Kerala,Wayanad,Coffee,2019-20,Whole Year,10,Hectare,5,Tonnes,0.5
Karnataka,Mandya,Jowar,2019-20,Rabi,12,Hectare,,Tonnes,
"""
GOV = """State_Name,District_Name,Crop_Year,Season,Crop,Area,Production
Karnataka,BELGAUM,2014,Rabi       ,Wheat,41000,38000
Karnataka,BAGALKOT,2014,Kharif     ,Maize,-5,100
"""


def test_both_shapes_normalise_and_quarantine_with_reasons():
    p = crop_statistics.parse(DES.encode(), "crop_statistics/2026-11-26/apy_karnataka_2019-20.csv")
    rows = p.tables["bronze.crop_statistics"].to_pylist()
    got = {(r["district"], r["crop"], r["crop_year"], r["season"]) for r in rows}
    assert got == {("MYSURU", "rice", 2019, "kharif"), ("KALABURAGI", "tur", 2019, "kharif"),
                   ("TUMAKURU", "coconut", 2019, "whole_year"), ("MANDYA", "jowar", 2019, "rabi")}
    coconut = next(r for r in rows if r["crop"] == "coconut")
    assert coconut["production_units"] == "Nuts" and coconut["yield_per_ha"] == pytest.approx(11176.47, abs=0.01)
    assert next(r for r in rows if r["crop"] == "jowar")["production"] is None  # not reported is kept, empty
    reasons = p.rejects.table()["reason"].to_pylist()
    for expected in ("district: not a Karnataka district: Atlantis", "year: not a year", "production reported on zero area",
                     "season: unknown: Monsoon", "state: not Karnataka: Kerala"):
        assert any(expected in r for r in reasons), expected
    gov = crop_statistics.parse(GOV.encode(), "crop_production.csv")
    assert [(r["district"], r["crop_year"], r["season"]) for r in gov.tables["bronze.crop_statistics"].to_pylist()] == [
        ("BELAGAVI", 2014, "rabi")]
    assert any("area_ha" in r for r in gov.rejects.table()["reason"].to_pylist())


def test_a_file_of_another_shape_is_refused_by_name():
    with pytest.raises(FileRejected, match="neither the DES APY export"):
        crop_statistics.parse(b"District,Crop,Area\nMandya,Ragi,1\n", "x.csv")


def test_loaded_into_bronze_with_row_accounting(lake_env):
    day = dt.date(2026, 11, 26)
    land(lake_env, "crop_statistics", day, "apy_karnataka_2019-20.csv", DES.encode())
    report = load_partition("crop_statistics", day)
    assert (report.total("rows_read"), report.total("rows_written"), report.total("rows_quarantined")) == (9, 4, 5)
    assert delta_io.row_count(table("bronze.quarantine_crop_statistics")) == 5
