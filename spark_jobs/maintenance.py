"""Delta table maintenance on Spark: OPTIMIZE (compaction; the rewritten files carry fresh per-file
min/max/null-count statistics, which data skipping reads) and VACUUM with the retention setting, over the
same tables and with the same retention as the embedded engine's lake/maintenance.py. Open-source Delta
4.4 has no `ANALYZE ... COMPUTE DELTA STATISTICS`, and Spark's ANALYZE TABLE refuses path-based Delta
tables; both engines write file statistics with every write, so nothing else is needed for skipping.
"""

from __future__ import annotations

from collections.abc import Callable

from lake.catalog import TableSpec
from lake import delta_io
from lake.maintenance import TableMaintenance, each_table, retention_hours, spec_of
from spark_jobs.session import get_spark, table_path


def _files(spark, path: str) -> int:
    return spark.sql(f"DESCRIBE DETAIL delta.`{path}`").collect()[0]["numFiles"]


def maintain_table(spark, name: str | TableSpec, hours: int) -> TableMaintenance | None:
    spec = spec_of(name)
    name = spec.name
    if not delta_io.exists(spec):
        return None
    path = table_path(spec)
    before = _files(spark, path)
    spark.sql(f"OPTIMIZE delta.`{path}`")
    vacuumed = spark.sql(f"VACUUM delta.`{path}` RETAIN {hours} HOURS DRY RUN").count()
    spark.sql(f"VACUUM delta.`{path}` RETAIN {hours} HOURS")
    return TableMaintenance(name, before, _files(spark, path), vacuumed)


def run(progress: Callable[[str], None] = lambda _: None, tables: list[str | TableSpec] | None = None) -> list[TableMaintenance]:
    spark = get_spark()
    hours = retention_hours()
    # Delta refuses a retention under a week unless told: a shorter setting is the operator's explicit choice
    spark.conf.set("spark.databricks.delta.retentionDurationCheck.enabled", str(hours >= 168).lower())
    return each_table(lambda name: maintain_table(spark, name, hours), tables, progress)
