-- One row per block x day: what was observed. With several providers, the first in the fallback
-- order wins (primary, backup, IMD); the same provider's later delivery replaces an earlier one.
with source as (
    select
        *,
        case provider when 'openweathermap' then 1 when 'backup' then 2 when 'imd' then 3 else 9 end as provider_rank
    from {{ source('weather', 'weather_observations') }}
),

latest as (
    {{ latest_version('source', ['block_code', 'obs_date'],
                      'provider_rank, loaded_at desc, landing_date desc, source_file desc, source_row desc') }}
)

select
    block_code,
    obs_date,
    provider,
    temp_min_c,
    temp_max_c,
    humidity_pct,
    rain_mm,
    wind_speed_m_s,
    fetched_at,
    landing_date
from latest
