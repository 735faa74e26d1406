-- One row per farmer, pseudonymous: no name, phone or exact location (those stay in silver, for SMS).
-- k-anonymous (k = 5) on what analysts see of a farmer (district, block, FPO, language, year of
-- registration): a farmer in a smaller group keeps only the block and FPO, in a group still smaller
-- only the district, and below that nothing, so no combination singles out fewer than 5 people.
{% set k = 5 %}
with membership as (
    select farmer_id, fpo_id from {{ ref('stg_app__current_memberships') }}
),

farmer as (
    select
        f.farmer_id,
        f.language,
        m.fpo_id,
        f.district,
        f.block_code,
        cast(extract(year from f.created_at) as bigint) as registered_year,
        f.sms_opt_out,
        f.is_deleted
    from {{ ref('stg_app__farmers') }} as f
    left join membership as m using (farmer_id)
),

-- generalise in passes, each on the groups the pass before left: first language and year, then
-- block and FPO, then the district (a row left with nothing tells nothing about anyone)
pass1 as (
    select farmer_id, district, block_code, fpo_id, sms_opt_out, is_deleted,
        case when n >= {{ k }} then language end as language,
        case when n >= {{ k }} then registered_year end as registered_year
    from (select *, count(*) over (partition by district, block_code, fpo_id, language, registered_year) as n from farmer)
),

pass2 as (
    select farmer_id, district, sms_opt_out, is_deleted,
        case when n >= {{ k }} then block_code end as block_code,
        case when n >= {{ k }} then fpo_id end as fpo_id,
        case when n >= {{ k }} then language end as language,
        case when n >= {{ k }} then registered_year end as registered_year
    from (select *, count(*) over (partition by district, block_code, fpo_id, language, registered_year) as n from pass1)
)

select
    {{ pseudonym('farmer_id') }} as farmer_key,
    language,
    fpo_id,
    case when n >= {{ k }} then district end as district,
    block_code,
    registered_year,
    sms_opt_out,
    is_deleted
from (select *, count(*) over (partition by district, block_code, fpo_id, language, registered_year) as n from pass2)
