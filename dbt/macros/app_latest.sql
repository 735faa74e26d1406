{#- Silver for an app table: the latest version of each row (by the app's updated_at when it has one,
    then by delivery), load metadata dropped, soft deletes as a flag. -#}
{% macro app_latest(table, key, version_column=none) %}
with source as (
    select * from {{ source('app', 'app_' ~ table) }}
),

latest as (
    {{ latest_version('source', [key],
        (version_column ~ ' desc nulls last, ' if version_column else '') ~ 'loaded_at desc, landing_date desc, source_row desc') }}
)

select
    * exclude (source_file, source_row, load_id, loaded_at),
    {%- set cols = adapter.get_columns_in_relation(source('app', 'app_' ~ table)) | map(attribute='name') | list %}
    {% if 'deleted_at' in cols %}deleted_at is not null{% else %}false{% endif %} as is_deleted,
from latest
{% endmacro %}
