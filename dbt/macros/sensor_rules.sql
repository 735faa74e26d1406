{#- The sensor anomaly rules, one place for both engines and every reader (int_sensor_readings_flagged,
    fct_sensor_daily): CTEs that end in `sensor_flagged`, each reading of `readings` (a relation or a
    parenthesised query with the silver columns) with its flags.
      stuck: part of a run of >= var sensor_stuck_run (16) identical moisture values in a row (4 hours at
             15-minute reporting);
      spike: more than var sensor_spike_vwc_pct (15) points of moisture away from the median of its
             neighbourhood (sensor_spike_half_window readings either side: 9 in all). -#}
{% macro sensor_flag_ctes(readings) %}
sensor_ordered as (
    select
        *,
        soil_moisture_vwc_pct is not distinct from
            lag(soil_moisture_vwc_pct) over (partition by sensor_id order by reading_ts_utc) as same_as_previous,
        {{ median_of('soil_moisture_vwc_pct') }} over (
            partition by sensor_id order by reading_ts_utc
            rows between {{ var('sensor_spike_half_window') }} preceding and {{ var('sensor_spike_half_window') }} following
        ) as neighbourhood_median_vwc_pct
    from {{ readings }}
),

sensor_runs as (
    select
        *,
        sum(case when same_as_previous then 0 else 1 end) over (
            partition by sensor_id order by reading_ts_utc rows unbounded preceding
        ) as run_id
    from sensor_ordered
),

sensor_flagged as (
    select
        * {{ star_except(['same_as_previous', 'run_id']) }},
        count(*) over (partition by sensor_id, run_id) >= {{ var('sensor_stuck_run') }} as is_stuck,
        coalesce(abs(soil_moisture_vwc_pct - neighbourhood_median_vwc_pct) > {{ var('sensor_spike_vwc_pct') }}, false) as is_spike
    from sensor_runs
)
{% endmacro %}


{#- In a partitioned run of an incremental model: the IST days of the silver readings that landed in the
    window (late points included), the days whose rollups are computed again. None otherwise (a first
    build, or a run without a window: every day). -#}
{% macro sensor_days_landed() %}
    {%- if not (is_incremental() and var('min_date') is not none) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set landed -%}
        select distinct reading_date_ist from {{ ref('stg_sensors__readings') }}
        where landing_date between date '{{ var("min_date") }}' and date '{{ var("max_date") }}'
          and reading_date_ist is not null
    {%- endset -%}
    {{ return(run_query(landed).columns[0].values() | map('string') | sort | list) }}
{% endmacro %}


{#- `column in (the days)` as SQL (false when there are none); `context_days` adds the day either side. -#}
{% macro in_days(column, days, context_days=0) -%}
    {%- set out = [] -%}
    {%- for d in days -%}
        {%- for shift in range(-context_days, context_days + 1) -%}
            {%- set day = (modules.datetime.date.fromisoformat(d[:10]) + modules.datetime.timedelta(days=shift)).isoformat() -%}
            {%- if day not in out %}{% do out.append(day) %}{% endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if out -%}
        {{ column }} in ({% for d in out | sort %}date '{{ d }}'{{ ', ' if not loop.last }}{% endfor %})
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}
