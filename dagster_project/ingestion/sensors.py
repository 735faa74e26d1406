"""Start a load when new files land: one run per (source, day) whose folder changed since the last look."""

from __future__ import annotations

import hashlib
import json

import dagster as dg

from dagster_project.ingestion.assets import ingest_job, source_asset_keys
from ingestion import landing
from ingestion.sources import SOURCES


def landing_fingerprints() -> dict[str, str]:
    """'source/day' -> a digest of the folder's file names, sizes and modification times."""
    out = {}
    for name in SOURCES:
        for day in landing.landing_dates(name):
            files = landing.list_files(name, day)
            if not files:
                continue
            h = hashlib.sha256()
            for rel in files:
                size, mtime_ns = landing.stat(rel)
                h.update(f"{rel}\0{size}\0{mtime_ns}\n".encode())
            out[f"{name}/{day.isoformat()}"] = h.hexdigest()[:16]
    return out


def new_work(cursor: str | None) -> tuple[list[tuple[str, str, str]], str]:
    """([(source, day, fingerprint)] that changed since `cursor`, new cursor). Plain function: testable alone."""
    seen = json.loads(cursor) if cursor else {}
    now = landing_fingerprints()
    changed = [(*k.split("/"), fp) for k, fp in sorted(now.items()) if seen.get(k) != fp]
    return changed, json.dumps(now, sort_keys=True)


@dg.sensor(job=ingest_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED,
           description="Loads a source's day as soon as files land in (or change under) landing/<source>/<day>/")
def landing_sensor(context: dg.SensorEvaluationContext):
    changed, cursor = new_work(context.cursor)
    context.update_cursor(cursor)
    if not changed:
        return dg.SkipReason("no new or changed landing files")
    return [
        dg.RunRequest(run_key=f"{source}:{day}:{fp}", partition_key=day, asset_selection=source_asset_keys(source),
                      tags={"hasiru/source": source})
        for source, day, fp in changed
    ]
