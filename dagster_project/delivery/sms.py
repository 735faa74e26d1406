"""SMS to farmers as Dagster work: the outbox is a daily-partitioned asset (alerts every day, digests on
Tuesdays and Fridays); sending and receipts are a job on a quarter-hourly schedule in sending hours."""

import datetime as dt

import dagster as dg

from dagster_project.lineage import deps
from dagster_project.partitions import DAILY_IST
from hasiru.config import IST, IST_TZ
from sms import digest
from sms.gateway import from_env
from sms.sender import poll_receipts, send_due

# kept by the operator, not built by an asset: shown in the graph as what the outbox depends on
sms_dnd = dg.AssetSpec(["ops", "sms_dnd"], group_name="delivery", kinds={"delta"},
                       description="ops.sms_dnd: numbers on the TRAI do-not-disturb registry (NCPR), imported by the operator "
                                   "with `hasiru sms dnd-import`; the outbox never queues to them.")


class SmsOutboxConfig(dg.Config):
    force_digests: bool = False  # queue digests whatever the weekday (the demo run does)
    # the demo world's last day stands for today: queue as the 07:30 IST schedule would have on that day
    as_scheduled: bool = False


@dg.asset(key=["delivery", "sms_outbox"], deps=deps(digest.reads()), group_name="delivery", kinds={"delta"},
          partitions_def=DAILY_IST,
          description="ops.sms_outbox: each day's severe-weather alerts and, on Tuesdays and Fridays, every farmer's digest, "
                      "rendered from registered templates in the farmer's language within two SMS segments.")
def sms_outbox(context: dg.AssetExecutionContext, config: SmsOutboxConfig) -> dg.MaterializeResult:
    day = dt.date.fromisoformat(context.partition_key)
    now = dt.datetime.combine(day, dt.time(7, 30), IST).astimezone(dt.timezone.utc) if config.as_scheduled else None
    stats = digest.queue(day, digests=True if config.force_digests else None, now=now, progress=context.log.info)
    return dg.MaterializeResult(metadata={k: dg.MetadataValue.int(v) for k, v in stats.items()})


@dg.op(description="Send what is due in the outbox through the configured gateway, then apply delivery receipts.")
def send_sms(context: dg.OpExecutionContext) -> dict:
    gateway = from_env()  # a missing setting fails the run with the name of what to set
    try:
        sent = send_due(gateway, progress=context.log.info)
        receipts = poll_receipts(gateway, progress=context.log.info)
    finally:
        gateway.close()
    return {"sent": sent, "receipts": receipts}


@dg.job(description="Send due SMS and collect receipts")
def sms_send_job():
    send_sms()


sms_outbox_job = dg.define_asset_job("sms_outbox_daily", selection=dg.AssetSelection.assets(sms_outbox),
                                     partitions_def=DAILY_IST)
sms_outbox_schedule = dg.build_schedule_from_partitioned_job(
    sms_outbox_job, hour_of_day=7, minute_of_hour=30,
    description="07:30 IST: after the morning loads and the Tuesday/Friday advisories")
sms_send_schedule = dg.ScheduleDefinition(job=sms_send_job, cron_schedule="*/15 8-20 * * *", execution_timezone=IST_TZ,
                                          description="Every 15 minutes from 08:00 to 20:45 IST (never in quiet hours)")
