"""dbt's sources, generated from the catalogue (`lake/tables.py`): never a hand copy.

`hasiru prepare` writes them before `dbt parse`; a test fails when a committed file differs from what
the catalogue gives.
- `dbt/models/staging/<family>/_<family>__sources.yml`: every bronze table and the load log, which
  the warehouse build reads through dbt-duckdb's delta plugin.
- `dbt/models/serving/_pipeline__sources.yml`: the tables Python writes outside bronze (the load log,
  the forecasts, advisories and SMS outbox), which the serving models read. They are written downstream
  of gold, so only the serving build (serving/publish.py, after them) reads them; the publish puts each
  in the build's `pipeline` schema as a view of the lake table.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from hasiru.lake_views import view_name
from lake.catalog import LOAD_LOG, SOURCE_FAMILIES, all_tables
from transform.dbt_env import DBT_PROJECT_DIR

GENERATED = "# Generated from lake/tables.py by `hasiru prepare` (transform/dbt_sources.py): edit the catalogue, not this.\n"
HEADER = GENERATED + "# Bronze Delta tables, read through dbt-duckdb's delta plugin.\n"
PIPELINE_HEADER = GENERATED + "# The lake's tables that Python writes, as views the publish makes in the serving build (serving/publish.py).\n"
PIPELINE_SOURCE = "pipeline"
OPS_DESCRIPTION = "Pipeline operations tables."


def _family(spec) -> str | None:
    if spec.layer == "bronze":
        return spec.source
    return "ops" if spec.name == LOAD_LOG.name else None


def rendered() -> dict[Path, str]:
    """File path -> the YAML it must hold."""
    by_family: dict[str, list] = {}
    for spec in all_tables(models=False):
        family = _family(spec)
        if family:
            by_family.setdefault(family, []).append(spec)
    out = {}
    for family, specs in by_family.items():
        doc = {"version": 2, "sources": [{
            "name": family,
            "description": SOURCE_FAMILIES.get(family, OPS_DESCRIPTION),
            "meta": {"plugin": "delta", "materialization": "table"},
            "tables": [{"name": s.short_name, "description": s.description,
                        "meta": {"delta_table_path": "{{ env_var('HASIRU_LAKE_URI') }}/" + s.path,
                                 "dagster": {"asset_key": [s.layer, s.short_name]}}} for s in specs],
        }]}
        path = DBT_PROJECT_DIR / "models" / "staging" / family / f"_{family}__sources.yml"
        out[path] = HEADER + yaml.safe_dump(doc, sort_keys=False, width=120, allow_unicode=True)
    out[DBT_PROJECT_DIR / "models" / "serving" / f"_{PIPELINE_SOURCE}__sources.yml"] = _pipeline()
    return out


def _pipeline() -> str:
    specs = [s for s in all_tables(models=False) if s.layer != "bronze"]
    doc = {"version": 2, "sources": [{
        "name": PIPELINE_SOURCE,
        "description": "Lake tables written by the platform's Python jobs (load log, forecasts, advisories, SMS), "
                       "as the serving build sees them.",
        "schema": PIPELINE_SOURCE,
        "tables": [{"name": view_name(s.name), "description": s.description, "meta": {"lake_table": s.name}}
                   for s in specs],
    }]}
    return PIPELINE_HEADER + yaml.safe_dump(doc, sort_keys=False, width=120, allow_unicode=True)


def write() -> list[Path]:
    """Write the files that differ; returns them."""
    changed = []
    for path, text in rendered().items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed
