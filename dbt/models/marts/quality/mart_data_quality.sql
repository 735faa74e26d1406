-- One row per source and landing day, from the first to the last landing day of any source:
-- whether the source delivered, how fresh the load was, row accounting, completeness, the silver
-- rules that changed or dropped rows, and how many of the day's checks failed.
with log as (
    select * from {{ ref('int_ops__load_log') }}
),

span as (
    select {{ each_day('min(landing_date)', 'max(landing_date)') }} as landing_date
    from log
),

sources as (
    select * from (values ('sensors'), ('weather'), ('mandi_prices'), ('soil_health'), ('app')) as s(source)
),

loads as (
    select
        source, landing_date,
        count(*) as files,
        count(*) filter (where status = 'rejected') as rejected_files,
        count(*) filter (where status = 'duplicate') as duplicate_files,
        cast(sum(rows_read) as bigint) as rows_read,
        cast(sum(rows_written) as bigint) as rows_written,
        cast(sum(rows_quarantined) as bigint) as rows_quarantined,
        max(loaded_at) as last_loaded_at,
        bool_and(rows_read = rows_written + rows_quarantined) as rows_accounted
    from log
    group by all
),

sensor_days as (
    select reading_date_ist as landing_date,
           count(*) as readings, count(distinct sensor_id) as sensors,
           count(*) filter (where is_stuck) as stuck_readings
    from {{ ref('int_sensor_readings_flagged') }}
    group by all
),

sensors_known as (
    select count(distinct sensor_id) as n from {{ ref('stg_sensors__readings') }}
),

price_rules as (
    select landing_date,
           count(*) filter (where rule_outcome = 'min_max_swapped') as prices_min_max_swapped,
           count(*) filter (where rule_outcome = 'modal_outside_min_max') as prices_dropped_modal_outside,
           count(*) filter (where rule_outcome = 'no_modal_price') as prices_dropped_no_modal,
           count(*) filter (where mandi_code is null) as prices_unmatched_market
    from {{ ref('int_mandi_price_rules') }}
    group by all
),

weather_days as (
    select obs_date as landing_date, count(distinct block_code) as blocks_observed
    from {{ ref('stg_weather__observations') }}
    group by all
),

blocks as (
    select count(*) as n from {{ ref('karnataka_blocks') }}
),

grid as (
    select s.source, d.landing_date from sources as s cross join span as d
)

select
    g.source,
    g.landing_date,
    coalesce(l.files, 0) as files,
    coalesce(l.files, 0) = 0 as is_missing,
    -- expected gaps: mandis close on Sundays; Soil Health Cards come in batches, not daily
    (g.source = 'mandi_prices' and {{ iso_dow('g.landing_date') }} = 7) or g.source = 'soil_health' as missing_is_expected,
    l.last_loaded_at,
    -- tenths of an hour from whole six-minute steps: a tie is then an exact .5, which both engines round alike
    cast(round({{ minutes_between('cast(g.landing_date as timestamp)', 'cast(' ~ ist_timestamp('l.last_loaded_at') ~ ' as timestamp)') }} / 6.0) / 10 as double)
        as hours_from_day_start_to_load,
    coalesce(l.rows_read, 0) as rows_read,
    coalesce(l.rows_written, 0) as rows_written,
    coalesce(l.rows_quarantined, 0) as rows_quarantined,
    cast(round(100.0 * l.rows_quarantined / nullif(l.rows_read, 0), 2) as double) as quarantined_pct,
    coalesce(l.rejected_files, 0) as rejected_files,
    coalesce(l.duplicate_files, 0) as duplicate_files,
    cast(case g.source
        when 'sensors' then round(100.0 * sd.readings / nullif((select n from sensors_known) * 96, 0), 1)
        when 'weather' then round(100.0 * wd.blocks_observed / nullif((select n from blocks), 0), 1)
    end as double) as completeness_pct,
    case when g.source = 'sensors' then coalesce(sd.stuck_readings, 0) end as stuck_sensor_readings,
    case when g.source = 'mandi_prices' then coalesce(pr.prices_min_max_swapped, 0) end as prices_min_max_swapped,
    case when g.source = 'mandi_prices' then coalesce(pr.prices_dropped_modal_outside, 0) + coalesce(pr.prices_dropped_no_modal, 0) end
        as prices_dropped,
    case when g.source = 'mandi_prices' then coalesce(pr.prices_unmatched_market, 0) end as prices_unmatched_market,
    -- failed checks of the day: missing delivery (unexpected), broken accounting, rejected files
    (case when coalesce(l.files, 0) = 0 and not ((g.source = 'mandi_prices' and {{ iso_dow('g.landing_date') }} = 7) or g.source = 'soil_health')
          then 1 else 0 end)
    + (case when l.rows_accounted = false then 1 else 0 end)
    + (case when coalesce(l.rejected_files, 0) > 0 then 1 else 0 end) as failed_checks
from grid as g
left join loads as l using (source, landing_date)
left join sensor_days as sd on g.source = 'sensors' and sd.landing_date = g.landing_date
left join weather_days as wd on g.source = 'weather' and wd.landing_date = g.landing_date
left join price_rules as pr on g.source = 'mandi_prices' and pr.landing_date = g.landing_date
