"""Delta table maintenance, scheduled (weekly) rather than ad hoc: compaction of small files, vacuum
of files older than the retention, and a checkpoint so readers replay a short log. The embedded engine
does it with delta-rs here; spark_jobs/maintenance.py does the same with Spark's OPTIMIZE / VACUUM /
ANALYZE. Every table the platform writes is covered: the catalog's declarations plus dbt's silver and
gold models.

Setting: HASIRU_VACUUM_RETENTION_HOURS (default 168: a week, Delta's own default; readers of an older
version than that, and time travel to it, stop working after a vacuum).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hasiru.config import env_int, storage_options
from lake import delta_io
from lake.catalog import TableSpec, all_tables, table

DEFAULT_RETENTION_HOURS = 168


@dataclass(frozen=True)
class TableMaintenance:
    table: str
    files_before: int
    files_after: int
    files_vacuumed: int  # files past the retention that vacuum removed (delta-rs lists expired tombstones again on a rerun)


def retention_hours() -> int:
    return env_int("HASIRU_VACUUM_RETENTION_HOURS", DEFAULT_RETENTION_HOURS, minimum=0)


def lake_tables() -> list[str]:
    """Every table the platform writes (declared in the catalog or built by dbt), by name."""
    return sorted(t.name for t in all_tables())


def spec_of(name: str | TableSpec) -> TableSpec:
    """A catalogue name, or a spec for a table outside the catalogue (a test's)."""
    return name if isinstance(name, TableSpec) else table(name)


def maintain_table(name: str | TableSpec, hours: int) -> TableMaintenance | None:
    from deltalake import DeltaTable

    spec = spec_of(name)
    name = spec.name
    if not delta_io.exists(spec):
        return None
    uri = delta_io.table_uri(spec)
    dt = DeltaTable(uri, storage_options=storage_options() or None)
    before = len(dt.file_uris())
    dt.optimize.compact()
    dt.create_checkpoint()
    # the retention check guards the default; a shorter setting is the operator's explicit choice
    vacuumed = dt.vacuum(retention_hours=hours, dry_run=False, enforce_retention_duration=False)
    dt = DeltaTable(uri, storage_options=storage_options() or None)
    return TableMaintenance(name, before, len(dt.file_uris()), len(vacuumed))


def each_table(maintain: Callable[[str | TableSpec], TableMaintenance | None], tables: list[str | TableSpec] | None,
               progress: Callable[[str], None]) -> list[TableMaintenance]:
    """`maintain` (an engine's compaction of one table) over `tables`, default every lake table; tables not
    written yet are skipped. Both engines' runs go through here."""
    done = []
    for name in tables or lake_tables():
        result = maintain(name)
        if result:
            done.append(result)
            progress(f"{result.table}: {result.files_before} -> {result.files_after} files, {result.files_vacuumed} old files vacuumed")
    return done


def run(progress: Callable[[str], None] = lambda _: None, tables: list[str | TableSpec] | None = None) -> list[TableMaintenance]:
    hours = retention_hours()
    return each_table(lambda name: maintain_table(name, hours), tables, progress)
