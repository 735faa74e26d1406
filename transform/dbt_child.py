"""`hasiru-dbt`: dbt, bound to the process that started it. Dagster runs dbt as a child process; if
that parent is killed, a plain dbt would keep running and hold the warehouse's lock. This one asks
Linux to send it SIGTERM when its parent dies (prctl PR_SET_PDEATHSIG), then runs dbt's own CLI."""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def main() -> None:
    parent = os.getppid()
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:  # not Linux: no such guard, `hasiru recover` still stops orphans
        pass
    if os.getppid() != parent:  # the parent died before the guard was armed
        sys.exit("hasiru-dbt: the process that started dbt is gone; not running")
    from dbt.cli.main import cli

    sys.argv[0] = "dbt"
    cli()


if __name__ == "__main__":
    main()
