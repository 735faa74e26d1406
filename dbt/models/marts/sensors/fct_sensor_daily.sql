{{ config(
    materialized='incremental' if target.type == 'spark' else 'table',
    incremental_strategy='insert_overwrite', partition_by=['date_day'] if target.type == 'spark' else none
) }}
-- One row per sensor and IST day: moisture, temperature, EC and battery statistics, how complete the
-- day's reporting was (96 readings expected) and anomaly flags. Stuck and spiking readings are
-- counted and left out of the statistics. The thresholds are the project's sensor_* vars, the flags
-- macros/sensor_rules.sql.
-- On Spark the table is incremental: a partitioned run rolls up again only the IST days its landed
-- readings fall on (late points included), reading a day either side so runs and spikes see their
-- neighbours, and overwrites those days' partitions. On DuckDB it is rebuilt (and exported) whole.
{%- set days = sensor_days_landed() %}
with {{ sensor_flag_ctes(ref('stg_sensors__readings') if days is none else
        '(select * from ' ~ ref('stg_sensors__readings') ~ ' where ' ~ in_days('reading_date_ist', days, 1) ~ ')') }}

select
    sensor_id,
    {{ pseudonym('farm_id') }} as farm_key,
    reading_date_ist as date_day,
    count(*) as reading_count,
    cast(round(100.0 * count(*) / {{ var('sensor_readings_per_day') }}, 1) as double) as completeness_pct,
    min(soil_moisture_vwc_pct) filter (where not is_stuck and not is_spike) as moisture_min_vwc_pct,
    {{ exact_avg('case when not is_stuck and not is_spike then soil_moisture_vwc_pct end', 2) }} as moisture_mean_vwc_pct,
    max(soil_moisture_vwc_pct) filter (where not is_stuck and not is_spike) as moisture_max_vwc_pct,
    min(soil_temperature_c) as soil_temp_min_c,
    {{ exact_avg('soil_temperature_c', 2) }} as soil_temp_mean_c,
    max(soil_temperature_c) as soil_temp_max_c,
    {{ exact_avg('ec_ds_per_m', 3) }} as ec_mean_ds_per_m,
    min(battery_v) as battery_min_v,
    count(*) filter (where is_stuck) as stuck_readings,
    count(*) filter (where is_spike) as spike_readings,
    count(*) filter (where is_stuck) >= {{ var('sensor_stuck_run') }} as is_stuck_day,
    count(*) filter (where is_spike) > 0 as has_spikes,
    coalesce(min(battery_v) < {{ var('sensor_low_battery_v') }}, false) as is_low_battery,
    count(*) < {{ var('sensor_incomplete_share') }} * {{ var('sensor_readings_per_day') }} as is_incomplete
from sensor_flagged
{% if days is not none %}where {{ in_days('reading_date_ist', days) }}
{% endif -%}
group by sensor_id, farm_id, reading_date_ist
