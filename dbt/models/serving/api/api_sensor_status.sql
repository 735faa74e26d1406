-- Per sensor: its latest reading and what is wrong with it, if anything, by the gold day's flags of its
-- latest day (fct_sensor_daily: stuck, spiking, low battery; the one place those rules live):
-- stale (nothing for a day before the newest reading of any sensor), then stuck, spiking, battery_low,
-- very_dry (under 10 % VWC), else ok.
with latest as (
    select sensor_id, farm_id, reading_ts_utc, soil_moisture_vwc_pct, battery_v
    from {{ ref('stg_sensors__readings') }}
    qualify row_number() over (partition by sensor_id order by reading_ts_utc desc) = 1
),

day_flags as (
    select sensor_id, date_day, is_stuck_day, has_spikes, is_low_battery
    from {{ ref('fct_sensor_daily') }}
    qualify row_number() over (partition by sensor_id order by date_day desc) = 1
)

select l.sensor_id, l.farm_id, l.reading_ts_utc as last_reading_at, l.soil_moisture_vwc_pct, l.battery_v,
       d.date_day as flags_of_day,
       case when l.reading_ts_utc < (select max(reading_ts_utc) from {{ ref('stg_sensors__readings') }}) - interval 1 day then 'stale'
            when d.is_stuck_day then 'stuck'
            when d.has_spikes then 'spiking'
            when d.is_low_battery then 'battery_low'
            when l.soil_moisture_vwc_pct < 10 then 'very_dry'
            else 'ok' end as status
from latest as l
left join day_flags as d using (sensor_id)
order by l.farm_id
