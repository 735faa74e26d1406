-- One row per order of inputs through the app, with its items summed.
with items as (
    select order_id, count(*) as item_lines, sum(quantity) as quantity_total, {{ exact_sum('quantity * unit_price_rs', 2) }} as items_value_rs
    from {{ ref('stg_app__order_items') }}
    group by order_id
)

select
    {{ pseudonym('o.order_id') }} as order_key,
    {{ pseudonym('o.farmer_id') }} as farmer_key,
    o.fpo_id,
    o.ordered_at,
    {{ ist_date('o.ordered_at') }} as ordered_date_ist,
    o.status,
    o.total_rs,
    coalesce(i.item_lines, 0) as item_lines,
    coalesce(i.quantity_total, 0) as quantity_total,
    coalesce(i.items_value_rs, 0) as items_value_rs
from {{ ref('stg_app__orders') }} as o
left join items as i using (order_id)
