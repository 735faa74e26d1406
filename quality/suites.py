"""The expectations per table, declared once. Each suite says what must hold for the table; `mostly`
allows the small share of misses that the silver rules absorb (and mart_data_quality counts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from hasiru.config import IST
from ingestion.columns import CLOCK_TOLERANCE
from ingestion.parsers.agmarknet import MAX_PRICE_RS_PER_QTL
from ingestion.parsers.line_protocol import FIELDS as SENSOR_RANGES
from ingestion.parsers.weather_json import RANGES as WEATHER_RANGES

class _Expectations:
    """Great Expectations' expectation classes, imported when a suite is first built: the import costs ~2.5 s
    (and pulls in pyspark), which every command that only loads the pipeline's definitions would pay."""

    def __getattr__(self, name: str):
        import great_expectations as gx

        return getattr(gx.expectations, name)


E = _Expectations()


def _between(column: str, bounds: tuple[float, float]):
    """The parsers' own physical range (one rule: the suite checks what loading enforced)."""
    return E.ExpectColumnValuesToBeBetween(column=column, min_value=bounds[0], max_value=bounds[1])


@dataclass(frozen=True)
class Suite:
    table: str  # lake table, <layer>.<name>
    key: tuple[str, ...]  # shown with each failing row, so it can be found
    build: Callable[["SuiteContext"], list]  # -> expectations
    partition_column: str | None = None  # validate only the partitions a run touched


@dataclass
class SuiteContext:
    now: dt.datetime
    reference: dict[str, list] = field(default_factory=dict)  # reference sets for coverage checks


def _columns(table: str) -> list[str]:
    from lake.catalog import table as spec

    return spec(table).schema.names


SUITES: dict[str, Suite] = {s.table: s for s in (
    Suite("bronze.sensor_readings", ("source_file", "source_row"), lambda c: [
        E.ExpectTableColumnsToMatchSet(column_set=_columns("bronze.sensor_readings"), exact_match=True),
        E.ExpectColumnValuesToNotBeNull(column="sensor_id"),
        *[_between(f, bounds) for f, bounds in SENSOR_RANGES.items()],
        E.ExpectColumnValuesToBeBetween(column="reading_ts", max_value=c.now + CLOCK_TOLERANCE),
    ], "landing_date"),
    Suite("bronze.mandi_prices", ("source_file", "source_row"), lambda c: [
        E.ExpectTableColumnsToMatchSet(column_set=_columns("bronze.mandi_prices"), exact_match=True),
        E.ExpectColumnValuesToNotBeNull(column="market"),
        _between("modal_price_rs_per_qtl", (0, MAX_PRICE_RS_PER_QTL)),
        E.ExpectColumnValuesToBeBetween(column="arrival_date", max_value=c.now.astimezone(IST).date()),
        # min <= max holds for nearly every row; silver swaps the rest
        E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="max_price_rs_per_qtl", column_B="min_price_rs_per_qtl",
                                                  or_equal=True, ignore_row_if="either_value_is_missing", mostly=0.99),
    ], "landing_date"),
    Suite("bronze.weather_observations", ("source_file", "source_row"), lambda c: [
        E.ExpectTableColumnsToMatchSet(column_set=_columns("bronze.weather_observations"), exact_match=True),
        _between("temp_max_c", WEATHER_RANGES["temp"]),
        _between("rain_mm", WEATHER_RANGES["rain"]),
        _between("humidity_pct", WEATHER_RANGES["humidity"]),
        E.ExpectColumnValuesToBeBetween(column="obs_date", max_value=c.now.astimezone(IST).date()),
    ], "landing_date"),
    Suite("silver.sensors__readings", ("sensor_id", "reading_ts_utc"), lambda c: [
        E.ExpectCompoundColumnsToBeUnique(column_list=["sensor_id", "reading_ts_utc"]),
        _between("soil_moisture_vwc_pct", SENSOR_RANGES["soil_moisture_vwc_pct"]),
        # reference coverage: readings come from probes on farms the app knows
        E.ExpectColumnValuesToBeInSet(column="farm_id", value_set=c.reference["farm_ids"], mostly=0.99),
    ]),
    Suite("silver.mandi_prices__prices", ("mandi_key", "commodity", "variety", "arrival_date"), lambda c: [
        E.ExpectCompoundColumnsToBeUnique(column_list=["mandi_key", "commodity", "variety", "arrival_date"]),
        E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="modal_price_rs_per_qtl", column_B="min_price_rs_per_qtl",
                                                  or_equal=True, ignore_row_if="either_value_is_missing"),
        E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="max_price_rs_per_qtl", column_B="modal_price_rs_per_qtl",
                                                  or_equal=True, ignore_row_if="either_value_is_missing"),
        E.ExpectColumnValuesToBeInSet(column="commodity", value_set=c.reference["commodities"]),
        E.ExpectColumnValuesToNotBeNull(column="mandi_code", mostly=0.95),  # markets matched to the mandi list
    ]),
    Suite("silver.weather__observations", ("block_code", "obs_date"), lambda c: [
        E.ExpectCompoundColumnsToBeUnique(column_list=["block_code", "obs_date"]),
        E.ExpectColumnValuesToBeInSet(column="block_code", value_set=c.reference["block_codes"]),
    ]),
)}
