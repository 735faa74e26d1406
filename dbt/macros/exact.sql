{#- Aggregates that give the same digits on every run: DuckDB sums doubles in parallel, in no fixed
    order, so a rounded mean could differ in its last digit between reruns. Decimals add exactly. -#}
{% macro exact_avg(column, digits) %}cast(round(avg(cast({{ column }} as decimal(18, 4))), {{ digits }}) as double){% endmacro %}
{% macro exact_sum(column, digits) %}cast(round(sum(cast({{ column }} as decimal(18, 4))), {{ digits }}) as double){% endmacro %}
