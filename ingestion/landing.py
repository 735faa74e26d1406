"""The landing zone: payloads kept exactly as received, at <landing>/<source>/<YYYY-MM-DD>/<file>.

The date folder is the day the payload arrived (IST) and is the Dagster partition key."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from hasiru.config import settings


def root() -> Path:
    return settings().landing_dir


def partition_dir(source: str, day: dt.date) -> Path:
    return root() / source / day.isoformat()


def list_files(source: str, day: dt.date) -> list[str]:
    """Landed files of one source and day, as paths relative to the landing root, in a stable order.
    Hidden files and `.part` files (a delivery still being written) are not landed yet."""
    base = partition_dir(source, day)
    if not base.is_dir():
        return []
    out = []
    for p in sorted(base.rglob("*")):
        rel = p.relative_to(base)
        if p.is_file() and not any(part.startswith(".") for part in rel.parts) and not p.name.endswith(".part"):
            out.append(p.relative_to(root()).as_posix())
    return out


def landing_dates(source: str) -> list[dt.date]:
    base = root() / source
    if not base.is_dir():
        return []
    days = []
    for p in base.iterdir():
        try:
            days.append(dt.date.fromisoformat(p.name))
        except ValueError:
            continue  # not a date folder: ignored (and reported by the sensor's scan)
    return sorted(days)


def read(rel_path: str) -> bytes:
    return (root() / rel_path).read_bytes()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write(source: str, day: dt.date, name: str, data: bytes) -> str:
    """Land a payload pulled from a server or API: written as `<name>.part` and renamed, so the loader
    never sees half a file. Returns the landing-relative path."""
    path = partition_dir(source, day) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_bytes(data)
    part.replace(path)
    return path.relative_to(root()).as_posix()
