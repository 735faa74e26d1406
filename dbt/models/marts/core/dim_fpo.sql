-- One row per Farmer Producer Organisation, with its place and its members: now (a farmer counts in the
-- one FPO stg_app__current_memberships gives them) and ever (distinct farmers with any membership).
with members_now as (
    select fpo_id, count(*) as members_active from {{ ref('stg_app__current_memberships') }} group by fpo_id
),

members_ever as (
    select fpo_id, count(distinct farmer_id) as members_ever
    from {{ ref('stg_app__fpo_memberships') }}
    where not is_deleted
    group by fpo_id
),

members as (
    select fpo_id, n.members_active, e.members_ever
    from members_ever as e left join members_now as n using (fpo_id)
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
