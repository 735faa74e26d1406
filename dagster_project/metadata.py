"""Asset metadata as plain values: what the Dagster UI shows and the CLI prints (run_local._metadata)."""

import json

import dagster as dg


def plain(value):
    """Numbers and text as they are; mappings and lists as JSON (not their Python repr), so a reader of the
    UI or of `hasiru advise` sees "IRRIGATE: 1204", not a stringified dict."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, str)):
        return value
    as_json = json.dumps(value, default=lambda x: x.item() if hasattr(x, "item") else str(x))
    return dg.MetadataValue.json(json.loads(as_json))
