"""Delivery benchmark (issue 7): SMS digests for 200,000 farmers, and the serving API under load.

    .venv/bin/python benchmarks/bench_delivery.py [--farmers 200000] [--clients 100] [--seconds 10]

Builds a lake in a temporary folder from the simulator's population (farmers, farms, crop plans, users,
FPOs), its block weather forecasts, and advisories and price forecasts drawn for every farm and every
mandi x commodity, then:
1. times digest.build (inputs query + rendering + segment budget) and the outbox write for one digest
   day; the floor is one f-string per farmer with a fixed text (the cost of touching every farmer in
   Python at all);
2. publishes the API database, starts `hasiru serve` (uvicorn, one worker) and, next to it, the same
   server stack answering a constant response (the floor), and drives each with benchmarks/loadgen.py
   from a separate process: 100 keep-alive clients over a mix of the API's routes (closed loop), then
   requests arriving on a fixed schedule at 500 and 2,000 a second (open loop, `--rates`), latency
   counted from each request's scheduled time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.compute as pc  # noqa: E402

DAY = dt.date(2026, 11, 24)
SECRET = "b" * 40


def build_lake(n_farmers: int) -> dict:
    from lake import delta_io
    from lake.catalog import TableSpec
    from lake.tables import FARM_ADVISORIES, LOAD_LOG, PRICE_FORECASTS
    from ml.advisories.pest_risk import THREATS
    from simulator.geography import geography
    from simulator.population import build_population
    from simulator.weather import simulate_weather

    def write(name, table):
        delta_io.replace_all(TableSpec(name, table.schema, ""), table)

    def with_false(table, col="is_deleted"):
        return table.append_column(col, pa.array(np.zeros(table.num_rows, dtype=bool)))

    rng = np.random.default_rng(7)
    pop = build_population(7, n_farmers, DAY - dt.timedelta(days=7))
    t = pop.tables
    write("silver.app__farmers", with_false(t["farmers"].drop_columns(["deleted_at"])))
    write("silver.app__farms", with_false(t["farms"]))
    write("silver.app__crop_plans", with_false(t["crop_plans"]))
    write("silver.app__users", with_false(t["users"].drop_columns(["deleted_at"])))
    write("silver.app__fpos", t["fpos"])
    write("silver.app__fpo_memberships", t["fpo_memberships"])
    # what dbt's stg_app__current_memberships makes of them (the simulator gives a farmer at most one membership)
    write("silver.app__current_memberships", t["fpo_memberships"].filter(pc.equal(t["fpo_memberships"]["status"], "active"))
          .select(["farmer_id", "fpo_id", "membership_id", "joined_on"]))

    # what the FPO app reads besides: certification applications and steps, one reading per sensor
    farmers_t = t["farmers"].to_pandas()
    members = t["fpo_memberships"].to_pandas().drop_duplicates("farmer_id").set_index("farmer_id")["fpo_id"]
    applicants = farmers_t["farmer_id"][rng.random(len(farmers_t)) < 0.02].tolist()
    steps = ["submitted", "documents_verified", "inspection_scheduled", "inspected", "certified"]
    apps = [{"application_id": f"CA{i:07d}", "farmer_id": f, "fpo_id": members.get(f), "scheme": "PGS-India",
             "applied_on": DAY - dt.timedelta(days=int(rng.integers(5, 200))), "status": steps[int(rng.integers(0, 5))],
             "is_deleted": False} for i, f in enumerate(applicants)]
    write("silver.app__certification_applications", pa.Table.from_pylist(apps))
    write("silver.app__certification_status_events", pa.Table.from_pylist([
        {"event_id": f"E{i:07d}", "application_id": a["application_id"], "status": a["status"],
         "event_at": dt.datetime.combine(a["applied_on"] + dt.timedelta(days=3), dt.time(), dt.timezone.utc)} for i, a in enumerate(apps)]))
    sensor_farms = t["farms"]["farm_id"].to_numpy()[pop.sensor_farm]
    write("silver.sensors__readings", pa.table({
        "sensor_id": pop.sensor_ids, "farm_id": sensor_farms,
        "reading_ts_utc": pa.array([dt.datetime.combine(DAY, dt.time(6), dt.timezone.utc)] * len(sensor_farms)),
        "soil_moisture_vwc_pct": rng.uniform(5, 40, len(sensor_farms)), "battery_v": rng.uniform(3.0, 4.1, len(sensor_farms))}))
    n = len(sensor_farms)
    write("gold.fct_sensor_daily", pa.table({
        "sensor_id": pop.sensor_ids, "date_day": pa.array([DAY] * n), "is_stuck_day": rng.random(n) < 0.02,
        "has_spikes": rng.random(n) < 0.02, "is_low_battery": rng.random(n) < 0.05}))

    weather = simulate_weather(7, DAY - dt.timedelta(days=2), 3)
    blocks = [b["block_code"] for b in geography().blocks]
    issued = dt.datetime.combine(DAY, dt.time(0, 30), dt.timezone.utc)
    rows = [{"block_code": b, "issued_at": issued, "issued_date_ist": DAY, "forecast_date": DAY + dt.timedelta(days=k),
             "lead_days": k, "rain_mm": float(weather.rain_mm[i, 2 + k]) * (8 if i % 40 == 0 else 1),  # a few storms
             "temp_max_c": float(weather.tmax[i, 2 + k]), "temp_min_c": float(weather.tmin[i, 2 + k]),
             "wind_speed_m_s": float(weather.wind_m_s[i, 2 + k])}
            for i, b in enumerate(blocks) for k in (1, 2, 3)]
    write("silver.weather__forecasts", pa.Table.from_pylist(rows))

    farms = t["farms"].to_pandas()
    plans = t["crop_plans"].to_pandas()
    crop_of = plans.sort_values("sowing_date").drop_duplicates("farm_id", keep="last").set_index("farm_id")["crop"]
    now = dt.datetime.now(dt.timezone.utc)
    reasons = rng.choice(["IRRIGATE", "NO_DEFICIT", "RAIN_EXPECTED", "RAINFED"], len(farms), p=[0.35, 0.35, 0.05, 0.25])
    adv = [{"farm_id": f, "advisory_date": DAY, "advisory_type": "irrigation", "severity": "medium", "reason_code": r,
            "amount_mm": float(rng.uniform(5, 40)) if r == "IRRIGATE" else 0.0, "inputs": "{}", "model_version": "bench",
            "generated_at": now} for f, r in zip(farms["farm_id"], reasons)]
    by_crop = {c: th for th in THREATS for c in th.crops}
    for f in farms["farm_id"][rng.random(len(farms)) < 0.3]:
        th = by_crop.get(crop_of.get(f))
        if th:
            adv.append({"farm_id": f, "advisory_date": DAY, "advisory_type": f"pest_risk_{th.name}", "severity": "high",
                        "reason_code": th.reason_code, "amount_mm": None,
                        "inputs": json.dumps({"threat": th.name, "crop": crop_of[f]}), "model_version": "bench", "generated_at": now})
    write("gold.farm_advisories", pa.Table.from_pylist(adv, schema=FARM_ADVISORIES.schema))

    mandis = geography().mandis
    commodities = sorted(set(plans["crop"]))
    fc, prices = [], []
    for m in mandis:
        for c in commodities:
            base = float(rng.uniform(1500, 9000))
            prices.append({"mandi_key": m["mandi_code"], "commodity": c, "arrival_date": DAY - dt.timedelta(days=1),
                           "modal_price_rs_per_qtl": base, "min_price_rs_per_qtl": base * 0.9, "max_price_rs_per_qtl": base * 1.1,
                           "arrivals_tonnes": 10.0, "is_outlier": False})
            for h in range(1, 31):
                fc.append({"series_id": f"{m['mandi_code']}|{c}", "mandi_key": m["mandi_code"], "commodity": c,
                           "forecast_date": DAY - dt.timedelta(days=1) + dt.timedelta(days=h), "horizon": h, "yhat": base,
                           "lo80": base * 0.93, "hi80": base * 1.07, "lo95": base * 0.9, "hi95": base * 1.1, "model": "naive",
                           "is_champion": True, "trained_from": DAY - dt.timedelta(days=400),
                           "trained_through": DAY - dt.timedelta(days=1), "model_version": "bench", "generated_at": now})
    write("gold.price_forecasts", pa.Table.from_pylist(fc, schema=PRICE_FORECASTS.schema))
    write("gold.fct_mandi_prices_daily", pa.Table.from_pylist(prices))
    write("gold.dim_mandi", pa.Table.from_pylist([{"mandi_code": m["mandi_code"], "mandi_name": m["mandi_name"], "district": m["district"],
                                                   "lat": float(m["lat"]), "lon": float(m["lon"])} for m in mandis]))
    fpos = t["fpos"].to_pylist()
    write("gold.mart_fpo_overview", pa.Table.from_pylist([
        {"fpo_id": f["fpo_id"], "fpo_name": f["name"], "district": f["district"], "crop_year": 2026, "season": "rabi", "crop": c,
         "farms": 10, "area_acres": 20.0, "harvest_due_30d_acres": 5.0, "next_harvest_date": DAY + dt.timedelta(days=20),
         "members_active": 100, "orders_30d": 5, "revenue_30d_rs": 5000.0, "applications_certified": 1, "applications_open": 2,
         "applications_rejected": 0} for f in fpos for c in commodities[:5]]))
    # the lake was last loaded on DAY: the serving tables' as-of day
    write("ops.load_log", pa.Table.from_pylist([{"source": "app", "source_file": f"app/{DAY}/x", "file_sha256": "0" * 64,
                                                 "file_bytes": 1, "rows_read": 1, "rows_written": 1, "rows_quarantined": 0,
                                                 "status": "loaded", "message": None, "load_id": "bench", "loaded_at": now,
                                                 "landing_date": DAY}], schema=LOAD_LOG.schema))
    return {"farms": len(farms), "advisories": len(adv), "forecast_rows": len(fc)}


def floor_render(rows: list[dict]) -> int:
    n = 0
    for r in rows:
        text = f"Hasiru Mitra 24/11: {r['language']} advice for farmer {r['farmer_id']}."
        n += len(text) > 160
    return n


def serve(args: list[str], port: int, env: dict) -> subprocess.Popen:
    import httpx

    proc = subprocess.Popen(args + ["--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"server on port {port} did not start: {args}")


def load(urls: list[str], clients: int, seconds: float, headers: list[str], rate: float | None = None) -> dict:
    cmd = [sys.executable, str(ROOT / "benchmarks" / "loadgen.py"), "--clients", str(clients), "--seconds", str(seconds)]
    if rate:
        cmd += ["--rate", str(rate)]
    for u in urls:
        cmd += ["--url", u]
    for h in headers:
        cmd += ["--header", h]
    return json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--farmers", type=int, default=200_000)
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--api-workers", type=int, default=1, help="uvicorn processes for the API and the floor")
    ap.add_argument("--rates", default="500,2000", help="open-loop arrival rates, requests a second (comma-separated)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="hasiru-bench-delivery-") as tmp:
        os.environ.update(HASIRU_DATA_DIR=tmp, HASIRU_LAKE_URI=f"{tmp}/lake", HASIRU_LANDING_DIR=f"{tmp}/landing",
                          HASIRU_API_SECRET=SECRET)
        from lake import delta_io
        from lake.tables import SMS_OUTBOX
        from serving.api import tokens
        from serving.publish import api_path, publish_api
        from sms import digest

        t0 = time.perf_counter()
        sizes = build_lake(args.farmers)
        print(f"# delivery benchmark: {args.farmers:,} farmers, {sizes}, {os.cpu_count()} cores; lake built in "
              f"{time.perf_counter() - t0:.1f} s")

        morning = dt.datetime.combine(DAY, dt.time(4, 0), dt.timezone.utc)  # 09:30 IST on the digest day
        t = time.perf_counter()
        digest._inputs(DAY)
        first_s = time.perf_counter() - t  # includes importing dbt (once per process)
        t = time.perf_counter()
        rows = digest._inputs(DAY).to_pylist()
        inputs_s = time.perf_counter() - t
        # floor of the inputs: reading every lake table the digest models read, whole, into Arrow
        from lake.catalog import table as lake_table

        t = time.perf_counter()
        for name in digest.reads():
            delta_io.read_arrow(lake_table(name))
        read_floor_s = time.perf_counter() - t
        t = time.perf_counter()
        floor_render(rows)
        floor_s = time.perf_counter() - t
        t = time.perf_counter()
        batch = digest.build(DAY, digests=True, now=morning)
        build_s = time.perf_counter() - t
        t = time.perf_counter()
        delta_io.merge(SMS_OUTBOX, batch.table(), update=False)
        write_s = time.perf_counter() - t
        segs = np.bincount([r["segments"] for r in batch.rows])
        print(f"digests: {batch.stats}; segments histogram {dict(enumerate(segs.tolist()))}")
        print(f"digest build (inputs + render + budget): {build_s:.1f} s, of which inputs (dbt build of the sms models "
              f"from lake views) {inputs_s:.1f} s (first in the process, with dbt's import: {first_s:.1f} s); "
              f"outbox write {write_s:.1f} s; total {build_s + write_s:.1f} s (goal < 30 s)")
        print(f"floor of the inputs (read every input table whole into Arrow): {read_floor_s:.2f} s; "
              f"ratio floor/ours {read_floor_s / inputs_s:.3f}")
        print(f"floor of the render (one f-string per farmer): {floor_s:.2f} s; ratio floor/ours (render part) "
              f"{floor_s / max(1e-9, build_s - inputs_s):.3f}")

        t = time.perf_counter()
        publish_api()
        publish_s = time.perf_counter() - t
        import duckdb

        # floor: DuckDB copying the published tables' rows into a new file (what any build must at least write)
        t = time.perf_counter()
        with duckdb.connect(str(Path(tmp) / "floor.duckdb")) as c:
            c.execute(f"attach '{api_path()}' as api (read_only)")
            for (name,) in c.sql("select table_name from duckdb_tables() where database_name = 'api'").fetchall():
                c.execute(f'create table "{name}" as select * from api."{name}"')
        copy_s = time.perf_counter() - t
        print(f"API database published (dbt build of the api models from lake views + indexes) in {publish_s:.1f} s; "
              f"floor (copy the same rows) {copy_s:.1f} s; ratio floor/ours {copy_s / publish_s:.3f}")

        with duckdb.connect(str(api_path()), read_only=True) as c:
            admin = c.sql("select user_id from api_principals where role = 'platform_admin' limit 1").fetchall()[0][0]
            farms = [r[0] for r in c.sql("select farm_id from api_farms using sample 50 rows (reservoir, 1)").fetchall()]
            farmers = [r[0] for r in c.sql("select farmer_id from api_farms using sample 50 rows (reservoir, 2)").fetchall()]
            series = c.sql("select distinct mandi_code, commodity from api_price_forecasts limit 50").fetchall()
        header = f"Authorization: Bearer {tokens.issue(admin, SECRET.encode())}"
        # the server's capacity, not its per-caller limits: one token and one address send everything here
        env = {**os.environ, "PYTHONPATH": str(ROOT), "HASIRU_API_RATE_PER_TOKEN": "1000000000",
               "HASIRU_API_RATE_PER_ADDRESS": "1000000000"}
        workers = ["--workers", str(args.api_workers)]
        api = serve([sys.executable, "-m", "hasiru", "serve", *workers], 18431, env)
        floor = serve([sys.executable, "-m", "uvicorn", "benchmarks.floor_app:app", "--no-access-log", *workers], 18432, env)
        try:
            base = "http://127.0.0.1:18431"
            mix = ([f"{base}/v1/farms/{f}/advisories" for f in farms] + [f"{base}/v1/farmers/{f}/digests" for f in farmers]
                   + [f"{base}/v1/forecasts?mandi_code={m}&commodity={c}&days=7" for m, c in series]
                   + [f"{base}/v1/mandis/nearest?lat={12 + i / 10}&lon={76 + i / 20}&limit=5" for i in range(20)])
            results = {
                "api, mixed routes": load(mix, args.clients, args.seconds, [header]),
                "api, farm advisories": load(mix[:50], args.clients, args.seconds, [header]),
                "floor, constant response": load(["http://127.0.0.1:18432/v1/constant"], args.clients, args.seconds, [header]),
            }
            rates = [float(r) for r in args.rates.split(",") if r]
            opened = {}
            for rate in rates:
                opened[f"api, mixed routes @ {rate:,.0f}/s"] = load(mix, 256, args.seconds, [header], rate)
                opened[f"floor, constant @ {rate:,.0f}/s"] = load(["http://127.0.0.1:18432/v1/constant"], 256, args.seconds, [header], rate)
        finally:
            api.terminate()
            floor.terminate()
        print(f"\nAPI ({args.api_workers} uvicorn worker(s)) under {args.clients} concurrent keep-alive clients for "
              f"{args.seconds:.0f} s (load generator in its own process):")
        print(f"{'server':28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for name, r in results.items():
            print(f"{name:28} {r['rps']:8.0f} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['p99_ms']:8.1f} {r['errors']:7d}")
        f, a = results["floor, constant response"], results["api, mixed routes"]
        print(f"ratio api/floor: throughput {a['rps'] / f['rps']:.2f}, p95 {a['p95_ms'] / f['p95_ms']:.2f}x")
        print("\nOpen loop: requests arrive on a fixed schedule (up to 256 connections), latency from the scheduled time "
              "(goal: p95 < 20 ms at 500/s):")
        print(f"{'server @ offered rate':32} {'done/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'conns':>6}")
        for name, r in opened.items():
            print(f"{name:32} {r['rps']:8.0f} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['p99_ms']:8.1f} {r['errors']:7d} {r['connections']:6d}")
        for rate in rates:
            a, f = opened[f"api, mixed routes @ {rate:,.0f}/s"], opened[f"floor, constant @ {rate:,.0f}/s"]
            print(f"@ {rate:,.0f}/s ratio api/floor: p50 {a['p50_ms'] / f['p50_ms']:.2f}x, p95 {a['p95_ms'] / f['p95_ms']:.2f}x, "
                  f"p99 {a['p99_ms'] / f['p99_ms']:.2f}x")


if __name__ == "__main__":
    main()
