-- One row per block, day and forecast lead time (0-4 days): what was forecast that many days
-- ahead, next to what was observed that day, and the forecast's errors.
with forecasts as (
    select * from {{ ref('stg_weather__forecasts') }}
),

observed as (
    select * from {{ ref('stg_weather__observations') }}
),

blocks as (
    select block_code, block, district from {{ ref('karnataka_blocks') }}
)

select
    f.block_code,
    b.block as block_name,
    b.district,
    f.forecast_date as date_day,
    f.lead_days,
    f.issued_date_ist,
    f.provider as forecast_provider,
    f.temp_min_c as forecast_temp_min_c,
    f.temp_max_c as forecast_temp_max_c,
    f.rain_mm as forecast_rain_mm,
    f.rain_probability_pct as forecast_rain_probability_pct,
    f.humidity_pct as forecast_humidity_pct,
    o.temp_min_c as observed_temp_min_c,
    o.temp_max_c as observed_temp_max_c,
    o.rain_mm as observed_rain_mm,
    o.humidity_pct as observed_humidity_pct,
    o.wind_speed_m_s as observed_wind_speed_m_s,
    round(f.temp_max_c - o.temp_max_c, 1) as temp_max_error_c,
    round(f.rain_mm - o.rain_mm, 1) as rain_error_mm,
    -- a rainy day is 2.5 mm or more (IMD's definition)
    case when o.rain_mm is null then null else (f.rain_mm >= 2.5) = (o.rain_mm >= 2.5) end as rain_day_forecast_correct
from forecasts as f
left join observed as o on o.block_code = f.block_code and o.obs_date = f.forecast_date
left join blocks as b on b.block_code = f.block_code
