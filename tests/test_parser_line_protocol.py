import datetime as dt
import random
import shutil

import pyarrow.compute as pc
import pytest

from ingestion import native
from ingestion.parsed import FileRejected
from ingestion.parsers import line_protocol as lp


@pytest.fixture(autouse=True, params=["compiled", "python"])
def tokenizer(request, monkeypatch):
    """Every test here runs on both fast paths: the compiled tokenizer and the vectorised Python one."""
    if request.param == "compiled" and native.module() is None:
        pytest.skip("hasiru_native is not built (no cargo at set-up): test_the_compiled_tokenizer_is_built says if it should be")
    monkeypatch.setenv("HASIRU_NATIVE", "1" if request.param == "compiled" else "0")
    return request.param

NOW = dt.datetime(2026, 11, 26, 6, 0, tzinfo=dt.timezone.utc)
TS = 1795500000000000000  # 2026-11-23


def parse(text: str | bytes):
    p = lp.parse(text.encode() if isinstance(text, str) else text, "sensors/x.lp", NOW)
    return p, p.tables[lp.TARGET], p.rejects.table()


def test_points_are_parsed_with_types_and_nanosecond_timestamps():
    p, t, rej = parse(f"soil,farm_id=FM1,sensor_id=SM1 battery_v=4.1,ec_ds_per_m=0.5,soil_moisture_vwc_pct=23.4,soil_temperature_c=21 {TS}\n")
    row = t.to_pylist()[0]
    assert row["sensor_id"] == "SM1" and row["farm_id"] == "FM1" and row["soil_moisture_vwc_pct"] == 23.4
    assert row["reading_ts"] == dt.datetime.fromtimestamp(TS / 1e9, dt.timezone.utc)
    assert rej.num_rows == 0


def test_escapes_integers_comments_and_crlf_take_the_full_parser():
    text = (f"# export header\r\nsoil,sensor_id=SM\\ 1,farm_id=FM\\,9 soil_moisture_vwc_pct=30i {TS}\r\n"
            f"soil,sensor_id=SM2 soil_moisture_vwc_pct=12 {TS}\r\n")
    p, t, rej = parse(text)
    assert sorted(t["sensor_id"].to_pylist()) == ["SM 1", "SM2"]
    assert t.filter(pc.equal(t["sensor_id"], "SM 1"))["farm_id"][0].as_py() == "FM,9"
    assert p.rows_read == 2


@pytest.mark.parametrize("line,reason", [
    (f"soil,sensor_id=S,colour=red soil_moisture_vwc_pct=3 {TS}", "unknown tag 'colour'"),
    (f"soil,sensor_id=S leaf_wetness=3 {TS}", "unknown field 'leaf_wetness'"),
    (f'soil,sensor_id=S soil_moisture_vwc_pct="wet" {TS}', "is a string"),
    (f"soil,sensor_id=S soil_moisture_vwc_pct=true {TS}", "is a boolean"),
    (f"air,sensor_id=S t=1 {TS}", "unknown measurement 'air'"),
    ("soil,sensor_id=S soil_moisture_vwc_pct=3", "no timestamp"),
    (f"soil,sensor_id=S soil_moisture_vwc_pct=6553.5 {TS}", "soil_moisture_vwc_pct: above 100"),
    (f"soil,sensor_id=S soil_temperature_c=-40 {TS}", "soil_temperature_c: below -10"),
    ("soil,sensor_id=S soil_moisture_vwc_pct=3 2999999999999999999", "timestamp in the future"),
    ("soil,sensor_id=S soil_moisture_vwc_pct=3 99999999999999999999", "timestamp out of range"),
    (f"soil,farm_id=F soil_moisture_vwc_pct=3 {TS}", "tag sensor_id: missing"),
    ("soil,sensor_id=S soil_moistu", "truncated line"),
])
def test_bad_points_are_quarantined_with_the_reason(line, reason):
    good = f"soil,sensor_id=OK soil_moisture_vwc_pct=20 {TS}"
    p, t, rej = parse(f"{good}\n{line}\n{good.replace('OK', 'OK2')}\n")
    assert sorted(t["sensor_id"].to_pylist()) == ["OK", "OK2"]
    assert rej.num_rows == 1 and reason in rej["reason"][0].as_py()
    assert rej["source_row"][0].as_py() == 2 and rej["raw"][0].as_py() == line


def test_a_repeated_point_is_a_duplicate_but_a_corrected_value_is_kept_for_silver():
    a = f"soil,sensor_id=S soil_moisture_vwc_pct=20 {TS}"
    p, t, rej = parse(f"{a}\n{a}\n{a.replace('=20 ', '=21 ')}\n")
    assert t.num_rows == 2 and rej["reason"].to_pylist() == ["duplicate of row 1 in the same file"]


def test_simulated_day_parses_and_accounts_for_every_line(tmp_path):
    from simulator.world import build_world

    build_world(tmp_path, seed=3, farmers=300, start=dt.date(2026, 11, 20), days=1)
    data = next((tmp_path / "sensors").rglob("*.lp")).read_bytes()
    p, t, rej = parse(data)
    assert p.rows_read == data.count(b"\n") == t.num_rows + rej.num_rows
    assert t.num_rows > 0.99 * p.rows_read
    assert set(rej["reason"].to_pylist()) <= {"soil_moisture_vwc_pct: above 100: '6553.5'"} | {
        r for r in rej["reason"].to_pylist() if r.startswith("duplicate of row")}


def test_empty_file_is_rejected():
    with pytest.raises(FileRejected, match="empty"):
        lp.parse(b"", "x.lp", NOW)


@pytest.mark.parametrize("line", [
    f"soil,farm_id=F1 sensor_id=S1,soil_moisture_vwc_pct=3 {TS}",  # space where a comma belongs
    f"soil,farm_id=F1,sensor_id=S1 soil_moisture_vwc_pct=3  {TS}",  # two spaces before the timestamp
    f"soil,farm_id=F1,sensor_id=S1 soil_moisture_vwc_pct=3 {TS} 7",  # trailing junk
])
def test_misplaced_separators_in_an_otherwise_clean_file_are_not_accepted(line):
    good = [f"soil,farm_id=F1,sensor_id=S{i} soil_moisture_vwc_pct=3 {TS}" for i in range(5)]
    p, t, rej = parse("\n".join(good[:2] + [line] + good[2:]) + "\n")
    assert t.num_rows == 5 and rej["source_row"].to_pylist() == [3] and rej["raw"][0].as_py() == line


def test_a_file_cut_off_mid_line_keeps_every_whole_line(tmp_path):
    from simulator.world import build_world

    build_world(tmp_path, seed=8, farmers=120, start=dt.date(2026, 11, 20), days=1)
    data = next((tmp_path / "sensors").rglob("*.lp")).read_bytes()
    cut = data[: len(data) * 2 // 3]
    cut = cut[: cut.rfind(b"\n") + 40]  # 40 bytes into a line: the transfer stopped there
    whole_lines = cut.count(b"\n")
    p, t, rej = parse(cut)
    assert p.rows_read == whole_lines + 1
    last = rej.filter(pc.equal(rej["source_row"], whole_lines + 1)).to_pylist()
    assert len(last) == 1 and last[0]["raw"] == cut.rsplit(b"\n", 1)[1].decode()
    assert t.num_rows + rej.num_rows == whole_lines + 1


def test_the_compiled_tokenizer_is_built(tokenizer):
    """Set-up builds native/ where cargo is installed; a machine with cargo and no module lost its speed silently."""
    if shutil.which("cargo") is None:
        pytest.skip("no cargo here: the Python path is the one in use")
    assert native._compiled is not None, "cargo is installed but hasiru_native is not: run scripts/setup.sh"


def _hostile_corpus(seed: int, n: int) -> bytes:
    """Lines of every shape either path must read the same way: plain, reordered, escaped, quoted, typed,
    broken, blank, commented, repeated."""
    rnd = random.Random(seed)
    tags = [f"farm_id=FM{rnd.randint(1, 9)}", f"sensor_id=SM{rnd.randint(1, 30)}"]
    lines = []
    for i in range(n):
        t = list(tags) if rnd.random() < 0.9 else rnd.choice([[], tags[:1], tags[1:], tags + ["colour=red"], tags + tags[1:],
                                                              ["sensor_id=SM\\ 9"], ["sensor_id="], ["farm_id"]])
        t = [f"sensor_id=SM{rnd.randint(1, 30)}" if x.startswith("sensor_id=SM") and not x.endswith("9") else x for x in t]
        rnd.shuffle(t)
        values = [rnd.choice(["23.5", "7", "12i", "3u", "-1.5", "1e2", "nan", "inf", "", "t", "FALSE", '"wet"', "abc",
                              "6553.5", ".5", "5.", "+2", "0x1F"]) if rnd.random() < 0.04 else f"{rnd.uniform(0, 5):.2f}" if rnd.random() < 0.7
                  else repr(rnd.uniform(0, 5)) + rnd.choice(["", "", "0000001", "99999999"])  # nearest-double rounding
                  for _ in range(4)]
        fields = [f"{k}={v}" for k, v in zip(lp.FIELDS, values) if rnd.random() < 0.9]
        if rnd.random() < 0.05:
            fields.append(rnd.choice(["leaf_wetness=3", "battery_v=4.0", "soil_temperature_c=1"]))
        rnd.shuffle(fields)
        ts = str(TS + i) if rnd.random() < 0.9 else rnd.choice(["-5", "12", "99999999999999999999", "17x", "", "2999999999999999999"])
        measurement = "soil" if rnd.random() < 0.95 else rnd.choice(["air", "so\\,il", ""])
        sep = rnd.choice([" "] * 30 + ["  ", "\t", " \t"])
        line = ",".join([measurement, *t]) + " " + ",".join(fields) + sep + ts
        r = rnd.random()
        if r < 0.02:
            line = ""
        elif r < 0.04:
            line = "# " + line
        elif r < 0.05:
            line = "   \t"
        elif r < 0.07 and lines:
            line = rnd.choice(lines)  # a repeat: a duplicate of the earlier row
        elif r < 0.08:
            line = line.replace("FM", "ಫಾರ್ಮ್")  # not ASCII
        lines.append(line)
    return ("\n".join(lines) + rnd.choice(["\n", ""])).encode()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_both_fast_paths_give_the_same_rows_and_rejects(seed, monkeypatch, tokenizer):
    """The compiled tokenizer takes only lines parse_line reads to the same text: on a corpus of every shape,
    both paths accept the same rows (in the same order) and quarantine the same lines with the same reasons."""
    if tokenizer != "compiled":
        pytest.skip("compares the compiled path against the Python one")
    data = _hostile_corpus(seed, 3000)
    compiled_p, compiled_t, compiled_rej = parse(data)
    monkeypatch.setenv("HASIRU_NATIVE", "0")
    python_p, python_t, python_rej = parse(data)
    assert compiled_p.rows_read == python_p.rows_read > 2500
    assert compiled_t.num_rows > 1000 and compiled_rej.num_rows > 300  # the corpus exercises both sides
    key = ["source_row"]
    assert compiled_t.sort_by([(k, "ascending") for k in key]).equals(python_t.sort_by([(k, "ascending") for k in key]))
    assert compiled_rej.sort_by("source_row").to_pylist() == python_rej.sort_by("source_row").to_pylist()


@pytest.mark.parametrize("seed", [5, 6])
def test_duplicates_are_found_exactly_on_either_path(seed, tokenizer):
    """duplicate_of (every source's within-file repeats) against a brute-force reference: each row names
    the first earlier row with the same values, nulls and -0.0 included; the compiled hash table and the
    sort give the same answer."""
    import numpy as np
    import pyarrow as pa

    from ingestion.columns import duplicate_of

    rnd = random.Random(seed)
    n = 20_000
    pool = [(rnd.choice(["a", "b", None, "ಕ"]), rnd.choice([1.5, -0.0, 0.0, None, 2.25]), rnd.randint(0, 40))
            for _ in range(4000)]
    rows = [rnd.choice(pool) for _ in range(n)]
    t = pa.table({"s": [r[0] for r in rows], "f": [r[1] for r in rows], "i": [r[2] for r in rows]})
    numbers = pa.array(np.arange(n) + 10, pa.int64())
    got = duplicate_of(t, ["s", "f", "i"], numbers).to_pylist()
    first: dict = {}
    want = []
    for i, r in enumerate(rows):
        key = (r[0], None if r[1] is None else (r[1], str(r[1])), r[2])  # -0.0 and 0.0 are different values
        want.append(None if first.setdefault(key, i) == i else first[key] + 10)
    assert got == want and sum(w is not None for w in want) > 10_000
