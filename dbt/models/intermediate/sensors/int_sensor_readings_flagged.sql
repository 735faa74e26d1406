-- Each silver reading with anomaly flags:
--   stuck: part of a run of >= var sensor_stuck_run (16) identical moisture values in a row (4 hours at
--          15-minute reporting);
--   spike: more than var sensor_spike_vwc_pct (15) points of moisture away from the median of its
--          neighbourhood (sensor_spike_half_window readings either side: 9 in all).
with ordered as (
    select
        *,
        soil_moisture_vwc_pct is not distinct from
            lag(soil_moisture_vwc_pct) over (partition by sensor_id order by reading_ts_utc) as same_as_previous,
        {{ median_of('soil_moisture_vwc_pct') }} over (
            partition by sensor_id order by reading_ts_utc
            rows between {{ var('sensor_spike_half_window') }} preceding and {{ var('sensor_spike_half_window') }} following
        ) as neighbourhood_median_vwc_pct
    from {{ ref('stg_sensors__readings') }}
),

runs as (
    select
        *,
        sum(case when same_as_previous then 0 else 1 end) over (
            partition by sensor_id order by reading_ts_utc rows unbounded preceding
        ) as run_id
    from ordered
)

select
    * {{ star_except(['same_as_previous', 'run_id']) }},
    count(*) over (partition by sensor_id, run_id) >= {{ var('sensor_stuck_run') }} as is_stuck,
    coalesce(abs(soil_moisture_vwc_pct - neighbourhood_median_vwc_pct) > {{ var('sensor_spike_vwc_pct') }}, false) as is_spike
from runs
