"""Bronze -> silver -> gold: the dbt project in dbt/, run on DuckDB, with its models exported to the Delta lake."""
