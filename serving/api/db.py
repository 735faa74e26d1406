"""Read connections to the published API database that follow republishes.

`publish` renames a new file over the old one. Each request takes a cursor on the connection to the
file that is current when it starts; a request already running keeps reading the version it opened,
so a republish during requests causes no errors and no mixed versions within a request.

DuckDB keeps one database instance per path in a process: connecting to the same path again while
the old connection is alive returns the *old* file. So each version is opened through its own hard
link (`.readers/<file>.<inode>.<pid>`), which also keeps that version's data alive while it is read;
the link is removed when the next version is opened (the open file stays readable until closed).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb

from serving import lookups


class NotPublished(RuntimeError):
    pass


class Version:
    """One published file, open: its connection, its SQLite lookups (serving/lookups.py) and, in memory,
    who may see what (principals, and the owner and FPO of every farm and farmer), which every request
    checks before reading data."""

    def __init__(self, con: duckdb.DuckDBPyConnection, published: Path):
        self.con = con
        self.version = con.sql("select version from _serving_meta").fetchall()[0][0]
        side = lookups.path_for(published, self.version)
        # the API's routes need it (serving/api/app.py says so when it is missing); the FPO app reads DuckDB only
        self.lookups = lookups.connect(side) if side.exists() else None
        self.principals = {u: (r, f, o) for u, r, f, o in con.sql("select user_id, role, farmer_id, fpo_id from api_principals").fetchall()}
        farms = con.sql("select farm_id, farmer_id, fpo_id from api_farms").fetchall()
        self.farm_owner = {a: (b, c) for a, b, c in farms}
        self.farmer_fpo = {b: c for _, b, c in farms}
        self.farmer_fpo.update({f: o for _, f, o in self.principals.values() if f is not None and f not in self.farmer_fpo})

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.con.cursor()

    def rows(self, sql: str, params: list | None = None) -> list[dict]:
        """A query's rows as dicts, on a cursor of its own (connections are shared across threads)."""
        cur = self.cursor()
        try:
            cur.execute(sql, params or [])
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, row)) for row in cur.fetchall()]
        finally:
            cur.close()

    def lookup(self, sql: str, params: list | dict | None = None) -> list[dict]:
        """A point lookup on the version's SQLite copy of a LOOKUP_TABLES table, rows as dicts."""
        if self.lookups is None:
            raise NotPublished(f"no lookups file for version {self.version}: it was published by an older release (run `hasiru publish`)")
        return [dict(r) for r in self.lookups.execute(sql, params or [])]

    def frame(self, sql: str, params: list | None = None):
        """A query's result as a pandas DataFrame, on a cursor of its own."""
        cur = self.cursor()
        try:
            return cur.execute(sql, params or []).df()
        finally:
            cur.close()


class ServingDB:
    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._current: Version | None = None
        self._inode: int | None = None
        self._link: Path | None = None
        self._readers = path.parent / ".readers"
        self._remove_stale_links()

    def _remove_stale_links(self) -> None:
        if not self._readers.is_dir():
            return
        for link in self._readers.glob(f"{self.path.name}.*.*"):
            pid = link.name.rsplit(".", 1)[1]
            if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                link.unlink(missing_ok=True)

    def _open_current(self) -> None:
        self._readers.mkdir(exist_ok=True)
        inode = os.stat(self.path).st_ino
        link = self._readers / f"{self.path.name}.{inode}.{os.getpid()}"
        try:
            os.link(self.path, link)
        except FileExistsError:
            pass
        version = Version(duckdb.connect(str(link), read_only=True), self.path)
        old, self._link = self._link, link
        # the previous version is dropped, not closed: requests still using it finish first
        self._current, self._inode = version, os.stat(link).st_ino
        if old is not None and old != link:
            old.unlink(missing_ok=True)

    def current(self) -> Version:
        try:
            inode = os.stat(self.path).st_ino
        except FileNotFoundError:
            raise NotPublished(f"{self.path}: not published yet (run `hasiru publish`)") from None
        if inode != self._inode or self._current is None:
            with self._lock:
                if inode != self._inode or self._current is None:
                    self._open_current()
        return self._current

    def version(self) -> str:
        return self.current().version
