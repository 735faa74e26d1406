"""Great Expectations suites: they find bad rows and say which, and a failing blocking check stops
what depends on it."""

import datetime as dt

import pyarrow as pa
import pytest

from lake.catalog import table as lake_table
from lake import delta_io
from lake.catalog import table
from quality.validate import validate
from tests.conftest import land

NOW = dt.datetime(2026, 11, 26, 6, 0, tzinfo=dt.timezone.utc)
DAY = dt.date(2026, 11, 20)


def bronze_prices(rows: list[dict]) -> pa.Table:
    spec = table("bronze.mandi_prices")
    meta = {"source_file": "f.csv", "load_id": "l", "loaded_at": NOW, "landing_date": DAY}
    full = [{**{c: None for c in spec.payload_columns}, **meta, **r} for r in rows]
    return pa.Table.from_pylist(full, schema=spec.schema)


def test_the_bronze_price_suite_names_the_failing_rows(lake_env):
    good = {"market": "Kolar", "commodity": "tomato", "arrival_date": DAY, "min_price_rs_per_qtl": 900.0,
            "max_price_rs_per_qtl": 1500.0, "modal_price_rs_per_qtl": 1200.0}
    rows = [{**good, "source_row": i} for i in range(2, 50)]
    rows.append({**good, "source_row": 50, "modal_price_rs_per_qtl": -5.0})
    rows.append({**good, "source_row": 51, "arrival_date": dt.date(2027, 1, 1)})
    delta_io.replace_partition(table("bronze.mandi_prices"), bronze_prices(rows), landing_date=DAY)
    outcome = validate("bronze.mandi_prices", partitions=[DAY], now=NOW)
    assert not outcome.success and outcome.rows == 50
    failed = {f.expectation: f for f in outcome.failures}
    assert failed["expect_column_values_to_be_between"].unexpected_count == 1
    samples = outcome.metadata()["failing_rows_sample"]
    assert {"source_file": "f.csv", "source_row": "50"} in samples and {"source_file": "f.csv", "source_row": "51"} in samples
    # a few min > max rows are tolerated (silver swaps them); most rows wrong is a failure
    assert validate("bronze.mandi_prices", partitions=[dt.date(2020, 1, 1)], now=NOW).rows == 0


def test_a_missing_table_fails_its_suite(lake_env):
    assert not validate("silver.sensors__readings").success


@pytest.mark.slow
def test_a_failing_blocking_check_stops_dbt_and_the_publish(lake_env):
    from dagster_project.run_local import PipelineFailed, materialize_partitions

    rows = "\n".join(f"Kolar,{DAY:%d/%m/%Y},5,V{i},2000,1000,1500," for i in range(10))  # min above max, every row
    land(lake_env, "mandi_prices", DAY, "tomato__typo.csv",
         ("Market,Arrival Date,Arrivals (Tonnes),Variety,Minimum Price(Rs./Quintal),Maximum Price(Rs./Quintal),"
          f"Modal Price(Rs./Quintal),\n{rows}\n").encode())
    with pytest.raises(PipelineFailed, match="bronze/mandi_prices:ge_suite"):
        materialize_partitions(DAY, DAY, lambda _: None)
    assert delta_io.row_count(table("bronze.mandi_prices")) == 10  # loaded, and checked...
    assert not delta_io.exists(lake_table("silver.mandi_prices__prices"))  # ...but nothing built on it
    assert not (lake_env / "serving" / "hasiru_serving.duckdb").exists()
