-- Every bronze price row with the mandi it conforms to and the outcome of the silver price rules.
with bronze as (
    select * from {{ source('mandi_prices', 'mandi_prices') }}
),

mandis as (
    select mandi_code, lower(mandi_name) as name_key from {{ ref('karnataka_mandis') }}
    union all
    select cast(mandi_code as string), market_alias from {{ ref('market_aliases') }}
),

named as (
    select
        bronze.*,
        -- match names case-insensitively, ignoring commas and repeated spaces
        {{ squeeze_spaces("lower(trim(replace(market, ',', ' ')))") }} as name_key
    from bronze
),

conformed as (
    select
        named.* {{ star_except(['name_key']) }},
        mandis.mandi_code,
        -- a market outside the reference list is a market of its own (its state and district kept beside it),
        -- with a stable key, so its prices are not lost
        coalesce(mandis.mandi_code, 'market:' || named.name_key) as mandi_key,
        coalesce(variety, 'Other') as variety_conformed,
        least(min_price_rs_per_qtl, max_price_rs_per_qtl) as min_conformed,
        greatest(min_price_rs_per_qtl, max_price_rs_per_qtl) as max_conformed
    from named
    left join mandis on mandis.name_key = named.name_key
)

select
    * {{ star_except(['variety', 'min_price_rs_per_qtl', 'max_price_rs_per_qtl', 'min_conformed', 'max_conformed', 'variety_conformed']) }},
    variety_conformed as variety,
    min_conformed as min_price_rs_per_qtl,
    max_conformed as max_price_rs_per_qtl,
    case
        when modal_price_rs_per_qtl is null then 'no_modal_price'
        when min_conformed is not null and modal_price_rs_per_qtl < min_conformed then 'modal_outside_min_max'
        when max_conformed is not null and modal_price_rs_per_qtl > max_conformed then 'modal_outside_min_max'
        when min_price_rs_per_qtl > max_price_rs_per_qtl then 'min_max_swapped'
        else 'kept'
    end as rule_outcome
from conformed
