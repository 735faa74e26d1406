{#- A stable pseudonymous id: analysts can join on it but cannot get back to the person. The salt is
    a secret (hasiru/secrets.py: generated at set-up, outside the repository; transform/dbt_env.py passes
    it): no default, so dbt fails rather than hash with a known value. spark_jobs/sensors.py: the same. -#}
{% macro pseudonym(column) -%}
{%- set salted = "concat('" ~ env_var("HASIRU_PSEUDONYM_SALT") ~ "', " ~ column ~ ")" -%}
{%- if target.type == 'spark' %}sha2({{ salted }}, 256){% else %}sha256({{ salted }}){% endif -%}
{%- endmacro %}
