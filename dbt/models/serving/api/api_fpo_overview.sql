-- The FPO overview mart as the FPO app reads it.
select * from {{ ref('mart_fpo_overview') }}
