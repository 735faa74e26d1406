"""The catalogue: every lake table, looked up in one place (`table("bronze.mandi_prices")`).

Two kinds of declaration, each written once:
- what Python writes (bronze, quarantine, ops, the ML and delivery tables): `lake/tables.py`;
- silver and gold, which dbt builds: the models' YAML (`dbt/models/**/_*__models.yml`: description,
  `meta.key`, `meta.lake_partition_by`, `meta.audience`, `meta.personal_data`), read here from dbt's
  manifest (`hasiru prepare` writes it).
The serving models are dbt models too (`dbt/models/serving`, `serving_tables()`: the API file's tables, an
SMS batch's inputs): not lake tables, each with the lake tables it reads taken from its refs and sources.

Readers and writers take specs from here and never spell a path or a schema themselves; the
analysts' serving file publishes exactly the tables whose audience is `analyst`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lake import tables as _declared
from lake.spec import LOAD_METADATA, QUARANTINE_SCHEMA, UTC_TS, TableSpec

__all__ = ["LOAD_LOG", "LOAD_METADATA", "QUARANTINE_SCHEMA", "SOURCE_FAMILIES", "UTC_TS", "ModelTable", "TableSpec",
           "ServingTable", "UnknownTableError", "all_tables", "lake_name", "model_tables", "quarantine_table",
           "serving_tables", "table"]

SOURCE_FAMILIES = _declared.SOURCE_FAMILIES
LOAD_LOG = _declared.LOAD_LOG
MODEL_LAYERS = ("silver", "gold")


def _index(specs: list[TableSpec]) -> dict[str, TableSpec]:
    out: dict[str, TableSpec] = {}
    for spec in specs:
        if spec.name in out:
            raise ValueError(f"table {spec.name} declared twice")
        out[spec.name] = spec
    return out


_DECLARED = _index(_declared.DECLARED)


class UnknownTableError(KeyError):
    def __str__(self) -> str:
        known = sorted(_DECLARED) + [m.spec_name for m in _models_or_none() or ()]
        return f"no table {self.args[0]!r} in the catalog; known: {', '.join(known)}"


class ManifestMissing(FileNotFoundError):
    def __str__(self) -> str:
        return (f"dbt's manifest {self.args[0]} is missing, so silver and gold are unknown: "
                "run `hasiru prepare` (or `hasiru run`, which does it first)")


@dataclass(frozen=True)
class ModelTable:
    """A dbt model that is a lake table (meta.lake_layer silver or gold)."""

    model: str  # dbt model name
    relation: str  # "schema"."identifier" in the warehouse (its catalog name follows the file name)
    spec: TableSpec
    window_column: str | None  # the landing-day column a partitioned run filters on

    @property
    def spec_name(self) -> str:
        return self.spec.name


def lake_name(model: str, layer: str) -> str:
    """silver: stg_sensors__readings -> silver.sensors__readings; gold keeps the model name."""
    return f"{layer}.{model.removeprefix('stg_') if layer == 'silver' else model}"


@lru_cache(maxsize=1)
def manifest_path() -> Path:
    from transform.dbt_env import manifest_path as path

    return path()


def model_tables(manifest: dict | None = None) -> list[ModelTable]:
    if manifest is None:
        return list(_manifest_models(str(manifest_path())))
    return _models_from(manifest)


@lru_cache(maxsize=4)
def _manifest_cached(path: str, mtime_ns: int) -> tuple[tuple[ModelTable, ...], dict[str, TableSpec]]:
    models = tuple(_models_from(json.loads(Path(path).read_text())))
    return models, {m.spec_name: m.spec for m in models}


@dataclass(frozen=True)
class ServingTable:
    """A serving model (meta.lake_layer serving), built outside the warehouse by transform/serving_build.py."""

    model: str
    description: str
    inputs: tuple[tuple[str, str, str], ...]  # (schema, name) the serving build reads, the lake table it stands for
    indexes: tuple[tuple[str, ...], ...]  # meta.index: the columns the API looks rows up by
    builds: tuple[str, ...] = ()  # the model's tags: which build makes it (api, digest)

    @property
    def reads(self) -> tuple[str, ...]:
        return tuple(name for _, _, name in self.inputs)


# the serving target's schema (dbt-duckdb's default): where a ref to a silver or gold model points
SERVING_REF_SCHEMA = "main"


def serving_tables(build: str | None = None, manifest: dict | None = None) -> list[ServingTable]:
    """The serving models of one build (their tag: `api`, `digest`; None: all), each with the lake tables its
    SQL refs (silver, gold) or names as a source (the `pipeline` tables Python writes); a ref to anything
    else (another serving model or a seed, built in the same build, aside) is an error."""
    if manifest is None:
        path = str(manifest_path())
        try:
            found = list(_serving_cached(path, Path(path).stat().st_mtime_ns))
        except FileNotFoundError:
            raise ManifestMissing(path) from None
    else:
        found = _serving_from(manifest)
    return [t for t in found if build is None or build in t.builds]


@lru_cache(maxsize=4)
def _serving_cached(path: str, mtime_ns: int) -> tuple[ServingTable, ...]:
    return tuple(_serving_from(json.loads(Path(path).read_text())))


def _serving_from(manifest: dict) -> list[ServingTable]:
    nodes, sources = manifest["nodes"], manifest["sources"]
    out = []
    for node in nodes.values():
        if node["resource_type"] != "model" or _meta(node).get("lake_layer") != "serving":
            continue
        inputs = []
        for dep in node["depends_on"]["nodes"]:
            if dep in sources:
                src = sources[dep]
                inputs.append((src["schema"], src["identifier"], _meta(src)["lake_table"]))
                continue
            up = nodes[dep]
            layer = _meta(up).get("lake_layer")
            if layer == "serving" or up["resource_type"] == "seed":
                continue  # built in the same serving build
            if up["resource_type"] != "model" or layer not in MODEL_LAYERS:
                raise ValueError(f"serving model {node['name']} reads {up['name']}, which is not a lake table: "
                                 "serving models read silver, gold and the pipeline's tables only")
            inputs.append((SERVING_REF_SCHEMA, up["alias"], lake_name(up["name"], layer)))
        out.append(ServingTable(node["name"], node.get("description", ""), tuple(dict.fromkeys(inputs)),
                                tuple(tuple(i) for i in _meta(node).get("index", ())), tuple(node.get("tags", ()))))
    return sorted(out, key=lambda t: t.model)


def _meta(node: dict) -> dict:
    return node.get("config", {}).get("meta", {}) or node.get("meta", {}) or {}


def _manifest(path: str) -> tuple[tuple[ModelTable, ...], dict[str, TableSpec]]:
    """The manifest's lake tables, read again only when `hasiru prepare` (or a dbt run) rewrote it."""
    try:
        mtime = Path(path).stat().st_mtime_ns
    except FileNotFoundError:
        raise ManifestMissing(path) from None
    return _manifest_cached(path, mtime)


def _manifest_models(path: str) -> tuple[ModelTable, ...]:
    return _manifest(path)[0]


def _models_or_none() -> tuple[ModelTable, ...] | None:
    try:
        return _manifest_models(str(manifest_path()))
    except ManifestMissing:
        return None


def _models_from(manifest: dict) -> list[ModelTable]:
    out = []
    for node in manifest["nodes"].values():
        meta = node.get("config", {}).get("meta", {}) or {}
        layer = meta.get("lake_layer")
        if node["resource_type"] != "model" or layer not in MODEL_LAYERS:
            continue
        spec = TableSpec(lake_name(node["name"], layer), None, node.get("description", ""),
                         tuple(meta.get("lake_partition_by", ())), tuple(meta.get("key", ())),
                         columns_doc={c: v.get("description", "") for c, v in (node.get("columns") or {}).items()},
                         audience=meta.get("audience", "internal"), personal_data=bool(meta.get("personal_data", False)),
                         written_by=f"dbt: {node.get('original_file_path', node['name'])}")
        out.append(ModelTable(model=node["name"], relation=f'"{node["schema"]}"."{node["alias"]}"', spec=spec,
                              window_column=meta.get("window_column")))
    return sorted(out, key=lambda m: m.spec_name)


def table(name: str) -> TableSpec:
    if name in _DECLARED:
        return _DECLARED[name]
    if name.split(".", 1)[0] in MODEL_LAYERS:
        spec = _manifest(str(manifest_path()))[1].get(name)
        if spec is not None:
            return spec
    raise UnknownTableError(name)


def all_tables(models: bool = True) -> list[TableSpec]:
    """Every table; `models=False`: only the ones Python declares (no manifest needed)."""
    declared = list(_DECLARED.values())
    if not models:
        return declared
    return declared + [m.spec for m in _manifest_models(str(manifest_path()))]


def quarantine_table(source: str) -> TableSpec:
    return table(f"bronze.quarantine_{source}")
