-- One row per regulated market (mandi) of the master list, with its district and location.
select
    m.mandi_code,
    m.mandi_name,
    m.district,
    d.agro_region,
    m.lat,
    m.lon
from {{ ref('karnataka_mandis') }} as m
left join {{ ref('karnataka_districts') }} as d using (district)
