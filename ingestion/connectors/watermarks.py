"""Per-stream high-water marks of the pulling connectors, in the Delta table ops.source_watermarks.

A watermark may lag what was landed (the next pull re-reads a little, and silver dedupes) but never
lead it: connectors record a stream's mark after its data is landed, several streams in one commit."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from lake import delta_io
from lake.tables import WATERMARKS

Mark = tuple[dt.datetime | None, str | None]


def get_all(source: str) -> dict[str, Mark]:
    return {r["stream"]: (r["watermark"], r["watermark_key"])
            for r in delta_io.read_arrow(WATERMARKS).to_pylist() if r["source"] == source}


def get(source: str, stream: str) -> Mark:
    return get_all(source).get(stream, (None, None))


def set_many(source: str, marks: dict[str, tuple[dt.datetime, str | None, str]]) -> None:
    """stream -> (watermark, key, detail), in one commit."""
    if not marks:
        return
    now = dt.datetime.now(dt.timezone.utc)
    rows = [{"source": source, "stream": s, "watermark": w, "watermark_key": k, "updated_at": now, "detail": d}
            for s, (w, k, d) in marks.items()]
    delta_io.merge(WATERMARKS, pa.Table.from_pylist(rows, schema=WATERMARKS.schema))


def set(source: str, stream: str, watermark: dt.datetime, key: str | None = None, detail: str = "") -> None:  # noqa: A001
    set_many(source, {stream: (watermark, key, detail)})
