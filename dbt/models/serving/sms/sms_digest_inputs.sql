-- One row per farmer who is not deleted, with everything their SMS can say on the digest day (nulls
-- where there is nothing): severe weather in a block of their farms, and for one farm (the one whose
-- advice is most urgent, else the largest planted) its pest risk and irrigation advice and the price of
-- its crop at the nearest mandi with a 7-day forecast. sms/digest.py turns each row into messages.
with farmers as (
    select farmer_id, phone, language, sms_opt_out from {{ ref('stg_app__farmers') }} where not is_deleted
),

farms as (
    select farm_id, farmer_id, lat, lon, district, block_code, area_acres from {{ ref('stg_app__farms') }} where not is_deleted
),

crops as (
    -- the crop in the field on the day
    select farm_id, crop, area_acres as crop_acres
    from {{ ref('stg_app__crop_plans') }}
    where not is_deleted and {{ digest_day() }} between sowing_date and expected_harvest_date
    qualify row_number() over (partition by farm_id order by sowing_date desc) = 1
),

adv as (
    -- the latest advice of each type per farm from the last 3 days (advisories run on Tuesdays and Fridays)
    select a.*, f.farmer_id
    from {{ source('pipeline', 'gold_farm_advisories') }} as a
    join farms as f using (farm_id)
    where a.advisory_date between {{ digest_day() }} - 2 and {{ digest_day() }}
    qualify a.advisory_date = max(a.advisory_date) over (partition by a.farm_id, a.advisory_type)
),

focus as (
    -- one farm per digest, so every line is about one field: the farm whose advice is most urgent
    -- (irrigate, then high pest risk), else the largest planted one
    select f.farmer_id, f.farm_id, f.lat, f.lon, c.crop
    from farms as f
    join crops as c using (farm_id)
    left join (select farm_id, bool_or(advisory_type = 'irrigation' and reason_code = 'IRRIGATE') as irrigate,
                      bool_or(advisory_type like 'pest_risk%' and severity = 'high') as pest_high
               from adv group by farm_id) as u using (farm_id)
    qualify row_number() over (partition by f.farmer_id order by coalesce(u.irrigate, false) desc,
                               coalesce(u.pest_high, false) desc, c.crop_acres desc, f.farm_id) = 1
),

pest as (
    select a.farmer_id, json_extract_string(a.inputs, '$.threat') as threat, focus.crop as pest_crop
    from adv as a
    join focus using (farm_id)
    where a.advisory_type like 'pest_risk%' and a.severity in ('high', 'medium')
      and json_extract_string(a.inputs, '$.crop') = focus.crop
    qualify row_number() over (partition by a.farmer_id order by a.severity = 'high' desc, a.advisory_type) = 1
),

irrigation as (
    select a.farmer_id, a.reason_code as irrigation_reason, a.amount_mm, focus.crop as irrigation_crop
    from adv as a
    join focus using (farm_id)
    where a.advisory_type = 'irrigation' and a.reason_code in ('IRRIGATE', 'RAIN_EXPECTED', 'NO_DEFICIT')
),

weather as (
    select f.farmer_id, s.weather_kind, s.forecast_date as weather_date, f.block_code as weather_block,
           f.district as weather_district
    from farms as f
    join {{ ref('sms_severe_weather') }} as s using (block_code)
    qualify row_number() over (partition by f.farmer_id order by s.forecast_date, s.weather_kind) = 1
),

main_crop as (
    select farmer_id, lat, lon, crop from focus where lat is not null
),

fc as (
    -- the champion's 7-day-ahead forecast from each series' latest training that reaches that day
    select mandi_key, commodity, lo80, hi80
    from {{ source('pipeline', 'gold_price_forecasts') }}
    where is_champion and forecast_date = {{ digest_day() }} + 7
      and forecast_date - trained_through <= {{ var('price_max_horizon_days') }}
    qualify trained_through = max(trained_through) over (partition by series_id)
),

latest_price as (
    -- the mandi's latest modal price of the last 14 days (outliers left out)
    select mandi_key, commodity, modal_price_rs_per_qtl as price
    from {{ ref('fct_mandi_prices_daily') }}
    where arrival_date <= {{ digest_day() }} and arrival_date >= {{ digest_day() }} - 14 and not is_outlier
    qualify row_number() over (partition by mandi_key, commodity order by arrival_date desc) = 1
),

priced as (
    select fc.*, p.price, m.mandi_name, m.district as mandi_district, m.lat as mandi_lat, m.lon as mandi_lon
    from fc
    join latest_price as p using (mandi_key, commodity)
    join {{ ref('dim_mandi') }} as m on m.mandi_code = fc.mandi_key
),

price as (
    select mc.farmer_id, mc.crop as price_crop, p.mandi_name, p.mandi_district, p.price, p.lo80, p.hi80
    from main_crop as mc
    join priced as p on p.commodity = mc.crop
    qualify row_number() over (partition by mc.farmer_id
        order by {{ distance_km('mc.lat', 'mc.lon', 'p.mandi_lat', 'p.mandi_lon') }}, p.mandi_key) = 1
)

select farmers.*, focus.farm_id as focus_farm_id, weather.* exclude (farmer_id), pest.* exclude (farmer_id),
       irrigation.* exclude (farmer_id), price.* exclude (farmer_id)
from farmers
left join focus using (farmer_id)
left join weather using (farmer_id)
left join pest using (farmer_id)
left join irrigation using (farmer_id)
left join price using (farmer_id)
order by farmer_id
