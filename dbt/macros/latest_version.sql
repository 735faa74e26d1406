{#- One row per key: the version that sorts first by `order_by` (the latest delivery by default). -#}
{% macro latest_version(relation, key, order_by="loaded_at desc, landing_date desc, source_file desc, source_row desc") %}
    select * {{ star_except(['_version_rank']) }} 
    from (
        select
            *,
            row_number() over (partition by {{ key | join(', ') }} order by {{ order_by }}) as _version_rank
        from {{ relation }}
    )
    where _version_rank = 1
{% endmacro %}
