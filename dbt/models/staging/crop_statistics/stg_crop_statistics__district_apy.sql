-- Silver crop statistics: one row per district, crop, agricultural year and season; a figure
-- published again (a revised estimate, the other format) keeps the latest delivery.
with latest as (
    {{ latest_version(source('crop_statistics', 'crop_statistics'), ['district', 'crop', 'crop_year', 'season']) }}
)

select
    district,
    crop,
    crop_year,
    crop_year || '-' || right(cast(crop_year + 1 as string), 2) as agricultural_year,
    season,
    area_ha,
    production,
    production_units,
    yield_per_ha,
    source_format,
    landing_date,
    source_file
from latest
