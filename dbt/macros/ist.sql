{#- The IST calendar day of a UTC timestamp (India has one time zone and no daylight saving). -#}
{% macro ist_date(column) %}cast({{ ist_timestamp(column) }} as date){% endmacro %}
