{#- In a partitioned (incremental) run, keep the landing days of the window Dagster passed. -#}
{% macro landing_window(column="landing_date") %}
    {%- if is_incremental() and var("min_date") is not none -%}
        where {{ column }} between date '{{ var("min_date") }}' and date '{{ var("max_date") }}'
    {%- endif -%}
{% endmacro %}
