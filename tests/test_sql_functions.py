"""The SQL functions shared by dbt and the DuckDB connections outside it (hasiru/sql_functions.py)."""

import duckdb
import pytest

from hasiru import sql_functions


def test_distance_km_is_the_great_circle_distance():
    con = sql_functions.install(duckdb.connect())
    # Rosetta Code's haversine reference: Nashville BNA (36.12, -86.67) to Los Angeles LAX (33.94, -118.40) is
    # 2,887.26 km on a 6,372.8 km sphere; on the mean radius (6,371 km) that is 2,886.44 km
    got = con.sql("select distance_km(36.12, -86.67, 33.94, -118.40)").fetchall()[0][0]
    assert got == pytest.approx(2887.2599506 * 6371 / 6372.8, abs=0.01)
    # symmetric, zero at a point, and a degree of latitude is 111.2 km anywhere
    assert con.sql("select distance_km(33.94, -118.40, 36.12, -86.67)").fetchall()[0][0] == pytest.approx(got)
    assert con.sql("select distance_km(12.97, 77.59, 12.97, 77.59)").fetchall()[0][0] == 0
    assert con.sql("select distance_km(12.0, 76.0, 13.0, 76.0)").fetchall()[0][0] == pytest.approx(111.19, abs=0.01)


def test_the_duckdb_macro_is_rendered_from_the_dbt_macro():
    text = (sql_functions.MACROS / "distance_km.sql").read_text()
    assert "{% macro distance_km(lat1, lon1, lat2, lon2) -%}" in text
    assert sql_functions.body("distance_km") in text.replace("{{ ", "").replace(" }}", "")
