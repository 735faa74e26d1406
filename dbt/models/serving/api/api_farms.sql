-- Every farm that is not deleted, with its owner's current FPO (the one membership rule).
select f.farm_id, f.farmer_id, m.fpo_id, f.district, f.block_code, f.lat, f.lon, f.area_acres, f.soil_type, f.irrigation
from {{ ref('stg_app__farms') }} as f
left join {{ ref('stg_app__current_memberships') }} as m using (farmer_id)
where not f.is_deleted
order by f.farm_id
