-- One row per status change of an organic-certification application, with the step it reached
-- and the days it took since the previous step (or since the application, for the first).
with events as (
    select * from {{ ref('stg_app__certification_status_events') }}
),

applications as (
    select * from {{ ref('stg_app__certification_applications') }}
)

select
    e.event_id,
    e.application_id,
    {{ pseudonym('a.farmer_id') }} as farmer_key,
    a.fpo_id,
    a.scheme,
    e.status,
    case e.status when 'submitted' then 1 when 'documents_verified' then 2 when 'inspection_scheduled' then 3
                  when 'inspected' then 4 when 'certified' then 5 when 'rejected' then 5 end as step_number,
    e.event_at,
    {{ ist_date('e.event_at') }} as event_date_ist,
    lag(e.status) over (partition by e.application_id order by e.event_at) as previous_status,
    cast({{ days_between("coalesce(lag(" ~ ist_date('e.event_at') ~ ") over (partition by e.application_id order by e.event_at), a.applied_on)",
                    ist_date('e.event_at')) }} as bigint) as days_since_previous
from events as e
left join applications as a using (application_id)
