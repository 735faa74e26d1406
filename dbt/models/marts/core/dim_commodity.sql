-- One row per commodity the platform tracks, with its Agmarknet names.
select
    commodity,
    agmarknet_commodity,
    agmarknet_variety as main_variety,
    is_fruit_or_vegetable,
    base_modal_price_rs_per_qtl as typical_modal_price_rs_per_qtl
from {{ ref('commodities') }}
