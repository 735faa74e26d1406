-- The day gold describes (macros/as_of_date.sql): the latest landing day loaded. One row.
select max(landing_date) as as_of_date from {{ ref('int_ops__load_log') }}
