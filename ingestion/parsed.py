"""What a parser returns: rows per bronze table, and the rejects with their reasons."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

import pyarrow as pa
import pyarrow.compute as pc

from ingestion.columns import RowIssues, duplicate_of

RAW_LIMIT = 2000  # characters of a rejected row (or a rejected file's head) kept in quarantine
MAX_FIELD_CHARS = 4096  # longer than any id, name or note the sources send: a longer field is broken data
# control characters (tab, LF and CR aside) and U+FFFD, which decoding puts where bytes were not UTF-8
NOT_TEXT = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x{FFFD}]"


class FileRejected(ValueError):
    """The whole file cannot be parsed (empty, truncated JSON, unknown header...); says why."""


@dataclass
class Rejects:
    target: list[str] = field(default_factory=list)
    row: list[pa.Array] = field(default_factory=list)
    reason: list[pa.Array] = field(default_factory=list)
    raw: list[pa.Array] = field(default_factory=list)

    files: list[pa.Array | None] = field(default_factory=list)

    def add(self, target: str, rows: pa.Array | list, reasons: pa.Array | list, raws: pa.Array | list,
            files: pa.Array | None = None) -> None:
        """Reject rows; `files` names each row's source file where one parse covers several files."""
        rows, reasons, raws, files = (x.combine_chunks() if isinstance(x, pa.ChunkedArray) else x
                                      for x in (rows, reasons, raws, files))
        rows = pa.array(rows, pa.int64()) if isinstance(rows, list) else rows.cast(pa.int64())
        if len(rows) == 0:
            return
        self.target.append(target)
        self.row.append(rows)
        self.reason.append(pa.array(reasons, pa.string()) if isinstance(reasons, list) else reasons)
        raws = pa.array(raws, pa.string()) if isinstance(raws, list) else raws.cast(pa.string())
        self.raw.append(pc.utf8_slice_codeunits(raws, 0, RAW_LIMIT))
        self.files.append(files)

    def __len__(self) -> int:
        return sum(len(r) for r in self.row)

    def table(self, source_file: str | None = None) -> pa.Table:
        """All rejects; `source_file` fills in the file of rejects added without one."""
        if not self.row:
            return pa.table({"target_table": pa.array([], pa.string()), "source_row": pa.array([], pa.int64()),
                             "reason": pa.array([], pa.string()), "raw": pa.array([], pa.string()),
                             "source_file": pa.array([], pa.string())})
        files = [f if f is not None else pa.repeat(pa.scalar(source_file, pa.string()), len(r))
                 for f, r in zip(self.files, self.row)]
        return pa.table({
            "target_table": pa.concat_arrays([pa.repeat(pa.scalar(t, pa.string()), len(r)) for t, r in zip(self.target, self.row)]),
            "source_row": pa.concat_arrays(self.row),
            "reason": pa.concat_arrays(self.reason),
            "raw": pa.concat_arrays(self.raw),
            "source_file": pa.concat_arrays([f.cast(pa.string()) for f in files]),
        })


# bytes NOT_TEXT matches (0xEF starts U+FFFD's encoding, and other characters: a column holding one is checked in full)
_SUSPECT = np.zeros(256, dtype=bool)
_SUSPECT[[*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xEF]] = True


def _plain(col: pa.ChunkedArray) -> bool:
    """No value of the column can fail check_text: none longer than MAX_FIELD_CHARS bytes (so characters),
    none holding a suspect byte. One pass over the column's bytes instead of a regular expression per value."""
    for chunk in col.chunks:
        if len(chunk) == 0:
            continue
        offsets = np.frombuffer(chunk.buffers()[1], np.int32)[chunk.offset:chunk.offset + len(chunk) + 1]
        if np.diff(offsets).max() > MAX_FIELD_CHARS:
            return False
        data = chunk.buffers()[2]
        text = np.frombuffer(data, np.uint8)[offsets[0]:offsets[-1]] if data is not None else np.zeros(0, np.uint8)
        if _SUSPECT[text].any():
            return False
    return True


def check_text(payload: pa.Table, issues: RowIssues) -> None:
    """Every text field of every source: not over MAX_FIELD_CHARS, no control bytes or undecodable bytes."""
    for name in payload.column_names:
        col = payload[name]
        if name == "source_file" or not pa.types.is_string(col.type) or col.null_count == len(col) or _plain(col):
            continue
        col = col.combine_chunks()
        length = pc.utf8_length(col)
        issues.flag(pc.greater(length, MAX_FIELD_CHARS), lambda col=col, length=length, name=name: pc.binary_join_element_wise(
            pa.scalar(f"{name}: "), pc.cast(length, pa.string()),
            pa.scalar(f" characters, more than the {MAX_FIELD_CHARS:,} a field may hold"), pa.scalar("")))
        issues.flag(pc.match_substring_regex(col, NOT_TEXT),
                    f"{name}: holds control characters or bytes that are not valid text (binary data or a wrong encoding)")


@dataclass
class ParsedFile:
    rows_read: int = 0
    tables: dict[str, pa.Table] = field(default_factory=dict)  # bronze table -> payload columns + source_row
    rejects: Rejects = field(default_factory=Rejects)

    def accept(self, target: str, payload: pa.Table, rows: pa.Array, raw: pa.Array | Callable[[np.ndarray], pa.Array],
               issues: RowIssues, dedupe: bool = True) -> None:
        """Split parsed rows into accepted and quarantined; exact repeats of an earlier row are rejects too.
        `raw` is the rows' source text, or a function giving it for a boolean row mask (built only for rejects)."""
        payload = payload.append_column("source_row", rows.cast(pa.int64()))
        check_text(payload, issues)
        if dedupe:  # over every column but the row number: with a source_file column, within each file
            cols = [c for c in payload.column_names if c != "source_row"]
            dup = duplicate_of(payload, cols, rows)
            issues.flag(pc.is_valid(dup), pc.binary_join_element_wise(
                pa.scalar("duplicate of row "), pc.cast(dup, pa.string()), pa.scalar(" in the same file"), pa.scalar("")))
        ok = issues.ok
        bad = pc.invert(ok)
        if issues.count():
            raws = raw(bad.to_numpy(zero_copy_only=False)) if callable(raw) else raw.filter(bad)
            files = payload["source_file"].filter(bad) if "source_file" in payload.column_names else None
            self.rejects.add(target, rows.filter(bad), issues.reason.filter(bad), raws, files)
        good = payload.filter(ok)
        self.tables[target] = pa.concat_tables([self.tables[target], good]) if target in self.tables else good


@dataclass
class ParsedBatch:
    """The parse of all files of one load: rows carry their source_file; per-file counts for the load log."""

    rows_read: dict[str, int] = field(default_factory=dict)
    rejected_files: dict[str, str] = field(default_factory=dict)  # file -> why it was rejected whole
    parsed: ParsedFile = field(default_factory=ParsedFile)

    def add_file(self, rel_path: str, parsed: ParsedFile) -> None:
        """Merge the parse of one file (rows without a source_file column)."""
        self.rows_read[rel_path] = parsed.rows_read
        for target, t in parsed.tables.items():
            t = t.append_column("source_file", pa.repeat(pa.scalar(rel_path, pa.string()), t.num_rows))
            have = self.parsed.tables.get(target)
            # a batch-parsed format may order source_file/source_row differently: align by name
            self.parsed.tables[target] = t if have is None else pa.concat_tables([have, t.select(have.column_names)])
        r = parsed.rejects
        for target, rows, reasons, raws, files in zip(r.target, r.row, r.reason, r.raw, r.files):
            if files is None:
                files = pa.repeat(pa.scalar(rel_path, pa.string()), len(rows))
            self.parsed.rejects.add(target, rows, reasons, raws, files)

    def counts(self, rel_paths: list[str]) -> tuple[dict[str, int], dict[str, int]]:
        """(rows written, rows quarantined) per file."""
        def per_file(tables: list[pa.Table]) -> dict[str, int]:
            out = dict.fromkeys(rel_paths, 0)
            for t in tables:
                if t.num_rows:
                    for item in pc.value_counts(t["source_file"]).to_pylist():
                        out[item["values"]] += item["counts"]
            return out
        return per_file(list(self.parsed.tables.values())), per_file([self.parsed.rejects.table()])
