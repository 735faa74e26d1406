"""Great Expectations suites on silver, after dbt: blocking, so a failure stops the serving publish
of the same run (dbt's own tests already stop the models downstream inside the build)."""

import dagster as dg

from quality.suites import SUITES
from quality.validate import validate

SILVER = [t for t in SUITES if t.startswith("silver.")]


def _key(table: str) -> dg.AssetKey:
    return dg.AssetKey(table.split(".", 1))


@dg.multi_asset_check(
    name="silver_ge_suites",
    specs=[dg.AssetCheckSpec("ge_suite", asset=_key(t), blocking=True,
                             description=f"Great Expectations suite for {t}") for t in SILVER],
)
def silver_ge_suites(context: dg.AssetCheckExecutionContext):
    for table in SILVER:
        outcome = validate(table)
        context.log.info(f"{table}: {'passed' if outcome.success else 'FAILED'} {outcome.metadata()['failed']}")
        yield dg.AssetCheckResult(check_name="ge_suite", asset_key=_key(table), passed=outcome.success,
                                  severity=dg.AssetCheckSeverity.ERROR, metadata=outcome.metadata())
