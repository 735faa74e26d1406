-- The day gold describes (macros/as_of_date.sql): the latest landing day loaded. One row.
select {{ latest_landing_day(ref('int_ops__load_log')) }} as as_of_date
