"""Sensor silver and the daily sensor rollups on Spark: the embedded engine's dbt models
(stg_sensors__readings, int_sensor_readings_flagged, fct_sensor_daily) as incremental Spark jobs.

Silver: the bronze points landed in a window of days, deduplicated by sensor x timestamp (the latest
delivery wins), MERGEd into silver on that key, so late and re-sent points replace earlier copies and a
rerun changes nothing. Rollups: only the IST days those points fall on are recomputed (with a day of
context either side, so the stuck-run and spike flags see their neighbours) and replace those days
in gold. The thresholds are the dbt project's vars (dbt/dbt_project.yml `sensor_*`), the ones the dbt
models use. tests/test_spark.py holds both engines to the same output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from hasiru.config import IST_TZ
from hasiru.secrets import pseudonym_salt
from lake.catalog import table
from spark_jobs.session import get_spark, table_path
from transform.dbt_env import project_vars

SILVER_TABLE, DAILY_TABLE = "silver.sensors__readings", "gold.fct_sensor_daily"
SILVER_KEY = ("sensor_id", "reading_ts_utc")
RULES = {k.removeprefix("sensor_"): v for k, v in project_vars().items() if k.startswith("sensor_")}


def _delta_exists(spark, path: str) -> bool:
    from delta.tables import DeltaTable

    return DeltaTable.isDeltaTable(spark, path)


def _sql_dates(days) -> str:
    return ", ".join(f"date'{d}'" for d in sorted(days))


def silver_batch(spark, window: tuple[dt.date, dt.date] | None = None):
    """Bronze points landed in the window, one per sensor x timestamp, shaped as silver."""
    from pyspark.sql import Window, functions as F

    bronze = spark.read.format("delta").load(table_path(table("bronze.sensor_readings")))
    if window:
        bronze = bronze.where(F.col("landing_date").between(F.lit(window[0]), F.lit(window[1])))
    latest = Window.partitionBy("sensor_id", "reading_ts").orderBy(
        F.col("loaded_at").desc(), F.col("landing_date").desc(), F.col("source_file").desc(), F.col("source_row").desc())
    return (bronze.withColumn("_version_rank", F.row_number().over(latest)).where("_version_rank = 1")
            .select("sensor_id", "farm_id", F.col("reading_ts").alias("reading_ts_utc"),
                    F.to_date(F.from_utc_timestamp("reading_ts", IST_TZ)).alias("reading_date_ist"),
                    "soil_moisture_vwc_pct", "soil_temperature_c", "ec_ds_per_m", "battery_v",
                    F.coalesce(F.col("soil_moisture_vwc_pct") > RULES["saturation_vwc_pct"], F.lit(False)).alias("is_moisture_above_saturation"),
                    "landing_date", "source_file"))


def merge_silver(spark, batch) -> list[dt.date]:
    """MERGE a batch into silver on (sensor_id, reading_ts_utc); returns the IST days it touched."""
    from delta.tables import DeltaTable

    batch = batch.persist()
    try:
        days = [r[0] for r in batch.select("reading_date_ist").distinct().collect()]
        path = table_path(table(SILVER_TABLE))
        if not days:
            if not _delta_exists(spark, path):  # an empty table, so readers (and dbt's ref) find one
                batch.write.format("delta").partitionBy("reading_date_ist").save(path)
            return []
        if not _delta_exists(spark, path):
            batch.write.format("delta").partitionBy("reading_date_ist").save(path)
            return sorted(days)
        on = " and ".join(f"t.{k} = s.{k}" for k in SILVER_KEY)
        # the partition column in the condition lets Delta read only the touched days' files
        on += f" and t.reading_date_ist in ({_sql_dates(days)})"
        (DeltaTable.forPath(spark, path).alias("t").merge(batch.alias("s"), on)
         .whenMatchedUpdateAll().whenNotMatchedInsertAll().execute())
        return sorted(days)
    finally:
        batch.unpersist()


def daily_rollup(spark, days: list[dt.date]):
    """fct_sensor_daily rows of the given IST days, from silver (a day of context either side)."""
    from pyspark.sql import Window, functions as F

    lo, hi = min(days) - dt.timedelta(days=1), max(days) + dt.timedelta(days=1)
    readings = (spark.read.format("delta").load(table_path(table(SILVER_TABLE)))
                .where(F.col("reading_date_ist").between(F.lit(lo), F.lit(hi))))
    by_time = Window.partitionBy("sensor_id").orderBy("reading_ts_utc")
    moisture = F.col("soil_moisture_vwc_pct")
    flagged = (readings
               .withColumn("same_as_previous", moisture.eqNullSafe(F.lag(moisture).over(by_time)))
               .withColumn("neighbourhood_median", F.percentile(moisture, F.lit(0.5)).over(
                   by_time.rowsBetween(-RULES["spike_half_window"], RULES["spike_half_window"])))
               .withColumn("run_id", F.sum(F.when(F.col("same_as_previous"), 0).otherwise(1))
                           .over(by_time.rowsBetween(Window.unboundedPreceding, 0))))
    flagged = (flagged
               .withColumn("is_stuck", F.count(F.lit(1)).over(Window.partitionBy("sensor_id", "run_id")) >= RULES["stuck_run"])
               .withColumn("is_spike", F.coalesce(F.abs(moisture - F.col("neighbourhood_median")) > RULES["spike_vwc_pct"], F.lit(False)))
               .where(F.col("reading_date_ist").isin(days)))
    clean = ~F.col("is_stuck") & ~F.col("is_spike")
    salt = pseudonym_salt()

    def exact_avg(col, digits: int):  # the dbt macro exact_avg: decimals add exactly
        return F.round(F.avg(col.cast("decimal(18,4)")), digits).cast("double")

    n = F.count(F.lit(1))
    stuck = F.count(F.when(F.col("is_stuck"), 1))
    spikes = F.count(F.when(F.col("is_spike"), 1))
    measures = [
        n.alias("reading_count"),
        F.round(F.lit(100.0) * n / RULES["readings_per_day"], 1).cast("double").alias("completeness_pct"),
        F.min(F.when(clean, moisture)).alias("moisture_min_vwc_pct"),
        exact_avg(F.when(clean, moisture), 2).alias("moisture_mean_vwc_pct"),
        F.max(F.when(clean, moisture)).alias("moisture_max_vwc_pct"),
        F.min("soil_temperature_c").alias("soil_temp_min_c"),
        exact_avg(F.col("soil_temperature_c"), 2).alias("soil_temp_mean_c"),
        F.max("soil_temperature_c").alias("soil_temp_max_c"),
        exact_avg(F.col("ec_ds_per_m"), 3).alias("ec_mean_ds_per_m"),
        F.min("battery_v").alias("battery_min_v"),
        stuck.alias("stuck_readings"),
        spikes.alias("spike_readings"),
        (stuck >= RULES["stuck_run"]).alias("is_stuck_day"),
        (spikes > 0).alias("has_spikes"),
        F.coalesce(F.min("battery_v") < RULES["low_battery_v"], F.lit(False)).alias("is_low_battery"),
        (n < RULES["incomplete_share"] * RULES["readings_per_day"]).alias("is_incomplete"),
    ]
    names = ["reading_count", "completeness_pct", "moisture_min_vwc_pct", "moisture_mean_vwc_pct", "moisture_max_vwc_pct",
             "soil_temp_min_c", "soil_temp_mean_c", "soil_temp_max_c", "ec_mean_ds_per_m", "battery_min_v",
             "stuck_readings", "spike_readings", "is_stuck_day", "has_spikes", "is_low_battery", "is_incomplete"]
    return (flagged.groupBy("sensor_id", "farm_id", "reading_date_ist").agg(*measures)
            .select("sensor_id", F.sha2(F.concat(F.lit(salt), F.col("farm_id")), 256).alias("farm_key"),
                    F.col("reading_date_ist").alias("date_day"), *names))


def write_daily(spark, rows, days: list[dt.date]) -> None:
    """Replace the given days in gold.fct_sensor_daily (one Delta commit)."""
    path = table_path(table(DAILY_TABLE))
    writer = rows.write.format("delta")
    if _delta_exists(spark, path):
        writer = writer.mode("overwrite").option("replaceWhere", f"date_day in ({_sql_dates(days)})")
    writer.save(path)


def run(window: tuple[dt.date, dt.date] | None = None, progress: Callable[[str], None] = lambda _: None) -> dict:
    """Silver + daily rollups for the points landed in `window` (None: all of bronze)."""
    spark = get_spark()
    days = merge_silver(spark, silver_batch(spark, window))
    if not days:
        if not _delta_exists(spark, table_path(table(DAILY_TABLE))):
            daily_rollup(spark, [dt.date(1970, 1, 1)]).write.format("delta").save(table_path(table(DAILY_TABLE)))
        progress("sensors on Spark: no points landed in the window")
        return {"days": 0}
    progress(f"sensors on Spark: silver merged for {len(days)} IST day(s) {days[0]}..{days[-1]}")
    rows = daily_rollup(spark, days).persist()
    try:
        n = rows.count()
        write_daily(spark, rows, days)
    finally:
        rows.unpersist()
    progress(f"sensors on Spark: {n:,} sensor-days rolled up")
    return {"days": len(days), "sensor_days": n}
