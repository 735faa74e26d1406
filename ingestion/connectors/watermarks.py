"""Per-stream high-water marks of the pulling connectors, in the Delta table ops.source_watermarks."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from lake import delta_io
from lake.tables import WATERMARKS

def get(source: str, stream: str) -> tuple[dt.datetime | None, str | None]:
    rows = [r for r in delta_io.read_arrow(WATERMARKS).to_pylist() if r["source"] == source and r["stream"] == stream]
    return (rows[0]["watermark"], rows[0]["watermark_key"]) if rows else (None, None)


def set(source: str, stream: str, watermark: dt.datetime, key: str | None = None, detail: str = "") -> None:  # noqa: A001
    row = {"source": source, "stream": stream, "watermark": watermark, "watermark_key": key,
           "updated_at": dt.datetime.now(dt.timezone.utc), "detail": detail}
    delta_io.merge(WATERMARKS, pa.Table.from_pylist([row], schema=WATERMARKS.schema))
