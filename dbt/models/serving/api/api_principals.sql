-- Who may call the API: the app's users with their platform role and what it covers (a farmer's own
-- farmer id; an FPO admin's FPO, else the FPO the user belongs to as a farmer).
select u.user_id, u.role, f.farmer_id, coalesce(a.fpo_id, m.fpo_id) as fpo_id
from {{ ref('stg_app__users') }} as u
left join {{ ref('stg_app__farmers') }} as f on f.user_id = u.user_id and not f.is_deleted
left join {{ ref('stg_app__fpos') }} as a on a.admin_user_id = u.user_id
left join {{ ref('stg_app__current_memberships') }} as m on m.farmer_id = f.farmer_id
where not u.is_deleted
qualify row_number() over (partition by u.user_id order by a.fpo_id nulls last) = 1
