-- Each mandi's latest modal price per commodity (outliers left out), with where the mandi is.
select p.mandi_key as mandi_code, m.mandi_name, m.district, m.lat, m.lon, p.commodity, p.arrival_date,
       p.modal_price_rs_per_qtl, p.min_price_rs_per_qtl, p.max_price_rs_per_qtl
from {{ ref('fct_mandi_prices_daily') }} as p
join {{ ref('dim_mandi') }} as m on m.mandi_code = p.mandi_key
where not p.is_outlier
qualify row_number() over (partition by p.mandi_key, p.commodity order by p.arrival_date desc) = 1
