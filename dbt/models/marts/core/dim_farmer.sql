-- One row per farmer, pseudonymous: no name, phone or exact location (those stay in silver, for SMS).
with membership as (
    select farmer_id, fpo_id
    from {{ ref('stg_app__fpo_memberships') }}
    where status = 'active'
    qualify row_number() over (partition by farmer_id order by joined_on desc) = 1
)

select
    {{ pseudonym('f.farmer_id') }} as farmer_key,
    f.language,
    m.fpo_id,
    f.district,
    f.block_code,
    cast(f.created_at as date) as registered_on,
    f.sms_opt_out,
    f.is_deleted
from {{ ref('stg_app__farmers') }} as f
left join membership as m using (farmer_id)
