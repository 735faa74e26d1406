{#- SQL that DuckDB and Spark spell differently: one macro each, so models read the same on both
    engines. Everything else in the project is SQL both accept. -#}

{#- `select * {{ star_except(['a', 'b']) }}`: every column but these. -#}
{% macro star_except(columns) -%}
    {{ 'except' if target.type == 'spark' else 'exclude' }} ({{ columns | join(', ') }})
{%- endmacro %}

{#- The median of a window frame (Spark allows no frame on median(); percentile() interpolates as DuckDB's median does). -#}
{% macro median_of(column) -%}
    {{ 'percentile(' ~ column ~ ', 0.5)' if target.type == 'spark' else 'median(' ~ column ~ ')' }}
{%- endmacro %}

{#- A UTC timestamp as India's wall-clock time (no time zone). -#}
{% macro ist_timestamp(column) -%}
    {%- if target.type == 'spark' -%}from_utc_timestamp({{ column }}, 'Asia/Kolkata'){%- else -%}timezone('Asia/Kolkata', {{ column }}){%- endif -%}
{%- endmacro %}

{#- ISO day of the week: Monday 1 .. Sunday 7. -#}
{% macro iso_dow(column) -%}
    {%- if target.type == 'spark' -%}(weekday({{ column }}) + 1){%- else -%}isodow({{ column }}){%- endif -%}
{%- endmacro %}

{#- Whole days from `start` to `end`. -#}
{% macro days_between(start, end) -%}
    {%- if target.type == 'spark' -%}datediff({{ end }}, {{ start }}){%- else -%}date_diff('day', {{ start }}, {{ end }}){%- endif -%}
{%- endmacro %}

{#- Whole minutes from timestamp `start` to `end`. -#}
{% macro minutes_between(start, end) -%}
    {%- if target.type == 'spark' -%}timestampdiff(MINUTE, {{ start }}, {{ end }}){%- else -%}date_diff('minute', {{ start }}, {{ end }}){%- endif -%}
{%- endmacro %}

{#- One row per day from `first` to `last` (dates), as a select-list expression (a set-returning function). -#}
{% macro each_day(first, last) -%}
    {%- if target.type == 'spark' -%}explode(sequence({{ first }}, {{ last }}, interval 1 day))
    {%- else -%}cast(unnest(generate_series({{ first }}, {{ last }}, interval 1 day)) as date){%- endif -%}
{%- endmacro %}

{#- Collapse runs of white space to one space. -#}
{% macro squeeze_spaces(column) -%}
    {#- Spark unescapes backslashes in string literals: two here reach the regex as one -#}
    {%- if target.type == 'spark' -%}regexp_replace({{ column }}, '\\s+', ' ')
    {%- else -%}regexp_replace({{ column }}, '\s+', ' ', 'g'){%- endif -%}
{%- endmacro %}

{#- The English name of the weekday (Monday ...). -#}
{% macro day_name(column) -%}
    {%- if target.type == 'spark' -%}date_format({{ column }}, 'EEEE'){%- else -%}dayname({{ column }}){%- endif -%}
{%- endmacro %}

{#- The last non-null value of the window frame (use with `over`). -#}
{% macro last_non_null(column) -%}
    {%- if target.type == 'spark' -%}last_value({{ column }}, true){%- else -%}last_value({{ column }} ignore nulls){%- endif -%}
{%- endmacro %}
