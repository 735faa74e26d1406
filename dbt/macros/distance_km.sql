{#- Great-circle distance in kilometres between two points given in degrees (haversine, Earth radius
    6,371 km): the one distance rule. dbt models call it as a macro; the digests, the serving API and the
    FPO app call the same text as a DuckDB macro `distance_km(...)` (hasiru/sql_functions.py renders this
    file), so a "nearest mandi" means the same thing everywhere. Plain SQL functions: DuckDB and Spark. -#}
{% macro distance_km(lat1, lon1, lat2, lon2) -%}
(2 * 6371 * asin(sqrt(
    pow(sin(radians(({{ lat2 }}) - ({{ lat1 }})) / 2), 2)
    + cos(radians({{ lat1 }})) * cos(radians({{ lat2 }})) * pow(sin(radians(({{ lon2 }}) - ({{ lon1 }})) / 2), 2)
)))
{%- endmacro %}
