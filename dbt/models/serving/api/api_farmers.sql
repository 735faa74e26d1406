-- For the FPO managers' app: members by name (FPO staff know them; no phone numbers).
select f.farmer_id, f.name, f.village, f.district, f.block_code, f.language, f.sms_opt_out, m.fpo_id, m.joined_on
from {{ ref('stg_app__farmers') }} as f
left join {{ ref('stg_app__current_memberships') }} as m using (farmer_id)
where not f.is_deleted
order by m.fpo_id, f.farmer_id
