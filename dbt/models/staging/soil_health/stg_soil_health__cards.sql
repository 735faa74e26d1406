-- One row per Soil Health Card (the latest delivery of a card wins), values as measured.
with source as (
    select * from {{ source('soil_health', 'soil_health_cards') }}
),

latest as (
    {{ latest_version('source', ['card_id']) }}
)

select
    card_id,
    farm_id,
    sample_date,
    district,
    block,
    ph,
    ec_ds_per_m,
    organic_carbon_pct,
    nitrogen_kg_per_ha,
    phosphorus_kg_per_ha,
    potassium_kg_per_ha,
    sulphur_ppm,
    zinc_ppm,
    iron_ppm,
    copper_ppm,
    manganese_ppm,
    boron_ppm,
    landing_date
from latest
