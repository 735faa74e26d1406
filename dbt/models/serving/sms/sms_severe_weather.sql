-- Per block: the first day with severe weather in the latest forecast issued on or before the digest day
-- (at most 2 days old), leads var('alert_lead_days'); the most severe kind on that day (IMD thresholds:
-- reference/imd_severe_weather.csv).
with latest as (
    select *
    from {{ ref('stg_weather__forecasts') }}
    where issued_date_ist <= {{ digest_day() }} and issued_date_ist >= {{ digest_day() }} - 2
    qualify issued_at = max(issued_at) over (partition by block_code)
),

severe as (
    select l.block_code, l.forecast_date, k.weather_kind, k.severity_rank
    from latest as l
    join {{ ref('imd_severe_weather') }} as k on {{ crosses_severe_threshold('l', 'k') }}
    where l.forecast_date between {{ digest_day() }} + {{ var('alert_lead_days')[0] }}
                              and {{ digest_day() }} + {{ var('alert_lead_days')[1] }}
)

select block_code, weather_kind, forecast_date
from severe
qualify row_number() over (partition by block_code order by forecast_date, severity_rank) = 1
