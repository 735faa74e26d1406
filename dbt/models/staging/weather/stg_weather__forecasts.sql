-- One row per block x issue day x forecast day (a forecast vintage), with its lead time, so a
-- forecast can be verified against what was later observed.
with source as (
    select *, {{ ist_date('issued_at') }} as issued_date_ist
    from {{ source('weather', 'weather_forecasts') }}
),

latest as (
    {{ latest_version('source', ['provider', 'block_code', 'issued_date_ist', 'forecast_date'],
                      'issued_at desc, loaded_at desc, source_file desc, source_row desc') }}
)

select
    provider,
    block_code,
    issued_at,
    issued_date_ist,
    forecast_date,
    cast(forecast_date - issued_date_ist as integer) as lead_days,
    temp_min_c,
    temp_max_c,
    humidity_pct,
    rain_mm,
    rain_probability_pct,
    wind_speed_m_s,
    landing_date
from latest
