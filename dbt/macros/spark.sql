{#- The Spark target. The lake is the warehouse there: silver and gold models are Delta tables at
    <lake>/<layer>/<lake name> (location_root in dbt_project.yml, names below), so nothing is exported
    afterwards. Incremental models (sensor silver: MERGE on the key; fct_sensor_daily: the touched days'
    partitions overwritten) are registered from the lake before each build (prepare_warehouse), so the
    catalog never disagrees with what the lake holds. -#}

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
    Spark: also the lake's bronze tables the selection reads, and the incremental models' tables, as
    tables of the catalog (one statement per call: Spark runs one at a time). -#}
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
        {#- only the sources the selected nodes read, directly or through other models (each registration
            reads the table's Delta log: a few models built for a window need one or two, not all) -#}
        {%- set upstream = [] -%}
        {%- set queue = selected_resources | list -%}
        {%- for uid in queue if uid in graph.nodes -%}
            {%- for parent in graph.nodes[uid].depends_on.nodes if parent not in upstream -%}
                {%- do upstream.append(parent) -%}
                {%- do queue.append(parent) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- for src in graph.sources.values() if src.meta.get('delta_table_path') and src.unique_id in upstream -%}
            {%- do statements.append('create database if not exists ' ~ src.schema) -%}
            {%- do statements.append('drop table if exists ' ~ src.schema ~ '.' ~ src.identifier) -%}
            {%- do statements.append('create table ' ~ src.schema ~ '.' ~ src.identifier ~ " using delta location '"
                                     ~ spark_lake_path(src.meta.delta_table_path) ~ "'") -%}
        {%- endfor -%}
        {#- var spark_lake_tables: the model tables the lake holds (given by the platform, transform/lake_export.py
            in_lake). An incremental model's catalog entry is made to match: registered at its location if the
            lake has it (so dbt MERGEs into it, never replaces it), dropped if not (so dbt creates it). Without
            the var (dbt run by hand) the catalog is left as it is. -#}
        {%- set in_lake = var('spark_lake_tables', none) -%}
        {%- for node in graph.nodes.values() if in_lake is not none and node.resource_type == 'model'
                and node.config.materialized == 'incremental' and node.config.location_root -%}
            {%- do statements.append('drop table if exists ' ~ node.schema ~ '.' ~ node.alias) -%}
            {%- if (node.config.meta.lake_layer ~ '.' ~ node.alias) in in_lake -%}
                {%- do statements.append('create table ' ~ node.schema ~ '.' ~ node.alias ~ " using delta location '"
                                         ~ node.config.location_root ~ '/' ~ node.alias ~ "'") -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for sql in statements %}{% do run_query(sql) %}{% endfor -%}
        select 1
    {%- endif -%}
{% endmacro %}


{#- MERGE into a partitioned Delta table reads only the partitions the batch touches: the batch's values of
    the partition columns, as literals in the condition (Delta skips files by conditions on the target
    alone; a join condition would not prune). Otherwise dbt-spark's own MERGE. -#}
{% macro spark__get_merge_sql(target, source, unique_key, dest_columns, incremental_predicates) %}
    {%- set predicates = [] + (incremental_predicates or []) -%}
    {%- for column in (config.get('partition_by') or []) if execute -%}
        {%- set values = run_query('select distinct cast(' ~ column ~ ' as string) from ' ~ source
                                   ~ ' where ' ~ column ~ ' is not null').columns[0].values() | sort -%}
        {%- do predicates.append('DBT_INTERNAL_DEST.' ~ column ~ (" in ('" ~ values | join("', '") ~ "')"
                                 if values else ' is null')) -%}
    {%- endfor -%}
    {{ return(dbt.spark__get_merge_sql(target, source, unique_key, dest_columns, predicates)) }}
{% endmacro %}
