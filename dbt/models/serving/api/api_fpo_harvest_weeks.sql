-- For the FPO app's overview: the area each FPO expects to harvest per week and crop over the 8 weeks
-- from the as-of day (each farm's current crop).
select f.fpo_id, cast(date_trunc('week', c.expected_harvest_date) as date) as week, c.crop, sum(c.area_acres) as area_acres
from {{ ref('api_farms') }} as f
join {{ ref('api_farm_crops') }} as c using (farm_id)
where f.fpo_id is not null
  and c.expected_harvest_date between {{ serving_as_of_date() }} and {{ serving_as_of_date() }} + 56
group by all
order by f.fpo_id, week, c.crop
