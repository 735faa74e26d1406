{#- The Spark target. The lake is the warehouse there: silver and gold models are Delta tables at
    <lake>/<layer>/<lake name> (location_root in dbt_project.yml, names below), so nothing is exported
    afterwards. Models with `meta.spark_job` are built by that Spark job (incrementally, with MERGE)
    and only registered here, so models downstream read them through ref() as on DuckDB. -#}

{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
    {%- if custom_alias_name -%}
        {{ custom_alias_name | trim }}
    {%- elif target.type == 'spark' and node.resource_type == 'model'
             and (node.config.meta or {}).get('lake_layer') == 'silver' -%}
        {#- the lake's silver names drop the staging prefix (transform/lake_export.py lake_name) -#}
        {{ node.name[4:] if node.name.startswith('stg_') else node.name }}
    {%- else -%}
        {{ node.name }}
    {%- endif -%}
{%- endmacro %}


{% macro spark_lake_path(path) -%}
    {{ path | replace('s3://', 's3a://') }}
{%- endmacro %}


{#- on-run-start. DuckDB: the source schemas, made up front so two threads never race to create one.
    Spark: also the lake's bronze tables, and the tables spark_jobs/ build, as tables of the catalog
    (one statement per call: Spark runs one at a time). -#}
{% macro prepare_warehouse(schemas) %}
    {%- if target.name == 'serving' -%}
        {#- the serving build reads no delta-plugin source -#}
    {%- elif target.type != 'spark' -%}
        {%- for s in schemas %}create schema if not exists {{ s }};{% endfor -%}
    {%- elif execute -%}
        {%- set statements = [] -%}
        {%- for s in schemas + [target.schema] -%}
            {%- do statements.append('create database if not exists ' ~ s) -%}
        {%- endfor -%}
        {%- for src in graph.sources.values() if src.meta.get('delta_table_path') -%}
            {%- do statements.append('create database if not exists ' ~ src.schema) -%}
            {%- do statements.append('drop table if exists ' ~ src.schema ~ '.' ~ src.identifier) -%}
            {%- do statements.append('create table ' ~ src.schema ~ '.' ~ src.identifier ~ " using delta location '"
                                     ~ spark_lake_path(src.meta.delta_table_path) ~ "'") -%}
        {%- endfor -%}
        {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.config.meta.get('spark_job') -%}
            {%- do statements.append('drop table if exists ' ~ node.schema ~ '.' ~ node.alias) -%}
            {%- do statements.append('create table ' ~ node.schema ~ '.' ~ node.alias ~ " using delta location '"
                                     ~ node.config.location_root ~ '/' ~ node.alias ~ "'") -%}
        {%- endfor -%}
        {%- for sql in statements %}{% do run_query(sql) %}{% endfor -%}
        select 1
    {%- endif -%}
{% endmacro %}
