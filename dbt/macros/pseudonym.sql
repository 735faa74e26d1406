{#- A stable pseudonymous id: analysts can join on it but cannot get back to the person. The salt is
    a secret (hasiru/secrets.py: generated at set-up, outside the repository) that never appears in
    compiled SQL: DuckDB reads it from a variable set by transform/duckdb_salt.py, Spark from the
    environment dbt runs in (transform/dbt_env.py). Without a salt the key is null, and the marts'
    not_null tests fail: never an unsalted hash. -#}
{% macro pseudonym(column) -%}
{%- if target.type == 'spark' -%}
sha2(concat(nullif('${env:HASIRU_PSEUDONYM_SALT}', concat('$', '{env:HASIRU_PSEUDONYM_SALT}')), {{ column }}), 256)
{%- else -%}
sha256(getvariable('pseudonym_salt') || {{ column }})
{%- endif -%}
{%- endmacro %}
