{#- Generic data tests (dbt packages cannot be fetched at build time here, so they live in the project). -#}

{% test value_between(model, column_name, min=none, max=none) %}
select {{ column_name }} from {{ model }}
where {{ column_name }} is not null
  and ({% if min is not none %}{{ column_name }} < {{ min }}{% else %}false{% endif %}
       or {% if max is not none %}{{ column_name }} > {{ max }}{% else %}false{% endif %})
{% endtest %}

{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as n_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{% test expression_true(model, expression) %}
select * from {{ model }} where not ({{ expression }})
{% endtest %}
