-- For the FPO app's members page: each current member with their farms, area and current crops.
select m.fpo_id, m.farmer_id, m.name, m.village, m.language, count(f.farm_id) as farms,
       round(sum(f.area_acres), 1) as area_acres, string_agg(distinct c.crop, ', ' order by c.crop) as current_crop
from {{ ref('api_farmers') }} as m
left join {{ ref('api_farms') }} as f using (farmer_id)
left join {{ ref('api_farm_crops') }} as c using (farm_id)
where m.fpo_id is not null
group by all
order by m.fpo_id, m.name, m.farmer_id
