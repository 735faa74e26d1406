-- How right the advice was, per check, district and week (for the FPO managers' alerts page).
select "check", district, week_start, advised, events, hits, "precision", recall, mae_mm, n
from {{ source('pipeline', 'gold_advisory_verification') }}
order by district, "check", week_start
