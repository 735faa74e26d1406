"""Daily ingestion in the early morning (IST): load yesterday's landing partition, complete by then."""

import datetime as dt

import dagster as dg

from dagster_project.ingestion.assets import ingest_job
from hasiru.config import IST_TZ


@dg.schedule(job=ingest_job, cron_schedule="30 5 * * *", execution_timezone=IST_TZ,
             description="05:30 IST: load the previous day's landed payloads of every source")
def daily_ingestion_schedule(context: dg.ScheduleEvaluationContext):
    day = (context.scheduled_execution_time.date() - dt.timedelta(days=1)).isoformat()
    return dg.RunRequest(run_key=f"daily-{day}", partition_key=day)
