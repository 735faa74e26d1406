-- One row per FPO (null: farmers outside an FPO), scheme and certification step: how many
-- applications reached the step, the share of those at the previous step that did, how long it
-- took, and how many sit at it now and for how long (overdue: more than 30 days without a move).
with steps as (
    select * from (values
        (1, 'submitted'), (2, 'documents_verified'), (3, 'inspection_scheduled'), (4, 'inspected'),
        (5, 'certified'), (5, 'rejected')
    ) as s(step_number, status)
),

events as (
    select * from {{ ref('fct_certification_events') }}
),

latest as (
    select application_id, status as current_status, event_date_ist as current_since
    from events
    qualify row_number() over (partition by application_id order by event_at desc) = 1
),

reached as (
    select e.fpo_id, e.scheme, e.status, e.step_number,
           count(distinct e.application_id) as applications_reached,
           median(e.days_since_previous) as median_days_to_reach,
           count(distinct l.application_id) filter (where l.current_status = e.status) as applications_now,
           count(distinct l.application_id) filter (where l.current_status = e.status
                                                   and l.current_since < {{ as_of_date() }} - 30
                                                   and e.status not in ('certified', 'rejected')) as applications_overdue
    from events as e
    left join latest as l using (application_id)
    group by all
)

select
    r.fpo_id,
    r.scheme,
    r.step_number,
    r.status,
    r.applications_reached,
    cast(round(100.0 * r.applications_reached / nullif(first_value(r.applications_reached) over (
        partition by r.fpo_id, r.scheme order by r.step_number), 0), 1) as double) as pct_of_submitted,
    cast(round(100.0 * r.applications_reached / nullif(lag(r.applications_reached) over (
        partition by r.fpo_id, r.scheme, r.status in ('certified', 'rejected') order by r.step_number), 0), 1) as double)
        as pct_of_previous_step,
    r.median_days_to_reach,
    r.applications_now,
    r.applications_overdue
from reached as r
join steps as s using (step_number, status)
