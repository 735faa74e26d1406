"""Run a suite on a lake table (or some of its partitions) and say what failed, with the failing rows' keys."""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from lake import delta_io
from lake.catalog import table as catalog_table
from quality.suites import SUITES, SuiteContext

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # no usage reporting from an offline pipeline
SAMPLE_ROWS = 20


@dataclass
class Failure:
    expectation: str
    column: str | None
    unexpected_count: int
    sample: list[dict] = field(default_factory=list)  # key columns of failing rows


@dataclass
class Outcome:
    table: str
    rows: int
    expectations: int
    failures: list[Failure]

    @property
    def success(self) -> bool:
        return not self.failures

    def metadata(self) -> dict:
        return {
            "rows_validated": self.rows, "expectations": self.expectations,
            "failed": [f"{f.expectation}({f.column}): {f.unexpected_count} rows" for f in self.failures],
            "failing_rows_sample": [row for f in self.failures for row in f.sample][:SAMPLE_ROWS],
        }


def reference_sets() -> dict[str, list]:
    from hasiru.reference import commodities, geography

    spec = catalog_table("silver.app__farms")
    farms = delta_io.read_arrow(spec, columns=["farm_id"]) if delta_io.exists(spec) \
        else pa.table({"farm_id": pa.array([], pa.string())})
    return {"farm_ids": farms["farm_id"].to_pylist(), "commodities": commodities(),
            "block_codes": [b["block_code"] for b in geography().blocks]}


def _context():
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = {"globally": False}
    return ctx


def validate(table: str, partitions: list[dt.date] | None = None, now: dt.datetime | None = None) -> Outcome:
    suite_def = SUITES[table]
    spec = catalog_table(table)
    filt = None
    if partitions and suite_def.partition_column:
        filt = pc.field(suite_def.partition_column).isin(pa.array(partitions, pa.date32()))
    data = delta_io.read_arrow(spec, filter=filt) if delta_io.exists(spec) else None
    if data is None:
        return Outcome(table, 0, 0, [Failure("table_exists", None, 1)])
    ctx = _context()
    import great_expectations as gx

    expectations = suite_def.build(SuiteContext(now=now or dt.datetime.now(dt.timezone.utc),
                                                reference=reference_sets() if not table.startswith("bronze") else {}))
    suite = ctx.suites.add(gx.ExpectationSuite(name=table, expectations=expectations))
    batch = (ctx.data_sources.add_pandas("lake").add_dataframe_asset(table)
             .add_batch_definition_whole_dataframe("rows").get_batch(batch_parameters={"dataframe": data.to_pandas()}))
    result = batch.validate(suite, result_format={"result_format": "COMPLETE",
                                                  "unexpected_index_column_names": list(suite_def.key)})
    failures = []
    for r in result.results:
        if r.success:
            continue
        cfg = r.expectation_config
        rows = (r.result or {}).get("unexpected_index_list") or []
        failures.append(Failure(cfg.type, cfg.kwargs.get("column") or cfg.kwargs.get("column_list") and ",".join(cfg.kwargs["column_list"]),
                                int((r.result or {}).get("unexpected_count") or 1),
                                [{k: str(v) for k, v in row.items() if k in suite_def.key} for row in rows[:SAMPLE_ROWS]]))
    return Outcome(table, data.num_rows, len(expectations), failures)
