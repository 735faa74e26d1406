"""Fetching a pinned file once at set-up: download to a temporary name, check its SHA-256, then move it in.

A file already there with the right digest is not fetched again, so a second set-up needs no network;
a download whose digest differs is deleted and refused by name (never installed half-checked).
"""

from __future__ import annotations

import hashlib
import urllib.request
from pathlib import Path


class DownloadRefused(RuntimeError):
    """The download's digest is not the pinned one."""


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def fetch_verified(url: str, path: Path, digest: str, log=print) -> Path:
    """`path` holding the bytes of `url` whose SHA-256 is `digest`; fetched only when missing or damaged."""
    if path.exists() and sha256(path) == digest:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    log(f"fetching {url}")
    tmp = path.with_name(path.name + ".part")
    with urllib.request.urlopen(url, timeout=120) as resp, open(tmp, "wb") as out:
        while chunk := resp.read(1 << 20):
            out.write(chunk)
    got = sha256(tmp)
    if got != digest:
        tmp.unlink()
        raise DownloadRefused(f"{url}: SHA-256 {got} is not the pinned {digest}; not installed")
    tmp.replace(path)
    return path
