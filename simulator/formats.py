"""Writers that produce each source's real wire format, byte for byte as the source delivers it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def write_atomically(path: Path, data: bytes) -> None:
    """Land a file under a temporary name and rename it: a watcher never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    tmp.replace(path)


def joined_lines(lines: pa.Array) -> bytes:
    """Concatenate a string array into newline-terminated text without a Python loop."""
    with_nl = pc.binary_join_element_wise(lines, pa.scalar("\n"), pa.scalar(""))
    arr = with_nl.combine_chunks() if isinstance(with_nl, pa.ChunkedArray) else with_nl
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset : arr.offset + len(arr) + 1]
    return arr.buffers()[2].to_pybytes()[offsets[0] : offsets[-1]]


def fmt_number(values: np.ndarray, decimals: int) -> pa.Array:
    """Shortest decimal text of values rounded to `decimals` (as InfluxDB and PostgreSQL print them)."""
    return pc.cast(pa.array(np.round(values, decimals)), pa.string())


# --- InfluxDB line protocol
def line_protocol(measurement: str, tags: dict[str, pa.Array], fields: dict[str, pa.Array], ts_ns: np.ndarray) -> bytes:
    """`measurement,tag=v field=1.5,... <ns>` per point; tags and fields in sorted key order as Influx emits."""
    parts: list = [pa.scalar(measurement)]
    for k in sorted(tags):
        parts += [pa.scalar(f",{k}="), tags[k]]
    for i, k in enumerate(sorted(fields)):
        parts += [pa.scalar((" " if i == 0 else ",") + f"{k}="), fields[k]]
    parts += [pa.scalar(" "), pc.cast(pa.array(ts_ns, pa.int64()), pa.string())]
    return joined_lines(pc.binary_join_element_wise(*parts, pa.scalar("")))


# --- PostgreSQL COPY ... TO STDOUT (FORMAT csv, HEADER), session TimeZone Asia/Kolkata
def pg_copy_csv(table: pa.Table) -> bytes:
    cols = []
    for name in table.column_names:
        col = table[name]
        t = col.type
        if pa.types.is_timestamp(t):
            # PostgreSQL prints whole seconds without a fraction
            local = pc.add(col.cast(pa.timestamp("s"), safe=False), pa.scalar(19_800, pa.duration("s")))
            text = pc.binary_join_element_wise(pc.strftime(local, format="%Y-%m-%d %H:%M:%S"), pa.scalar("+05:30"), pa.scalar(""))
        elif pa.types.is_boolean(t):
            text = pc.if_else(col, pa.scalar("t"), pa.scalar("f"))
        else:
            text = pc.cast(col, pa.string())
        cols.append(text.to_pylist())
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(table.column_names)
    w.writerows(zip(*cols))
    return buf.getvalue().encode("utf-8")


# --- Agmarknet "Price and Arrival" report export
AGMARKNET_HEADER = ("Market,Arrival Date,Arrivals (Tonnes),Variety,Minimum Price(Rs./Quintal),"
                    "Maximum Price(Rs./Quintal),Modal Price(Rs./Quintal),")


def agmarknet_export(rows: list[tuple[str, str, float, str, float, float, float]]) -> bytes:
    """Rows sorted by market; the market name only on its block's first row; a trailing empty column;
    names are written unquoted even when they contain a comma (Agmarknet's own quirk)."""
    out = [AGMARKNET_HEADER]
    last_market = None
    for market, date_ddmmyyyy, arrivals, variety, mn, mx, modal in rows:
        shown = market if market != last_market else ""
        last_market = market
        out.append(f"{shown},{date_ddmmyyyy},{arrivals:g},{variety},{mn:.0f},{mx:.0f},{modal:.0f},")
    return ("\n".join(out) + "\n").encode("utf-8")
