"""What the shared rules cost and change: the one distance, and the catalogue lookups readers now make.

    .venv/bin/python benchmarks/bench_rules.py [--points 2000000]

Prints, each against a baseline measured in the same run:
  1. distance_km (dbt/macros/distance_km.sql, haversine, as the DuckDB macro hasiru/sql_functions.py installs)
     over N farm x mandi pairs in Karnataka, against the flat-earth (equirectangular) formula the API and the
     FPO app used before; and how far apart their answers are (km) at the distances farmers travel;
  2. catalogue lookups (lake.catalog.table) of a Python-declared table and of a dbt model (manifest, cached),
     against a plain dict lookup.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

EQUIRECTANGULAR = "6371 * sqrt(pow(radians(lat2 - lat1), 2) + pow(radians(lon2 - lon1) * cos(radians(lat1)), 2))"


def distances(points: int) -> None:
    import duckdb

    from hasiru import sql_functions

    con = sql_functions.install(duckdb.connect())
    con.execute(f"create macro flat_km(lat1, lon1, lat2, lon2) as {EQUIRECTANGULAR}")
    # farms and mandis spread over Karnataka's extent (11.5-18.5 N, 74-78.5 E)
    con.execute(f"""create table pairs as select 11.5 + 7 * random() as lat1, 74 + 4.5 * random() as lon1,
                    11.5 + 7 * random() as lat2, 74 + 4.5 * random() as lon2 from range({points})""")
    timings = {}
    for name in ("distance_km", "flat_km"):
        best = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            con.sql(f"select sum({name}(lat1, lon1, lat2, lon2)) from pairs").fetchall()
            best = min(best, time.perf_counter() - t)
        timings[name] = best
    print(f"1. distance over {points:,} pairs: distance_km {points / timings['distance_km'] / 1e6:.1f} M/s, "
          f"flat-earth (baseline) {points / timings['flat_km'] / 1e6:.1f} M/s; "
          f"ratio {timings['distance_km'] / timings['flat_km']:.2f}x the baseline's time")
    for lo, hi in ((0, 50), (50, 150), (150, 800)):
        err = con.sql(f"""select max(abs(flat_km(lat1, lon1, lat2, lon2) - d)), count(*) from
                          (select *, distance_km(lat1, lon1, lat2, lon2) as d from pairs) where d >= {lo} and d < {hi}""").fetchall()[0]
        print(f"   pairs {lo}-{hi} km apart ({err[1]:,}): the flat-earth formula is off by up to {err[0]:.2f} km")


def lookups(n: int = 200_000) -> None:
    from lake import catalog

    plain = {s.name: s for s in catalog.all_tables()}
    catalog.table("gold.dim_farmer")  # the first lookup reads the manifest
    rows = []
    for name in ("bronze.mandi_prices", "gold.dim_farmer"):
        t = time.perf_counter()
        for _ in range(n):
            catalog.table(name)
        rows.append((name, n / (time.perf_counter() - t)))
    t = time.perf_counter()
    for _ in range(n):
        plain["gold.dim_farmer"]
    base = n / (time.perf_counter() - t)
    print("2. catalogue lookups: " + ", ".join(f"{name} {rate / 1e3:,.0f} k/s" for name, rate in rows)
          + f"; dict (baseline) {base / 1e3:,.0f} k/s; the model lookup takes {base / rows[1][1]:.0f}x the dict's time")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--points", type=int, default=2_000_000)
    args = ap.parse_args()
    print("# Hasiru Mitra shared rules benchmark")
    distances(args.points)
    lookups()


if __name__ == "__main__":
    main()
