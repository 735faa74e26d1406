"""Progress and result printing for the command line (stderr for progress, stdout for results)."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_t0 = time.monotonic()


def progress(message: str) -> None:
    print(f"[{time.monotonic() - _t0:7.1f}s] {message}", file=sys.stderr, flush=True)


def table(rows: list[tuple], headers: tuple[str, ...]) -> str:
    cells = [tuple(f"{c:,}" if isinstance(c, int) else str(c) for c in r) for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))  # noqa: E731
    return "\n".join([line(headers), line(tuple("-" * w for w in widths))] + [line(r) for r in cells])


def counts(mapping: dict, empty: str = "none") -> str:
    """A mapping as a reader would write it: "IRRIGATE 1,204; NO_DEFICIT 880; too late 3" (numbers with
    separators, fractions to 2 places, codes as they are, other keys in words; nested mappings in
    parentheses), not a Python dict."""
    def value(v) -> str:
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, int):
            return f"{v:,}"
        if isinstance(v, float):
            return f"{v:,.2f}"
        if isinstance(v, dict):
            return f"({counts(v, empty)})"
        return str(v)
    if not isinstance(mapping, dict):
        return str(mapping) if mapping else empty

    def key(k) -> str:
        return str(k) if str(k).isupper() else str(k).replace("_", " ")
    return "; ".join(f"{key(k)} {value(v)}" for k, v in mapping.items()) if mapping else empty


@contextmanager
def heartbeat(report: Callable[[str], None], what: str, every_s: float = 5.0) -> Iterator[None]:
    """While the block runs, say every `every_s` seconds that `what` is still going, so a long step is never
    silent (a parse of every file at once, a fan-out of model fits, which report only when done)."""
    done = threading.Event()
    start = time.monotonic()

    def beat() -> None:
        said = start
        while not done.wait(every_s):
            if time.monotonic() - said >= every_s / 2:  # a starved thread can wake twice at once: say it once
                said = time.monotonic()
                report(f"{what}: still working, {said - start:.0f} s")

    thread = threading.Thread(target=beat, name="heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
