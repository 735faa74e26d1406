"""Farm advisories as an asset: computed on Tuesdays and Fridays (the district agromet advisory days)."""

import dagster as dg

from dagster_project.lineage import deps
from dagster_project.metadata import plain
from hasiru.config import IST_TZ
from ml.advisories.run import READS, VERIFY_READS, run, verify

@dg.asset(key=["gold", "farm_advisories"], deps=deps(READS), group_name="ml", kinds={"delta"},
          description="Advice per farm and day: irrigation (FAO-56 water balance), pest and disease risk, fertilizer (Soil "
                      "Health Card) and crop suitability, each with reason code, inputs and model version.")
def farm_advisories(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    summary = run(progress=context.log.info)
    return dg.MaterializeResult(metadata={"rows": summary["rows"], "by_reason": plain(summary["reasons"])})


@dg.asset(key=["gold", "advisory_verification"],
          deps=deps(VERIFY_READS), group_name="ml",
          kinds={"delta"}, description="Every advisory scored against what happened: probes, rain, farmers' pest reports, "
                                       "observed weather; per check, district and week.")
def advisory_verification(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    summary = verify(progress=context.log.info)
    return dg.MaterializeResult(metadata={"rows": summary["rows"]})


advisory_job = dg.define_asset_job("farm_advisories", selection=dg.AssetSelection.assets(farm_advisories, advisory_verification))
advisory_schedule = dg.ScheduleDefinition(job=advisory_job, cron_schedule="0 7 * * 2,5", execution_timezone=IST_TZ,
                                          description="Tuesdays and Fridays 07:00 IST, after the morning loads")
