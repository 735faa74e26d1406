{#- The day an SMS batch is for (var digest_day, which sms/digest.py always passes; unset only when the
    lakehouse is compiled, which never runs these models). -#}
{% macro digest_day() -%}
{%- if var('digest_day', none) -%}
date '{{ var("digest_day") }}'
{%- else -%}
cast(null as date)
{%- endif -%}
{%- endmacro %}

{#- Whether forecast or observation row `r` crosses severe-weather threshold row `k`
    (reference/imd_severe_weather.csv: measure, comparison, threshold). -#}
{% macro crosses_severe_threshold(r, k) -%}
{%- set value -%}
case {{ k }}.measure when 'rain_mm' then {{ r }}.rain_mm when 'temp_max_c' then {{ r }}.temp_max_c
    when 'temp_min_c' then {{ r }}.temp_min_c when 'wind_speed_m_s' then {{ r }}.wind_speed_m_s end
{%- endset -%}
case {{ k }}.comparison when '>=' then {{ value }} >= {{ k }}.threshold when '<=' then {{ value }} <= {{ k }}.threshold end
{%- endmacro %}
