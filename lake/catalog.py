"""Every lake table, declared once: name, layer, Arrow schema, partitioning, key, description.

Readers and writers look tables up here (`table("bronze.mandi_prices")`) and never spell a path
or a schema themselves. Bronze tables carry the load metadata columns below; each source family
has a quarantine table with one shared schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

UTC_TS = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True)
class TableSpec:
    name: str  # "<layer>.<table>"
    schema: pa.Schema
    description: str
    partition_by: tuple[str, ...] = ()
    key: tuple[str, ...] = ()
    source: str | None = None  # source family, for bronze and quarantine tables
    columns_doc: dict[str, str] = field(default_factory=dict)

    @property
    def layer(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def short_name(self) -> str:
        return self.name.split(".", 1)[1]

    @property
    def path(self) -> str:
        """Location relative to the lake root: <layer>/<table>."""
        return f"{self.layer}/{self.short_name}"

    @property
    def payload_columns(self) -> list[str]:
        """Columns parsed from the source (bronze), i.e. without the load metadata."""
        meta = set(LOAD_METADATA.names)
        return [n for n in self.schema.names if n not in meta]


# Added to every bronze row: where it came from and which load wrote it.
LOAD_METADATA = pa.schema(
    [
        ("source_file", pa.string()),  # path of the landing file, relative to the landing root
        ("source_row", pa.int64()),  # 1-based line (CSV, line protocol) or record number (JSON)
        ("load_id", pa.string()),
        ("loaded_at", UTC_TS),
        ("landing_date", pa.date32()),  # the landing folder's date = the Dagster partition (IST)
    ]
)

QUARANTINE_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("target_table", pa.string()),  # the bronze table the row was meant for (or the file's source)
        ("source_file", pa.string()),
        ("source_row", pa.int64()),  # null when the whole file is rejected
        ("reason", pa.string()),
        ("raw", pa.string()),  # the row as received (a file's head, for a rejected file)
        ("load_id", pa.string()),
        ("loaded_at", UTC_TS),
        ("landing_date", pa.date32()),
    ]
)

SOURCES = ("sensors", "weather", "mandi_prices", "soil_health", "crop_statistics", "app")

_TABLES: dict[str, TableSpec] = {}


class UnknownTableError(KeyError):
    def __str__(self) -> str:
        return f"no table {self.args[0]!r} in the catalog; known: {', '.join(sorted(_TABLES))}"


def register(spec: TableSpec) -> TableSpec:
    if spec.name in _TABLES:
        raise ValueError(f"table {spec.name} declared twice")
    missing = [c for c in spec.partition_by + spec.key if c not in spec.schema.names]
    if missing:
        raise ValueError(f"{spec.name}: partition/key columns {missing} are not in its schema")
    _TABLES[spec.name] = spec
    return spec


def table(name: str) -> TableSpec:
    try:
        return _TABLES[name]
    except KeyError:
        raise UnknownTableError(name) from None


def all_tables() -> list[TableSpec]:
    return list(_TABLES.values())


def bronze(name: str, source: str, fields: list[tuple[str, pa.DataType]], key: tuple[str, ...], description: str) -> TableSpec:
    schema = pa.schema(fields + list(LOAD_METADATA))
    return register(TableSpec(f"bronze.{name}", schema, description, ("landing_date",), key, source))


def quarantine_table(source: str) -> TableSpec:
    return table(f"bronze.quarantine_{source}")


for _source in SOURCES:
    register(
        TableSpec(
            f"bronze.quarantine_{_source}",
            QUARANTINE_SCHEMA,
            f"Rows and files from the {_source} source that could not be parsed or broke a hard rule, "
            "with the reason and where they were in the source.",
            ("landing_date",),
            (),
            _source,
        )
    )

LOAD_LOG = register(
    TableSpec(
        "ops.load_log",
        pa.schema(
            [
                ("source", pa.string()),
                ("source_file", pa.string()),
                ("file_sha256", pa.string()),
                ("file_bytes", pa.int64()),
                ("rows_read", pa.int64()),
                ("rows_written", pa.int64()),
                ("rows_quarantined", pa.int64()),
                ("status", pa.string()),  # loaded | rejected | duplicate
                ("message", pa.string()),
                ("load_id", pa.string()),
                ("loaded_at", UTC_TS),
                ("landing_date", pa.date32()),
            ]
        ),
        "One row per landing file per load: the row accounting (rows_read = rows_written + "
        "rows_quarantined) and what happened to the file.",
        ("source",),
        ("source", "source_file"),
    )
)

# Import the source declarations so that importing the catalog registers every table.
from lake import tables as _tables  # noqa: E402,F401
