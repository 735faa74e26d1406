"""Every source format x every class of damage (tests/hostile.py), loaded the way production loads:
the load finishes, every file is accounted for (read = written + quarantined), every valid row of
every file reaches bronze, and each bad row or file is quarantined with a reason naming the problem."""

import collections
import datetime as dt
import re

import pytest

from ingestion.bronze import load_partition
from ingestion.sources import source
from lake import delta_io
from lake.catalog import LOAD_LOG, quarantine_table, table
from tests.conftest import land, world_env
from tests.hostile import CLASSES, NOW, all_cells

DAY = dt.date(2026, 11, 25)
CELLS = all_cells()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    mp = world_env(root)
    try:
        for c in CELLS:
            land(root, c.source, DAY + dt.timedelta(days=c.day_offset), c.name, c.data)
        reports = {}
        for name in sorted({c.source for c in CELLS}):
            for offset in (0, 1):
                reports[(name, offset)] = load_partition(name, DAY + dt.timedelta(days=offset), now=NOW)
        log = {r["source_file"]: r for r in delta_io.read_arrow(LOAD_LOG).to_pylist()}
        written = collections.Counter()
        for name in sorted({c.source for c in CELLS}):
            for target in source(name).targets:
                t = delta_io.read_arrow(table(target), columns=["source_file"])
                written.update(t["source_file"].to_pylist())
        reasons = collections.defaultdict(list)
        for name in sorted({c.source for c in CELLS}):
            q = delta_io.read_arrow(quarantine_table(name), columns=["source_file", "reason"])
            for f, r in zip(q["source_file"].to_pylist(), q["reason"].to_pylist()):
                reasons[f].append(r)
        yield log, written, reasons
    finally:
        mp.undo()


def _rel(c) -> str:
    return f"{c.source}/{DAY + dt.timedelta(days=c.day_offset)}/{c.name}"


@pytest.mark.parametrize("cell", CELLS, ids=[f"{c.fmt}-{c.cls}" for c in CELLS])
def test_hostile_file(loaded, cell):
    log, written, reasons = loaded
    entry = log[_rel(cell)]
    assert entry["rows_read"] == entry["rows_written"] + entry["rows_quarantined"]
    if cell.duplicate:
        assert entry["status"] == "duplicate" and entry["rows_written"] == 0
        return
    if cell.rejected:
        assert entry["status"] == "rejected" and re.search(cell.rejected, entry["message"]), entry["message"]
        assert reasons[_rel(cell)] == [entry["message"]]  # the file's head is in quarantine, with the reason
        return
    assert entry["status"] == "loaded", entry["message"]
    assert written[_rel(cell)] == entry["rows_written"] == cell.kept, reasons[_rel(cell)]
    got = reasons[_rel(cell)]
    if cell.reason is None:
        assert got == []
    else:
        assert len(got) == (cell.quarantined or 1), got
        assert any(re.search(cell.reason, r) for r in got), got


def test_the_matrix_covers_every_source_family_and_class():
    families = {c.source for c in CELLS}
    assert families == {"sensors", "weather", "mandi_prices", "soil_health", "crop_statistics", "app"}
    covered = {c.cls for c in CELLS}
    assert covered == set(CLASSES), set(CLASSES) ^ covered
    for fmt in {c.fmt for c in CELLS}:
        mine = {c.cls for c in CELLS if c.fmt == fmt}
        # every format meets the classes that apply to all text: encodings, NUL, huge lines, binary...
        assert {"empty", "truncated", "utf16", "utf16_no_bom", "bom", "nul", "binary", "huge_line", "bare_cr",
                "duplicates", "redelivery", "numbers", "huge_integers"} <= mine, fmt
