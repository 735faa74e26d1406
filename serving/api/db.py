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


class NotPublished(RuntimeError):
    pass


class ServingDB:
    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
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
        con = duckdb.connect(str(link), read_only=True)
        old, self._link = self._link, link
        # the previous connection is dropped, not closed: cursors still using it finish first
        self._con, self._inode = con, os.stat(link).st_ino
        if old is not None and old != link:
            old.unlink(missing_ok=True)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        try:
            inode = os.stat(self.path).st_ino
        except FileNotFoundError:
            raise NotPublished(f"{self.path}: not published yet (run `hasiru publish`)") from None
        if inode != self._inode or self._con is None:
            with self._lock:
                if inode != self._inode or self._con is None:
                    self._open_current()
        return self._con.cursor()

    def version(self) -> str:
        cur = self.cursor()
        try:
            return cur.execute("select version from _serving_meta").fetchall()[0][0]
        finally:
            cur.close()
