-- One row per mandi x commodity x variety x arrival date, prices in Rs/quintal.
-- Rules (counted in int_mandi_price_rules and mart_data_quality):
--   * a row without a modal price cannot be used and is left out;
--   * min > max is a transposition at entry: the two are swapped;
--   * a modal price outside [min, max] after that is left out (min <= modal <= max holds here);
--   * the same key delivered again (later export, corrected row) keeps the latest delivery.
with checked as (
    select * from {{ ref('int_mandi_price_rules') }}
    where rule_outcome in ('kept', 'min_max_swapped')
),

latest as (
    {{ latest_version('checked', ['mandi_key', 'commodity', 'variety', 'arrival_date']) }}
)

select
    -- ids
    mandi_key,
    mandi_code,
    market as market_as_reported,
    commodity,
    variety,
    -- time
    arrival_date,
    -- measures
    arrivals_tonnes,
    min_price_rs_per_qtl,
    max_price_rs_per_qtl,
    modal_price_rs_per_qtl,
    -- rules and lineage
    rule_outcome = 'min_max_swapped' as is_min_max_swapped,
    source_format,
    landing_date,
    source_file
from latest
