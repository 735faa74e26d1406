"""What the doors cost: strict token checks, rate budgets, and loading hostile files.

    .venv/bin/python benchmarks/bench_doors.py

Prints, each against a baseline measured in the same run:
  1. bearer-token checks per second: the strict JWT verify (canonical encoding, key id, issuer,
     audience, lifetime cap) against a bare HMAC-SHA256 compare of the same bytes (the floor);
  2. rate-budget decisions per second (serving/limits.py Budget.take) against a dict increment;
  3. bronze loads of the 245 hostile files of tests/hostile.py (one load per source) against loading
     the same number of valid files of the same formats.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def per_second(fn, n: int) -> float:
    t = time.perf_counter()
    for _ in range(n):
        fn()
    return n / (time.perf_counter() - t)


def load_all(cells, root: Path) -> float:
    os.environ.update(HASIRU_DATA_DIR=str(root), HASIRU_LAKE_URI=str(root / "lake"), HASIRU_LANDING_DIR=str(root / "landing"))
    from ingestion.bronze import load_partition
    from tests.conftest import land
    from tests.hostile import NOW

    day = dt.date(2026, 11, 25)
    for c in cells:
        land(root, c.source, day + dt.timedelta(days=c.day_offset), c.name, c.data)
    t = time.perf_counter()
    for source in sorted({c.source for c in cells}):
        for offset in (0, 1):
            load_partition(source, day + dt.timedelta(days=offset), now=NOW)
    return time.perf_counter() - t


def main() -> None:
    from serving.api import tokens
    from serving.limits import Budget
    from tests.hostile import all_cells

    secret = b"k" * 48
    token = tokens.issue("U0000001", secret)
    strict = per_second(lambda: tokens.verify(token, secret), 20_000)
    body = token.rsplit(".", 1)[0].encode()
    sig = hmac.new(secret, body, hashlib.sha256).digest()
    floor = per_second(lambda: hmac.compare_digest(hmac.new(secret, body, hashlib.sha256).digest(), sig), 20_000)
    print(f"token checks: strict JWT {strict:,.0f}/s; floor (bare HMAC-SHA256 compare) {floor:,.0f}/s; "
          f"ratio ours/floor {strict / floor:.2f} ({1e6 / strict:.0f} us a request)")
    budget, counts = Budget(10**9), {}
    keys = [f"k{i % 1000}" for i in range(100_000)]
    it = iter(keys * 3)
    ours = per_second(lambda: budget.take(next(it)), 200_000)
    it2 = iter(keys * 3)
    base = per_second(lambda: counts.__setitem__(k := next(it2), counts.get(k, 0) + 1), 200_000)
    print(f"rate budgets: {ours:,.0f} decisions/s; floor (dict increment) {base:,.0f}/s; ratio ours/floor {ours / base:.2f}")
    cells = all_cells()
    hostile_s = load_all(cells, Path(tempfile.mkdtemp(prefix="bench-hostile-")))
    valid = {c.fmt: c for c in cells if c.cls == "valid"}
    same = [type(c)(c.fmt, "valid", c.source, c.name.replace(c.cls, f"valid{i}") if c.cls in c.name else f"v{i}_{c.name}",
                    valid[c.fmt].data + "\n".encode() * (i + 1), valid[c.fmt].kept) for i, c in enumerate(cells)]
    valid_s = load_all(same, Path(tempfile.mkdtemp(prefix="bench-valid-")))
    mb = sum(len(c.data) for c in cells) / 1e6
    print(f"hostile files: {len(cells)} files ({mb:,.1f} MB) loaded in {hostile_s:.2f} s; floor ({len(same)} valid files "
          f"of the same formats) {valid_s:.2f} s; ratio floor/ours {valid_s / hostile_s:.2f}")


if __name__ == "__main__":
    main()
