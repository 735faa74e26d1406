"""Mandi prices from the data.gov.in Agmarknet API (paged JSON, served by a local server in its wire
format, with a failing page retried), into the same bronze table as the CSV exports, deduplicated with
them in silver; malformed and untracked records quarantined."""

import csv
import datetime as dt
import os
import subprocess
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from ingestion.bronze import load_partition
from ingestion.connectors import SourceUnavailable
from ingestion.connectors.agmarknet_api import RESOURCE, AgmarknetApi
from lake import delta_io
from lake.catalog import table
from simulator.geography import REFERENCE_DIR
from tests.conftest import land
from tests.servers import send_json

DAY = dt.date(2026, 11, 25)
NOW = dt.datetime(2026, 11, 26, 3, 0, tzinfo=dt.timezone.utc)
LANDING_DAY = dt.date(2026, 11, 26)
with (REFERENCE_DIR / "karnataka_mandis.csv").open() as f:
    MARKETS = [r["mandi_name"] for r in csv.DictReader(f)][:40]


def records() -> list[dict]:
    out = [{"state": "Karnataka", "district": "X", "market": m, "commodity": c, "variety": v, "grade": "FAQ",
            "arrival_date": DAY.strftime("%d/%m/%Y"), "min_price": str(1000 + i), "max_price": str(1600 + i),
            "modal_price": str(1300 + i)}
           for i, (m, c, v) in enumerate((m, c, v) for m in MARKETS for c in ("Onion", "Tomato") for v in ("Local", "Hybrid"))]
    out.append({**out[0], "market": "Bad Price Market", "modal_price": "abc"})
    # a market of another state, not in the Karnataka reference: kept as a market of its own, placed
    out.append({**out[0], "state": "Maharashtra", "district": "Nashik", "market": "Lasalgaon"})
    out.append({**out[0], "commodity": "Saffron"})
    bad = dict(out[0])
    del bad["modal_price"]
    out.append(bad)
    return out


@pytest.fixture
def api():
    data = records()
    state = {"calls": 0, "fail_offset_once": 100}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            q = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
            state["calls"] += 1
            if url.path != f"/resource/{RESOURCE}" or q.get("api-key") != "k":
                return send_json(self, 403, {"message": "invalid api key"})
            offset, limit = int(q["offset"]), int(q["limit"])
            if offset == state["fail_offset_once"]:
                state["fail_offset_once"] = None
                return send_json(self, 502, b"")
            assert q["filters[arrival_date]"] == DAY.strftime("%d/%m/%Y") and q["filters[state.keyword]"] == "Karnataka"
            page = data[offset:offset + limit]
            send_json(self, 200, {"total": len(data), "count": len(page), "limit": str(limit), "offset": str(offset),
                                  "records": page})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", state, len(data)
    server.shutdown()


def test_pages_land_once_and_silver_keeps_one_row_per_key_across_api_and_csv(lake_env, api):
    url, state, n = api
    client = AgmarknetApi(url, "k", page_size=50, backoff_s=0.01)
    got = client.fetch_day(DAY, now=NOW)
    assert got["records"] == n and got["pages"] == 4  # 164 records, 50 a page; the 502 at offset 100 was retried
    # the CSV export of the same day overlaps for five markets' local onion, with arrivals
    rows = "".join(f"{m},{DAY:%d/%m/%Y},12.5,Local,900,1500,1250,\n" for m in MARKETS[:5])
    land(lake_env, "mandi_prices", LANDING_DAY, f"onion__agmarknet_{DAY}.csv",
         ("Market,Arrival Date,Arrivals (Tonnes),Variety,Minimum Price(Rs./Quintal),Maximum Price(Rs./Quintal),"
          "Modal Price(Rs./Quintal),\n" + rows).encode())
    report = load_partition("mandi_prices", LANDING_DAY, now=NOW)
    assert report.total("rows_quarantined") == 3 and report.total("rows_read") == n + 5
    q = delta_io.read_arrow(table("bronze.quarantine_mandi_prices")).to_pylist()
    reasons = " | ".join(r["reason"] for r in q)
    assert "not tracked: Saffron" in reasons and "lacks ['modal_price']" in reasons and "modal_price_rs_per_qtl" in reasons
    bronze = delta_io.read_arrow(table("bronze.mandi_prices")).to_pylist()
    assert {r["source_format"] for r in bronze} == {"agmarknet_api", "agmarknet_export"}

    from transform.dbt_env import DBT_PROJECT_DIR, dbt_env
    done = subprocess.run([str(Path(sys.executable).parent / "dbt"), "build", "--select", "+stg_mandi_prices__prices", "--quiet"],
                          cwd=DBT_PROJECT_DIR, env={**os.environ, **dbt_env()}, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:]
    from hasiru.config import settings
    with duckdb.connect(str(settings().warehouse_path), read_only=True) as w:
        dup = w.sql("select count(*) - count(distinct (mandi_key, commodity, variety, arrival_date)) from main.stg_mandi_prices__prices").fetchall()
        assert dup == [(0,)]
        onion_local = w.sql("select count(*), count(arrivals_tonnes) from main.stg_mandi_prices__prices "
                            "where commodity = 'onion' and variety = 'Local'").fetchall()[0]
        assert onion_local == (41, 5)  # one row per market, arrivals from the CSV where it had them
        lasalgaon = w.sql("select mandi_key, mandi_code, market_state, market_district from main.stg_mandi_prices__prices "
                          "where market_as_reported = 'Lasalgaon'").fetchall()
        assert lasalgaon == [("market:lasalgaon", None, "Maharashtra", "Nashik")]


def test_an_unavailable_api_lands_nothing(lake_env, api):
    url, state, _ = api
    with pytest.raises(SourceUnavailable, match="HTTP 403"):
        AgmarknetApi(url, "wrong", backoff_s=0.01).fetch_day(DAY, now=NOW)
    assert not (lake_env / "landing" / "mandi_prices").exists()
