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

{#- The same day for the serving models (models/serving), which the publish builds from the lake's
    tables rather than in the warehouse: the load log as the lake holds it. -#}
{% macro serving_as_of_date() -%}
{%- if var('as_of_date', none) -%}
date '{{ var("as_of_date") }}'
{%- else -%}
{{ latest_landing_day(source('pipeline', 'ops_load_log')) }}
{%- endif -%}
{%- endmacro %}

{#- The rule itself: the latest landing day in a load log. -#}
{% macro latest_landing_day(load_log) -%}
(select max(landing_date) from {{ load_log }})
{%- endmacro %}
