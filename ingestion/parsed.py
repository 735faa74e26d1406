"""What a parser returns: rows per bronze table, and the rejects with their reasons."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from ingestion.columns import RowIssues, duplicate_of

RAW_LIMIT = 2000  # characters of a rejected row (or a rejected file's head) kept in quarantine


class FileRejected(ValueError):
    """The whole file cannot be parsed (empty, truncated JSON, unknown header...); says why."""


@dataclass
class Rejects:
    target: list[str] = field(default_factory=list)
    row: list[pa.Array] = field(default_factory=list)
    reason: list[pa.Array] = field(default_factory=list)
    raw: list[pa.Array] = field(default_factory=list)

    def add(self, target: str, rows: pa.Array | list, reasons: pa.Array | list, raws: pa.Array | list) -> None:
        rows, reasons, raws = (x.combine_chunks() if isinstance(x, pa.ChunkedArray) else x for x in (rows, reasons, raws))
        rows = pa.array(rows, pa.int64()) if isinstance(rows, list) else rows.cast(pa.int64())
        if len(rows) == 0:
            return
        self.target.append(target)
        self.row.append(rows)
        self.reason.append(pa.array(reasons, pa.string()) if isinstance(reasons, list) else reasons)
        raws = pa.array(raws, pa.string()) if isinstance(raws, list) else raws.cast(pa.string())
        self.raw.append(pc.utf8_slice_codeunits(raws, 0, RAW_LIMIT))

    def __len__(self) -> int:
        return sum(len(r) for r in self.row)

    def table(self) -> pa.Table:
        if not self.row:
            return pa.table({"target_table": pa.array([], pa.string()), "source_row": pa.array([], pa.int64()),
                             "reason": pa.array([], pa.string()), "raw": pa.array([], pa.string())})
        return pa.table({
            "target_table": pa.concat_arrays([pa.array([t] * len(r), pa.string()) for t, r in zip(self.target, self.row)]),
            "source_row": pa.concat_arrays(self.row),
            "reason": pa.concat_arrays(self.reason),
            "raw": pa.concat_arrays(self.raw),
        })


@dataclass
class ParsedFile:
    rows_read: int = 0
    tables: dict[str, pa.Table] = field(default_factory=dict)  # bronze table -> payload columns + source_row
    rejects: Rejects = field(default_factory=Rejects)

    def accept(self, target: str, payload: pa.Table, rows: pa.Array, raw: pa.Array, issues: RowIssues,
               dedupe: bool = True) -> None:
        """Split parsed rows into accepted and quarantined; exact repeats of an earlier row are rejects too."""
        payload = payload.append_column("source_row", rows.cast(pa.int64()))
        if dedupe:
            cols = [c for c in payload.column_names if c != "source_row"]
            dup = duplicate_of(payload, cols, rows)
            issues.flag(pc.is_valid(dup), pc.binary_join_element_wise(
                pa.scalar("duplicate of row "), pc.cast(dup, pa.string()), pa.scalar(" in the same file"), pa.scalar("")))
        ok = issues.ok
        bad = pc.invert(ok)
        self.rejects.add(target, rows.filter(bad), issues.reason.filter(bad), raw.filter(bad))
        good = payload.filter(ok)
        self.tables[target] = pa.concat_tables([self.tables[target], good]) if target in self.tables else good
