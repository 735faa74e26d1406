-- One row per calendar day (IST) from the first day any source covers to 60 days past the as-of day,
-- with the agricultural calendar of Karnataka (kharif Jun-Oct, rabi Nov-Feb, summer Mar-May).
with bounds as (
    select
        least(
            coalesce((select min(arrival_date) from {{ ref('stg_mandi_prices__prices') }}), {{ as_of_date() }}),
            coalesce((select min(reading_date_ist) from {{ ref('stg_sensors__readings') }}), {{ as_of_date() }}),
            coalesce((select min(obs_date) from {{ ref('stg_weather__observations') }}), {{ as_of_date() }})
        ) as first_day,
        greatest({{ as_of_date() }}, coalesce((select max(forecast_date) from {{ ref('stg_weather__forecasts') }}), {{ as_of_date() }}))
            + 60 as last_day
),

days as (
    select {{ each_day('first_day', 'last_day') }} as date_day
    from bounds
)

select
    date_day,
    -- typed, so both engines write the same schema
    cast(year(date_day) as bigint) as year,
    cast(month(date_day) as bigint) as month,
    cast(day(date_day) as bigint) as day_of_month,
    cast({{ iso_dow('date_day') }} as bigint) as iso_day_of_week,
    {{ day_name('date_day') }} as day_name,
    {{ iso_dow('date_day') }} = 7 as is_sunday,  -- most mandis are closed
    case when month(date_day) between 6 and 10 then 'kharif'
         when month(date_day) in (11, 12, 1, 2) then 'rabi'
         else 'summer' end as season,
    cast(case when month(date_day) >= 6 then year(date_day) else year(date_day) - 1 end as bigint) as crop_year
from days
