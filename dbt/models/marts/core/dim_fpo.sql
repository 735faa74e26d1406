-- One row per Farmer Producer Organisation, with its place and its active membership.
with members as (
    select fpo_id, count(*) filter (where status = 'active') as members_active, count(*) as members_ever
    from {{ ref('stg_app__fpo_memberships') }}
    group by fpo_id
)

select
    f.fpo_id,
    f.name as fpo_name,
    f.district,
    f.block_code,
    b.block as block_name,
    f.registered_on,
    coalesce(m.members_active, 0) as members_active,
    coalesce(m.members_ever, 0) as members_ever
from {{ ref('stg_app__fpos') }} as f
left join members as m using (fpo_id)
left join {{ ref('karnataka_blocks') }} as b on b.block_code = f.block_code
