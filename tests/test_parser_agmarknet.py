import datetime as dt
import re

import pyarrow as pa

import pyarrow.compute as pc
import pytest

from ingestion.parsed import FileRejected
from ingestion.parsers import agmarknet
from tests.conftest import REAL

TODAY = dt.date(2026, 11, 26)
HEADER = ("Market,Arrival Date,Arrivals (Tonnes),Variety,Minimum Price(Rs./Quintal),Maximum Price(Rs./Quintal),"
          "Modal Price(Rs./Quintal),\n")


def parse(text: str | bytes, name="tomato__test.csv"):
    data = text.encode() if isinstance(text, str) else text
    p = agmarknet.parse(data, name, TODAY)
    return p, p.tables.get(agmarknet.TARGET), p.rejects.table()


def reasons(rej):
    return dict(zip(rej["source_row"].to_pylist(), rej["reason"].to_pylist()))


def test_real_export_keeps_binny_mill_rows_and_forward_fills_markets():
    raw = (REAL / "tomato__agmarknet_export_2016_01.csv").read_bytes()
    p, t, rej = parse(raw, "tomato__agmarknet_export_2016_01.csv")
    body_lines = len(raw.decode().strip().splitlines()) - 1
    assert p.rows_read == body_lines == t.num_rows + rej.num_rows
    binny = t.filter(pc.equal(t["market"], "Binny Mill (F&V), Bangalore"))
    binny_lines = [i for i, ln in enumerate(raw.decode().splitlines(), 1) if ln.startswith("Binny Mill (F&V), Bangalore,")]
    assert binny_lines and binny_lines[0] in binny["source_row"].to_pylist()
    first = binny.filter(pc.equal(binny["source_row"], binny_lines[0])).to_pylist()[0]
    assert (first["arrival_date"], first["modal_price_rs_per_qtl"]) == (dt.date(2016, 1, 1), 3200.0)
    # rows after Binny Mill's first row (market left blank) belong to Binny Mill, not to the market before
    assert binny.num_rows > 1
    # the first data row names Bagepalli and the next 16 rows inherit it
    assert t.filter(pc.equal(t["market"], "Bagepalli")).num_rows == 17
    assert set(t["commodity"].to_pylist()) == {"tomato"}
    assert set(t["source_format"].to_pylist()) == {"agmarknet_export"}
    assert all(r["reason"] == "arrival_date: missing" for r in rej.to_pylist())


def test_real_monthly_file_keeps_blank_prices_and_quarantines_rows_without_date():
    raw = (REAL / "onion__wholesale_2006_01.csv").read_bytes()
    p, t, rej = parse(raw, "onion__wholesale_2006_01.csv")
    assert p.rows_read == t.num_rows + rej.num_rows == len(raw.decode().strip().splitlines()) - 1
    blank = t.filter(pc.is_null(t["modal_price_rs_per_qtl"]))
    assert blank.num_rows == raw.decode().count(",,,\n") + raw.decode().count(",,,\r\n")  # arrivals but no prices
    assert {r["raw"].split(",")[0] for r in rej.to_pylist()} >= {"BELGAUM"}
    assert set(reasons(rej).values()) == {"arrival_date: missing"}


def test_bad_rows_go_to_quarantine_with_reasons_and_good_rows_stay():
    text = HEADER + "\n".join([
        "Kolar,20/11/2026,12,Hybrid,1000,2000,1500,",     # 2 good
        ",20/11/2026,3,Local,-10,2000,1500,",              # 3 negative price
        ",20/11/2026,3,Local,abc,2000,1500,",              # 4 not a number
        ",31/02/2026,3,Local,900,2000,1500,",              # 5 impossible date
        ",20/12/2027,3,Local,900,2000,1500,",              # 6 future
        ",20/11/2026,3,Local,900",                        # 7 truncated row
        "Kolar,20/11/2026,12,Hybrid,1000,2000,1500,",     # 8 exact duplicate of 2
        "Malur,21/11/2026,4,Hybrid,1100,2100,1600,",      # 9 good
    ])
    p, t, rej = parse(text)
    assert t["source_row"].to_pylist() == [2, 9]
    r = reasons(rej)
    assert "below 0" in r[3] and "min_price_rs_per_qtl" in r[3]
    assert r[4] == "min_price_rs_per_qtl: not a number 'abc'"
    assert "not a date" in r[5] and "in the future" in r[6]
    assert r[7].startswith("expected 8 fields, found 5")
    assert r[8] == "duplicate of row 2 in the same file"
    assert p.rows_read == 8


def test_forward_fill_never_crosses_a_rejected_row():
    text = HEADER + "Kolar,20/11/2026,12,Hybrid,1000,2000,1500,\nMalur,20/11/2026,4\n,20/11/2026,5,Local,900,1900,1400,\n"
    p, t, rej = parse(text)
    assert t["market"].to_pylist() == ["Kolar"]
    assert reasons(rej)[4] == "market: blank, and the row that would name it was rejected"


def test_a_line_in_another_encoding_is_rejected_alone():
    data = (HEADER + "Kolar,20/11/2026,12,Hybrid,1000,2000,1500,\n").encode() + "Hosakote Caf\xe9,20/11/2026,1,Local,1,2,1,\n".encode("cp1252")
    p, t, rej = parse(data)
    assert t.num_rows == 1 and rej.num_rows == 1
    assert "not valid UTF-8" in rej["reason"][0].as_py() and rej["source_row"][0].as_py() == 3


def test_utf16_and_bom_files_are_read():
    text = HEADER + "Kolar,20/11/2026,12,Hybrid,1000,2000,1500,\n"
    assert parse(text.encode("utf-16"))[1].num_rows == 1
    assert parse(b"\xef\xbb\xbf" + text.encode())[1].num_rows == 1


@pytest.mark.parametrize("data,name,match", [
    (b"", "tomato__x.csv", "empty file"),
    (b"foo,bar\n1,2\n", "tomato__x.csv", "unrecognised header"),
    (HEADER.encode(), "prices.csv", "must start with the commodity"),
])
def test_whole_file_problems_are_clear_errors(data, name, match):
    with pytest.raises(FileRejected, match=match):
        agmarknet.parse(data, name, TODAY)


def test_header_only_file_has_no_rows():
    p, t, rej = parse(HEADER)
    assert (p.rows_read, t.num_rows, rej.num_rows) == (0, 0, 0)


def test_real_export_second_variety_takes_the_date_from_the_row_above():
    """Real January 2016 export: Hoskote's 'Tomato' row of 18/01/2016 (after its 'Hybrid' row) leaves the
    date and arrivals blank; it is a valid price row of that day, not a reject."""
    raw = (REAL / "tomato__agmarknet_export_2016_01.csv").read_bytes()
    p, t, rej = parse(raw, "tomato__agmarknet_export_2016_01.csv")
    lines = raw.decode().splitlines()
    blank = [i for i, ln in enumerate(lines, 1) if ln.startswith(",,,")]
    assert blank, "the real slice holds a blank-dated second variety"
    row = t.filter(pc.is_in(t["source_row"], pc.cast(pa.array(blank), "int64"))).to_pylist()
    assert [(r["market"], r["arrival_date"], r["variety"], r["modal_price_rs_per_qtl"], r["arrivals_tonnes"]) for r in row] == [
        ("Hoskote", dt.date(2016, 1, 18), "Tomato", 2300.0, None)]
    assert not any("arrival_date" in r for r in rej["reason"].to_pylist())


def test_a_blank_date_is_read_from_above_only_for_another_variety_of_the_same_block():
    p, t, rej = parse(HEADER + "Kolar,02/11/2026,10,Hybrid,1000,1200,1100,\n"
                      ",,,Local,800,1000,900,\n"  # second variety, same market and day: kept, 02/11
                      ",,,Local,700,900,800,\n"  # the same variety again: not a second variety
                      "Malur,,4,Hybrid,900,1100,1000,\n")  # names its market but no date: nothing to read it from
    assert [(r["market"], r["arrival_date"], r["variety"]) for r in t.to_pylist()] == [
        ("Kolar", dt.date(2026, 11, 2), "Hybrid"), ("Kolar", dt.date(2026, 11, 2), "Local")]
    why = reasons(rej)
    assert "same variety" in why[4] and why[5] == "arrival_date: missing"


def test_two_digit_years_in_monthly_files_are_read_like_four_digit_ones():
    """The real 2006 onion file with its dates rewritten dd/mm/yy (as one state's files come) keeps every row."""
    raw = (REAL / "onion__wholesale_2006_01.csv").read_text()
    short = re.sub(r"(\d{2}/\d{2}/)20(\d{2})", r"\1\2", raw)
    assert short != raw
    _, t4, rej4 = parse(raw, "onion__a.csv")
    _, t2, rej2 = parse(short, "onion__b.csv")
    assert t2.num_rows == t4.num_rows > 0 and rej2.num_rows == rej4.num_rows
    assert t2["arrival_date"].to_pylist() == t4["arrival_date"].to_pylist()
    assert all("not a date" not in r for r in rej2["reason"].to_pylist())


def test_a_blank_date_never_comes_from_the_market_before():
    _, t, rej = parse(HEADER + "Kolar,02/11/2026,10,Hybrid,1000,1200,1100,\n"
                      "Malur,,4,Hybrid,900,1100,1000,\n"  # names its market, no date: quarantined
                      ",,,Local,800,1000,900,\n")  # Malur's second variety: Kolar's date is not Malur's
    assert [(r["market"], r["variety"]) for r in t.to_pylist()] == [("Kolar", "Hybrid")]
    why = reasons(rej)
    assert why[3] == "arrival_date: missing" and "no row of its market's block" in why[4]
