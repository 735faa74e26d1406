-- Silver app deleted keys: per app table and key, when the extractor's reconciliation first found the
-- key gone from PostgreSQL (hard delete). Read by app_latest() to flag those rows deleted.
select
    table_name,
    key,
    min(detected_at) as detected_at
from {{ source('app', 'app_deleted_keys') }}
group by table_name, key
