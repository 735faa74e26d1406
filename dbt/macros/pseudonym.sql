{#- A stable pseudonymous id: analysts can join on it but cannot get back to the person.
    The salt is a secret from the environment (a demo value when unset). -#}
{% macro pseudonym(column) %}md5('{{ env_var("HASIRU_PSEUDONYM_SALT", "demo-only-salt") }}' || {{ column }}){% endmacro %}
