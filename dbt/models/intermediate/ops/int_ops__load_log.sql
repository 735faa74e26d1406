-- The one model that reads the ops.load_log source: dbt-duckdb's delta plugin materialises a source where
-- it is referenced, and two models compiling at once would both alter it (a catalog write-write conflict).
select * from {{ source('ops', 'load_log') }}
