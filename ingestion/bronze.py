"""Load one source's landing partition (one day) into its bronze tables, idempotently.

Every file is accounted for in `ops.load_log` (rows_read = rows_written + rows_quarantined); rows
and files that cannot be loaded go to the source's quarantine table with the reason. Each table's
partition is replaced in one Delta commit, and the load log is written last: a load killed
halfway leaves whole commits only, and the rerun replaces them with the same rows.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from hasiru.console import heartbeat
from hasiru.config import IST
from ingestion import landing
from ingestion.parsed import RAW_LIMIT
from ingestion.sources import LoadContext, source
from lake import delta_io
from lake.catalog import LOAD_LOG, QUARANTINE_SCHEMA, quarantine_table, table

log = logging.getLogger(__name__)


@dataclass
class FileReport:
    source_file: str
    file_sha256: str
    file_bytes: int
    rows_read: int = 0
    rows_written: int = 0
    rows_quarantined: int = 0
    status: str = "loaded"  # loaded | rejected | duplicate
    message: str = ""


@dataclass
class LoadReport:
    source: str
    landing_date: dt.date
    load_id: str
    files: list[FileReport] = field(default_factory=list)
    rows_by_table: dict[str, int] = field(default_factory=dict)

    def total(self, attr: str) -> int:
        return sum(getattr(f, attr) for f in self.files)

    def summary(self) -> str:
        rejected = sum(f.status == "rejected" for f in self.files)
        dups = sum(f.status == "duplicate" for f in self.files)
        return (f"{self.source} {self.landing_date}: {len(self.files)} files, {self.total('rows_read'):,} rows read, "
                f"{self.total('rows_written'):,} written, {self.total('rows_quarantined'):,} quarantined"
                + (f", {rejected} files rejected" if rejected else "") + (f", {dups} duplicate deliveries skipped" if dups else ""))


def _previously_loaded(source_name: str, day: dt.date) -> dict[str, tuple[str, dt.date]]:
    """sha256 -> (file, landing date) of files this source loaded in other partitions."""
    t = delta_io.read_arrow(LOAD_LOG, columns=["file_sha256", "source_file", "landing_date", "status"],
                            filter=(pc.field("source") == source_name) & (pc.field("status") == "loaded")
                            & (pc.field("landing_date") != pa.scalar(day, pa.date32())))
    return {r["file_sha256"]: (r["source_file"], r["landing_date"]) for r in t.to_pylist()}


def _with_metadata(t: pa.Table, load_id: str, now: dt.datetime, day: dt.date) -> pa.Table:
    n = t.num_rows
    return (t.append_column("load_id", pa.repeat(pa.scalar(load_id, pa.string()), n))
             .append_column("loaded_at", pa.repeat(pa.scalar(now, pa.timestamp("us", tz="UTC")), n))
             .append_column("landing_date", pa.repeat(pa.scalar(day, pa.date32()), n)))


def load_partition(source_name: str, day: dt.date, *, now: dt.datetime | None = None,
                   progress: Callable[[str], None] | None = None) -> LoadReport:
    src = source(source_name)
    now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    ctx = LoadContext(now=now, today=now.astimezone(IST).date())
    load_id = f"{source_name}-{day.isoformat()}-{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    report = LoadReport(source_name, day, load_id)
    earlier = _previously_loaded(source_name, day)
    seen: dict[str, str] = {}
    to_parse: list[tuple[str, bytes]] = []
    heads: dict[str, bytes] = {}
    files = landing.list_files(source_name, day)
    for rel in files:
        data = landing.read(rel)
        sha = landing.sha256(data)
        fr = FileReport(rel, sha, len(data))
        report.files.append(fr)
        if data and (sha in seen or sha in earlier):  # an empty file is an error each time it comes, not a repeat
            first, first_day = (seen[sha], day) if sha in seen else earlier[sha]
            fr.status, fr.message = "duplicate", f"same content as {first} (landed {first_day}); not loaded again"
            continue
        seen[sha] = rel
        to_parse.append((rel, data))
        heads[rel] = data[:RAW_LIMIT]
    if progress:
        progress(f"{source_name} {day}: parsing {len(to_parse)} files ({sum(len(d) for _, d in to_parse) / 1e6:,.1f} MB)")
    with heartbeat(progress or (lambda _: None), f"{source_name} {day}: parsing"):
        batch = src.parse_batch(to_parse, ctx)
    del to_parse
    written, quarantined = batch.counts(list(heads))
    rejected_rows = []
    for fr in report.files:
        if fr.status == "duplicate":
            continue
        if fr.source_file in batch.rejected_files:
            fr.status, fr.message = "rejected", batch.rejected_files[fr.source_file]
            fr.rows_read = fr.rows_quarantined = 1  # the file counts as one unreadable record
            rejected_rows.append({"target_table": source_name, "source_row": None, "reason": fr.message,
                                  "raw": heads[fr.source_file].decode("utf-8", errors="backslashreplace"),
                                  "source_file": fr.source_file})
        else:
            fr.rows_read = batch.rows_read[fr.source_file]
            fr.rows_written, fr.rows_quarantined = written[fr.source_file], quarantined[fr.source_file]
        if fr.rows_read != fr.rows_written + fr.rows_quarantined:
            raise AssertionError(f"{fr.source_file}: row accounting broken: read {fr.rows_read} != "
                                 f"written {fr.rows_written} + quarantined {fr.rows_quarantined}")
        if progress:
            progress(f"{source_name} {day}: {fr.source_file}: {fr.status}, {fr.rows_written:,} rows"
                     + (f", {fr.rows_quarantined:,} quarantined" if fr.rows_quarantined else ""))
    for target in src.targets:
        spec = table(target)
        t = batch.parsed.tables.get(target)
        data = _with_metadata(t, load_id, now, day).select(spec.schema.names) if t is not None else spec.schema.empty_table()
        delta_io.replace_partition(spec, data, landing_date=day)
        report.rows_by_table[target] = data.num_rows
    rejects = batch.parsed.rejects.table()
    if rejected_rows:
        rejects = pa.concat_tables([rejects, pa.Table.from_pylist(rejected_rows, schema=rejects.schema)])
    q = _with_metadata(rejects, load_id, now, day)
    q = q.append_column("source", pa.repeat(pa.scalar(source_name, pa.string()), q.num_rows))
    qspec = quarantine_table(source_name)
    delta_io.replace_partition(qspec, q.select(QUARANTINE_SCHEMA.names), landing_date=day)
    report.rows_by_table[qspec.name] = q.num_rows
    log_rows = pa.Table.from_pylist(
        [{"source": source_name, **vars(f), "load_id": load_id, "loaded_at": now, "landing_date": day} for f in report.files],
        schema=LOAD_LOG.schema,
    )
    delta_io.replace_where(LOAD_LOG, log_rows, delta_io.partition_predicate(source=source_name, landing_date=day))
    return report
