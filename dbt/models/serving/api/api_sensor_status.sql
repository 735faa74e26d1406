-- Per sensor: its latest reading and what is wrong with it, if anything (stale: nothing for a day
-- before the newest reading of any sensor).
select sensor_id, farm_id, reading_ts_utc as last_reading_at, soil_moisture_vwc_pct, battery_v,
       case when reading_ts_utc < (select max(reading_ts_utc) from {{ ref('stg_sensors__readings') }}) - interval 1 day then 'stale'
            when battery_v < 3.3 then 'battery_low'
            when soil_moisture_vwc_pct < 10 then 'very_dry'
            else 'ok' end as status
from {{ ref('stg_sensors__readings') }}
qualify row_number() over (partition by sensor_id order by reading_ts_utc desc) = 1
order by farm_id
