{{ config(
    materialized='incremental', unique_key=['sensor_id', 'reading_ts_utc'],
    incremental_strategy='merge' if target.type == 'spark' else 'delete+insert',
    partition_by=['reading_date_ist'] if target.type == 'spark' else none,
    meta={'lake_layer': 'silver', 'lake_partition_by': ['reading_date_ist'], 'window_column': 'landing_date'}
) }}
-- One row per sensor x timestamp. A point delivered again (a retry, a late re-export) replaces the
-- earlier copy: the latest delivery wins, so reruns and late data converge. On Spark a partitioned run
-- MERGEs its window's points on the key, reading only the IST days they fall on (macros/spark.sql).
with source as (
    select * from {{ source('sensors', 'sensor_readings') }}
    {{ landing_window() }}
),

latest as (
    {{ latest_version('source', ['sensor_id', 'reading_ts']) }}
)

select
    -- ids
    sensor_id,
    farm_id,
    -- time
    reading_ts as reading_ts_utc,
    {{ ist_date('reading_ts') }} as reading_date_ist,
    -- measures
    soil_moisture_vwc_pct,
    soil_temperature_c,
    ec_ds_per_m,
    battery_v,
    -- flags: bronze already quarantined impossible values; these are possible but implausible
    coalesce(soil_moisture_vwc_pct > {{ var('sensor_saturation_vwc_pct') }}, false) as is_moisture_above_saturation,
    -- lineage
    landing_date,
    source_file
from latest
