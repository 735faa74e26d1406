-- One row per mandi, commodity, variety and arrival date: clean prices (Rs/quintal) and arrivals,
-- rolling means, year-on-year change, an outlier flag and the spread to mandis within 100 km.
with prices as (
    select * from {{ ref('stg_mandi_prices__prices') }}
),

mandis as (
    select * from {{ ref('dim_mandi') }}
),

windows as (
    select
        *,
        avg(cast(modal_price_rs_per_qtl as decimal(18, 4))) over w7 as modal_mean_7d_rs_per_qtl,
        avg(cast(modal_price_rs_per_qtl as decimal(18, 4))) over w30 as modal_mean_30d_rs_per_qtl,
        {{ median_of('modal_price_rs_per_qtl') }} over w_around as modal_median_around_rs_per_qtl
    from prices
    window
        w7 as (partition by mandi_key, commodity, variety order by arrival_date range between interval 6 days preceding and current row),
        w30 as (partition by mandi_key, commodity, variety order by arrival_date range between interval 29 days preceding and current row),
        w_around as (partition by mandi_key, commodity, variety order by arrival_date
                     range between interval 15 days preceding and interval 15 days following)
),

year_ago as (
    -- the last price of the same series at least a year earlier (used if within a week of it). Each
    -- price is also an event 365 days later; a day takes the latest event at or before it (an as-of
    -- join, written with a window so DuckDB and Spark run the same SQL, in one sort per series).
    select mandi_key, commodity, variety, arrival_date, modal_year_ago_rs_per_qtl, year_ago_date
    from (
        select
            *,
            {{ last_non_null('event_price') }} over as_of as modal_year_ago_rs_per_qtl,
            {{ last_non_null('event_date') }} over as_of as year_ago_date
        from (
            select mandi_key, commodity, variety, cast(arrival_date + interval 365 day as date) as at_date, 0 as is_day,
                   modal_price_rs_per_qtl as event_price, arrival_date as event_date, cast(null as date) as arrival_date
            from prices
            union all
            select mandi_key, commodity, variety, arrival_date, 1, cast(null as double), cast(null as date), arrival_date
            from windows
        ) as events
        window as_of as (partition by mandi_key, commodity, variety order by at_date, is_day rows unbounded preceding)
    ) as days
    where is_day = 1
),

mandi_day as (
    -- one commodity price per mandi and day, for the spread to neighbours
    select mandi_code, commodity, arrival_date, avg(cast(modal_price_rs_per_qtl as decimal(18, 4))) as modal_rs_per_qtl
    from prices where mandi_code is not null
    group by all
),

neighbours as (
    select a.mandi_code, b.mandi_code as neighbour_code
    from mandis as a join mandis as b on a.mandi_code <> b.mandi_code
    where {{ distance_km('a.lat', 'a.lon', 'b.lat', 'b.lon') }} <= 100
),

nearby as (
    select n.mandi_code, d.commodity, d.arrival_date, avg(d.modal_rs_per_qtl) as nearby_modal_rs_per_qtl,
           count(*) as nearby_mandis
    from neighbours as n
    join mandi_day as d on d.mandi_code = n.neighbour_code
    group by all
)

select
    w.mandi_key,
    w.mandi_code,
    m.mandi_name,
    m.district,
    w.commodity,
    w.variety,
    w.arrival_date,
    w.arrivals_tonnes,
    w.min_price_rs_per_qtl,
    w.max_price_rs_per_qtl,
    w.modal_price_rs_per_qtl,
    cast(round(w.modal_mean_7d_rs_per_qtl, 1) as double) as modal_mean_7d_rs_per_qtl,
    cast(round(w.modal_mean_30d_rs_per_qtl, 1) as double) as modal_mean_30d_rs_per_qtl,
    -- an outlier: half again above, or a third below, the median of the month around it
    abs(ln(w.modal_price_rs_per_qtl / nullif(w.modal_median_around_rs_per_qtl, 0))) > ln(1.5) as is_outlier,
    case when y.year_ago_date >= w.arrival_date - interval 372 day
         then round(100.0 * (w.modal_price_rs_per_qtl / nullif(y.modal_year_ago_rs_per_qtl, 0) - 1), 1) end as yoy_change_pct,
    cast(round(w.modal_price_rs_per_qtl - n.nearby_modal_rs_per_qtl, 1) as double) as spread_to_nearby_rs_per_qtl,
    n.nearby_mandis,
    w.is_min_max_swapped
from windows as w
left join mandis as m on m.mandi_code = w.mandi_code
left join year_ago as y using (mandi_key, commodity, variety, arrival_date)
left join nearby as n on n.mandi_code = w.mandi_code and n.commodity = w.commodity and n.arrival_date = w.arrival_date
