-- One row per mandi x commodity x variety x arrival date, prices in Rs/quintal.
-- Rules (counted in int_mandi_price_rules and mart_data_quality):
--   * a row without a modal price cannot be used and is left out;
--   * min > max is a transposition at entry: the two are swapped;
--   * a modal price outside [min, max] after that is left out (min <= modal <= max holds here);
--   * the same key delivered again (later export, corrected row, the data.gov.in API) keeps the latest
--     delivery; the API has no arrivals, so arrivals come from the latest delivery that has them.
with checked as (
    select * from {{ ref('int_mandi_price_rules') }}
    where rule_outcome in ('kept', 'min_max_swapped')
),

latest as (
    {{ latest_version('checked', ['mandi_key', 'commodity', 'variety', 'arrival_date']) }}
),

arrivals as (
    select mandi_key as a_mandi_key, commodity as a_commodity, variety as a_variety, arrival_date as a_arrival_date,
           max_by(arrivals_tonnes, loaded_at) as latest_arrivals_tonnes
    from checked
    where arrivals_tonnes is not null
    group by all
)

select
    -- ids
    mandi_key,
    mandi_code,
    market as market_as_reported,
    state as market_state,
    district as market_district,
    commodity,
    variety,
    -- time
    arrival_date,
    -- measures
    coalesce(latest.arrivals_tonnes, arrivals.latest_arrivals_tonnes) as arrivals_tonnes,
    min_price_rs_per_qtl,
    max_price_rs_per_qtl,
    modal_price_rs_per_qtl,
    -- rules and lineage
    rule_outcome = 'min_max_swapped' as is_min_max_swapped,
    source_format,
    landing_date,
    source_file
from latest
left join arrivals
    on a_mandi_key = mandi_key and a_commodity = commodity and a_variety is not distinct from variety
    and a_arrival_date = arrival_date
