"""What a lake table declaration is: `TableSpec`, and the columns every bronze and quarantine row carries.

Declarations live in `lake/tables.py` (what Python writes) and dbt's model YAML (silver and gold);
`lake/catalog.py` is where both are looked up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

UTC_TS = pa.timestamp("us", tz="UTC")

# Who may read a table. analyst: published in the analysts' serving file (Superset, the marts' users);
# service: read by the platform's services (the API file, the FPO app, the SMS digests), never by analysts;
# internal: the platform's own working tables (bronze, silver, bookkeeping).
AUDIENCES = ("analyst", "service", "internal")


@dataclass(frozen=True)
class TableSpec:
    name: str  # "<layer>.<table>"
    schema: pa.Schema | None  # None: a dbt model's table, whose schema is what dbt built
    description: str
    partition_by: tuple[str, ...] = ()
    key: tuple[str, ...] = ()
    source: str | None = None  # source family, for bronze and quarantine tables
    columns_doc: dict[str, str] = field(default_factory=dict)
    audience: str = "internal"
    personal_data: bool = False  # names, phone numbers, exact locations or the app's ids of people and farms
    written_by: str = ""  # the module (or dbt model) that writes it

    def __post_init__(self) -> None:
        if self.audience not in AUDIENCES:
            raise ValueError(f"{self.name}: audience {self.audience!r} is not one of {', '.join(AUDIENCES)}")
        if self.audience == "analyst" and self.personal_data:
            raise ValueError(f"{self.name}: a table with personal data cannot be published to analysts")
        if self.schema is not None:
            missing = [c for c in self.partition_by + self.key if c not in self.schema.names]
            if missing:
                raise ValueError(f"{self.name}: partition/key columns {missing} are not in its schema")

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
