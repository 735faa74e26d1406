"""Delta table maintenance as a scheduled job (Sundays 03:30 IST, when nothing loads): compaction (which
rewrites file statistics), vacuum with the retention setting, a log checkpoint. The engine is
configuration (HASIRU_ENGINE)."""

import dagster as dg

from dagster_project.ingestion.assets import POOL
from hasiru import engine
from hasiru.config import IST_TZ
from hasiru.engine import maintenance_runner


# the ingestion pool: compaction and a load never commit to the same table at once
@dg.op(description="Compact, vacuum (HASIRU_VACUUM_RETENTION_HOURS) and checkpoint every lake table.", pool=POOL)
def maintain_lake_tables(context: dg.OpExecutionContext) -> None:
    done = maintenance_runner()(progress=context.log.info)
    context.log.info(f"{engine.name()} engine: {len(done)} tables maintained; files "
                     f"{sum(t.files_before for t in done)} -> {sum(t.files_after for t in done)}; "
                     f"{sum(t.files_vacuumed for t in done)} old files vacuumed")


@dg.job(description="Weekly Delta table maintenance on the configured engine.")
def lake_maintenance():
    maintain_lake_tables()


lake_maintenance_schedule = dg.ScheduleDefinition(job=lake_maintenance, cron_schedule="30 3 * * 0", execution_timezone=IST_TZ,
                                                  description="Sundays 03:30 IST: compact, vacuum and analyze the lake")
