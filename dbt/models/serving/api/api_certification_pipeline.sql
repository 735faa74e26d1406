-- Certification pipeline: each application, its step and how long it has been there on the as-of day.
-- Overdue: more than 30 days at one step (the certification bodies' service level for a step).
with last_event as (
    select application_id, status as step, event_at as step_since
    from {{ ref('stg_app__certification_status_events') }}
    qualify row_number() over (partition by application_id order by event_at desc, event_id desc) = 1
),

at_step as (
    select a.application_id, a.farmer_id, a.fpo_id, a.scheme, a.applied_on, a.status,
           coalesce(e.step, a.status) as step,
           coalesce(e.step_since, cast(a.applied_on as timestamptz)) as step_since
    from {{ ref('stg_app__certification_applications') }} as a
    left join last_event as e using (application_id)
    where not a.is_deleted
)

select application_id, farmer_id, fpo_id, scheme, applied_on, step, step_since,
       date_diff('day', cast(step_since as date), {{ serving_as_of_date() }}) as days_at_step,
       status not in ('certified', 'rejected')
           and date_diff('day', cast(step_since as date), {{ serving_as_of_date() }}) > 30 as is_overdue
from at_step
order by fpo_id, application_id
