"""The scale-out engine: Spark with Delta Lake, for when data outgrows one machine.

`session.py` makes the one SparkSession (Delta, lake root, S3 settings, master); `jars.py` provisions
Delta's jars once at set-up so later starts need no network. The jobs (`forecast_fanout.py`,
`maintenance.py`) do the same work as the embedded engine, on Spark; the tables are dbt-spark's, from the
same dbt models as on DuckDB.
"""
