"""The landing zone: payloads kept exactly as received, at <landing>/<source>/<YYYY-MM-DD>/<file>.

The date folder is the day the payload arrived (IST) and is the Dagster partition key. The landing
zone is a local folder, or `s3://bucket/prefix` on S3-compatible storage (MinIO in production), which
is written, listed and read with MinIO's client and the usual AWS_* settings (AWS_ENDPOINT_URL,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import os
import urllib.parse
from pathlib import Path

from hasiru.config import IST, ConfigError, settings


def root() -> Path:
    """The local landing folder (for an s3:// landing: the simulator's staging folder)."""
    return settings().landing_dir


def is_remote() -> bool:
    return settings().landing_uri.startswith("s3://")


def _bucket_prefix() -> tuple[str, str]:
    u = urllib.parse.urlsplit(settings().landing_uri)
    return u.netloc, u.path.strip("/")


@functools.cache
def _client(endpoint: str, access: str, secret: str, region: str):
    from minio import Minio

    u = urllib.parse.urlsplit(endpoint)
    return Minio(u.netloc or u.path, access_key=access, secret_key=secret, secure=u.scheme == "https", region=region or None)


def s3():
    """MinIO client for the landing bucket, from AWS_ENDPOINT_URL and the AWS_* credentials."""
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "https://s3.amazonaws.com")
    access, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
    if not access or not secret:
        raise ConfigError("an s3:// landing zone needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_ENDPOINT_URL for MinIO)")
    return _client(endpoint, access, secret, os.environ.get("AWS_REGION", ""))


def _key(rel: str) -> str:
    bucket, prefix = _bucket_prefix()
    return f"{prefix}/{rel}" if prefix else rel


def day_of(moment: dt.datetime) -> dt.date:
    """The landing day (the partition) of something that arrives at `moment`: its date in IST."""
    return moment.astimezone(IST).date()


def partition_dir(source: str, day: dt.date) -> Path:
    return root() / source / day.isoformat()


def _visible(rel_in_partition: str) -> bool:
    parts = rel_in_partition.split("/")
    return not any(p.startswith(".") for p in parts) and not rel_in_partition.endswith(".part")


def list_files(source: str, day: dt.date) -> list[str]:
    """Landed files of one source and day, as paths relative to the landing root, in a stable order.
    Hidden files and `.part` files (a delivery still being written) are not landed yet."""
    if is_remote():
        bucket, prefix = _bucket_prefix()
        base = _key(f"{source}/{day.isoformat()}/")
        out = []
        for obj in s3().list_objects(bucket, prefix=base, recursive=True):
            rel = obj.object_name[len(base):]
            if rel and _visible(rel):
                out.append(f"{source}/{day.isoformat()}/{rel}")
        return sorted(out)
    base = partition_dir(source, day)
    if not base.is_dir():
        return []
    out = []
    for p in sorted(base.rglob("*")):
        rel = p.relative_to(base)
        if p.is_file() and _visible(rel.as_posix()):
            out.append(p.relative_to(root()).as_posix())
    return out


def landing_dates(source: str) -> list[dt.date]:
    if is_remote():
        bucket, _ = _bucket_prefix()
        names = [o.object_name.rstrip("/").rsplit("/", 1)[-1] for o in s3().list_objects(bucket, prefix=_key(f"{source}/"))]
    else:
        base = root() / source
        names = [p.name for p in base.iterdir()] if base.is_dir() else []
    days = []
    for name in names:
        try:
            days.append(dt.date.fromisoformat(name))
        except ValueError:
            continue  # not a date folder: ignored (and reported by the sensor's scan)
    return sorted(days)


def read(rel_path: str) -> bytes:
    if is_remote():
        bucket, _ = _bucket_prefix()
        resp = s3().get_object(bucket, _key(rel_path))
        try:
            return resp.read()
        finally:
            resp.close()
            resp.release_conn()
    return (root() / rel_path).read_bytes()


def stat(rel_path: str) -> tuple[int, int]:
    """(size in bytes, modification time in ns) of a landed file, for change detection."""
    if is_remote():
        bucket, _ = _bucket_prefix()
        st = s3().stat_object(bucket, _key(rel_path))
        return st.size, int(st.last_modified.timestamp() * 1e9)
    st = (root() / rel_path).stat()
    return st.st_size, st.st_mtime_ns


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write(source: str, day: dt.date, name: str, data: bytes) -> str:
    """Land a payload pulled from a server or API. Locally it is written as `<name>.part` and renamed, so
    the loader never sees half a file; on S3 a PUT is atomic. Returns the landing-relative path."""
    rel = f"{source}/{day.isoformat()}/{name}"
    if is_remote():
        bucket, _ = _bucket_prefix()
        s3().put_object(bucket, _key(rel), io.BytesIO(data), len(data))
        return rel
    path = root() / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_bytes(data)
    part.replace(path)
    return rel


def upload_tree(local_root: Path) -> int:
    """Upload every file under `local_root` (laid out as <source>/<day>/...) to the s3:// landing zone."""
    n = 0
    for p in sorted(local_root.rglob("*")):
        if p.is_file():
            rel = p.relative_to(local_root).as_posix()
            source, day, name = rel.split("/", 2)
            write(source, dt.date.fromisoformat(day), name, p.read_bytes())
            n += 1
    return n
