-- One row per calendar day (IST) from the first day any source covers to 60 days past today,
-- with the agricultural calendar of Karnataka (kharif Jun-Oct, rabi Nov-Feb, summer Mar-May).
with bounds as (
    select
        least(
            coalesce((select min(arrival_date) from {{ ref('stg_mandi_prices__prices') }}), current_date),
            coalesce((select min(reading_date_ist) from {{ ref('stg_sensors__readings') }}), current_date),
            coalesce((select min(obs_date) from {{ ref('stg_weather__observations') }}), current_date)
        ) as first_day,
        greatest(current_date, coalesce((select max(forecast_date) from {{ ref('stg_weather__forecasts') }}), current_date))
            + 60 as last_day
),

days as (
    select cast(unnest(generate_series(first_day, last_day, interval 1 day)) as date) as date_day
    from bounds
)

select
    date_day,
    year(date_day) as year,
    month(date_day) as month,
    day(date_day) as day_of_month,
    isodow(date_day) as iso_day_of_week,
    dayname(date_day) as day_name,
    isodow(date_day) = 7 as is_sunday,  -- most mandis are closed
    case when month(date_day) between 6 and 10 then 'kharif'
         when month(date_day) in (11, 12, 1, 2) then 'rabi'
         else 'summer' end as season,
    case when month(date_day) >= 6 then year(date_day) else year(date_day) - 1 end as crop_year,
from days
