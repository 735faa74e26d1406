-- The latest advice per farm and type.
select farm_id, advisory_date, advisory_type, severity, reason_code, amount_mm, amount_litres_per_acre, inputs, model_version
from {{ source('pipeline', 'gold_farm_advisories') }}
qualify advisory_date = max(advisory_date) over (partition by farm_id, advisory_type)
order by farm_id, advisory_type
