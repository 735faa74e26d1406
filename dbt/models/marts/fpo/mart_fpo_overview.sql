-- One row per FPO, crop year, season and crop: the area its active members plan and what is due
-- to be harvested in the next 30 days; FPO-wide figures (members, orders, certification) repeat on
-- each of the FPO's rows so a dashboard can filter by crop without losing them.
with members as (
    select fpo_id, farmer_id from {{ ref('stg_app__current_memberships') }}
),

plans as (
    select m.fpo_id, p.*
    from {{ ref('stg_app__crop_plans') }} as p
    join {{ ref('stg_app__farms') }} as f using (farm_id)
    join members as m using (farmer_id)
    where not f.is_deleted and not p.is_deleted
),

crops as (
    select
        fpo_id, crop_year, season, crop,
        count(distinct farm_id) as farms,
        {{ exact_sum('area_acres', 1) }} as area_acres,
        {{ exact_sum('case when expected_harvest_date between ' ~ as_of_date() ~ ' and ' ~ as_of_date() ~ ' + 30 then area_acres end', 1) }}
            as harvest_due_30d_acres,
        min(expected_harvest_date) filter (where expected_harvest_date >= {{ as_of_date() }}) as next_harvest_date
    from plans
    group by all
),

orders as (
    select fpo_id,
           count(*) filter (where status <> 'cancelled') as orders_30d,
           {{ exact_sum("case when status <> 'cancelled' then total_rs end", 0) }} as revenue_30d_rs
    from {{ ref('fct_orders') }}
    where ordered_date_ist >= {{ as_of_date() }} - 30
    group by fpo_id
),

certification as (
    select fpo_id,
           count(*) filter (where status = 'certified') as applications_certified,
           count(*) filter (where status = 'rejected') as applications_rejected,
           count(*) filter (where status not in ('certified', 'rejected')) as applications_open
    from {{ ref('stg_app__certification_applications') }}
    group by fpo_id
)

select
    f.fpo_id,
    f.fpo_name,
    f.district,
    c.crop_year,
    c.season,
    c.crop,
    c.farms,
    c.area_acres,
    coalesce(c.harvest_due_30d_acres, 0) as harvest_due_30d_acres,
    c.next_harvest_date,
    f.members_active,
    coalesce(o.orders_30d, 0) as orders_30d,
    coalesce(o.revenue_30d_rs, 0) as revenue_30d_rs,
    coalesce(x.applications_certified, 0) as applications_certified,
    coalesce(x.applications_open, 0) as applications_open,
    coalesce(x.applications_rejected, 0) as applications_rejected
from {{ ref('dim_fpo') }} as f
left join crops as c using (fpo_id)
left join orders as o using (fpo_id)
left join certification as x using (fpo_id)
