-- Current crop per farm on the as-of day: the plan in the field, else the next one to be sown.
select farm_id, crop, season, crop_year, area_acres, sowing_date, expected_harvest_date
from {{ ref('stg_app__crop_plans') }}
where not is_deleted and expected_harvest_date >= {{ serving_as_of_date() }}
qualify row_number() over (partition by farm_id order by sowing_date <= {{ serving_as_of_date() }} desc, sowing_date desc) = 1
order by farm_id
