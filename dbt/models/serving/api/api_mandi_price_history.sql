-- The last 90 days of modal prices per mandi and commodity, for charts next to the forecasts.
select mandi_key as mandi_code, commodity, arrival_date, modal_price_rs_per_qtl, arrivals_tonnes
from {{ ref('fct_mandi_prices_daily') }}
where not is_outlier
  and arrival_date >= (select max(arrival_date) from {{ ref('fct_mandi_prices_daily') }}) - 90
order by mandi_code, commodity, arrival_date
