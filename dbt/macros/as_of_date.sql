{#- The day gold describes: the latest landing day loaded (int_as_of_date, from ops.load_log), never
    the wall clock, so rerunning any partition on any later day builds the same gold ("harvest due in
    30 days" is due from that day). var('as_of_date') overrides it (a build for a past day). -#}
{% macro as_of_date() -%}
{%- if var('as_of_date', none) -%}
date '{{ var("as_of_date") }}'
{%- else -%}
(select as_of_date from {{ ref('int_as_of_date') }})
{%- endif -%}
{%- endmacro %}
