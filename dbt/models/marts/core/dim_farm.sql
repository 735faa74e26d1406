-- One row per farm, pseudonymous, with a coarse location (0.1 degree, about 11 km) and what it grows now.
with current_crop as (
    select farm_id, crop, season, area_acres as crop_area_acres
    from {{ ref('stg_app__crop_plans') }}
    where not is_deleted and {{ as_of_date() }} between sowing_date and expected_harvest_date
    qualify row_number() over (partition by farm_id order by sowing_date desc) = 1
),

sensors as (
    select distinct farm_id from {{ ref('stg_sensors__readings') }}
)

select
    {{ pseudonym('f.farm_id') }} as farm_key,
    {{ pseudonym('f.farmer_id') }} as farmer_key,
    f.district,
    f.block_code,
    round(f.lat, 1) as lat_coarse,
    round(f.lon, 1) as lon_coarse,
    f.area_acres,
    f.soil_type,
    f.irrigation,
    c.crop as current_crop,
    c.season as current_season,
    s.farm_id is not null as has_sensor
from {{ ref('stg_app__farms') }} as f
left join current_crop as c using (farm_id)
left join sensors as s using (farm_id)
where not f.is_deleted
