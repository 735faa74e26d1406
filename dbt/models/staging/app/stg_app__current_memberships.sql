-- Silver: the FPO each farmer belongs to now, one row per farmer: the one rule for "a farmer's FPO".
-- Their latest active membership (by joined_on, then membership_id) that is not deleted, in an FPO that
-- is not deleted, for farmers who are not deleted. Gold, the serving API and the FPO app read this.
select
    m.farmer_id,
    m.fpo_id,
    m.membership_id,
    m.joined_on
from {{ ref('stg_app__fpo_memberships') }} as m
join {{ ref('stg_app__farmers') }} as f using (farmer_id)
join {{ ref('stg_app__fpos') }} as o using (fpo_id)
where m.status = 'active' and not m.is_deleted and not f.is_deleted and not o.is_deleted
qualify row_number() over (partition by m.farmer_id order by m.joined_on desc, m.membership_id desc) = 1
