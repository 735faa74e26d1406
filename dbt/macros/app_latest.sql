{#- Silver for an app table: the latest version of each row (by the app's updated_at when it has one,
    then by delivery), load metadata dropped. A version can never be newer than its own load: an
    updated_at after loaded_at (a wrong clock; new loads quarantine such rows) counts as loaded_at, so
    it cannot outrank every later version of its record. `prefer` breaks ties (say, an opt-out wins). Deleted: soft (deleted_at set) or hard (the extractor's
    key reconciliation found the key gone from PostgreSQL after this version was written). -#}
{% macro app_latest(table, key, version_column=none, prefer=none) %}
with source as (
    select * from {{ source('app', 'app_' ~ table) }}
),

latest as (
    {{ latest_version('source', [key],
        ('least(' ~ version_column ~ ', loaded_at) desc nulls last, ' if version_column else '')
        ~ (prefer ~ ', ' if prefer else '') ~ 'loaded_at desc, landing_date desc, source_row desc') }}
),

hard_deleted as (
    select key, detected_at from {{ ref('stg_app__deleted_keys') }} where table_name = '{{ table }}'
)

select
    latest.* {{ star_except(['source_file', 'source_row', 'load_id', 'loaded_at']) }},
    {%- set cols = adapter.get_columns_in_relation(source('app', 'app_' ~ table)) | map(attribute='name') | list %}
    ({% if 'deleted_at' in cols %}latest.deleted_at is not null or {% endif %}hard_deleted.key is not null) as is_deleted
from latest
left join hard_deleted on hard_deleted.key = latest.{{ key }}
    {#- a key deleted and later inserted again is alive: its new version is newer than the deletion -#}
    {% if version_column %} and hard_deleted.detected_at > least(latest.{{ version_column }}, latest.loaded_at){% endif %}
{% endmacro %}
