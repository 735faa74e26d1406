"""Soil Health Card results for sampled farms, as the soil testing labs' card export (CSV)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np

from simulator.geography import geography
from simulator.population import Population
from simulator.rng import rng_for

SHC_HEADER = ["Card No", "Farm ID", "Sample Date", "District", "Block", "Village", "pH", "EC (dS/m)", "Organic Carbon (%)",
              "Available N (kg/ha)", "Available P (kg/ha)", "Available K (kg/ha)", "Available S (ppm)",
              "Zn (ppm)", "Fe (ppm)", "Cu (ppm)", "Mn (ppm)", "B (ppm)"]
PH_BY_REGION = {"coastal": (5.4, 0.5), "malnad": (5.7, 0.5), "north": (8.0, 0.45), "south": (6.8, 0.6)}


def soil_health_cards(seed: int, pop: Population, start: dt.date) -> bytes:
    geo = geography()
    r = rng_for(seed, "soil")
    n_farms = len(pop.farm_ids)
    sampled = np.nonzero(r.random(n_farms) < 0.6)[0]  # SHC scheme reaches most, not all, farms
    n = len(sampled)
    blocks = pop.farm_block[sampled]
    region = np.array([geo.blocks[b]["agro_region"] for b in blocks])
    mu = np.array([PH_BY_REGION[x][0] for x in region])
    sd = np.array([PH_BY_REGION[x][1] for x in region])
    ph = np.round(np.clip(r.normal(mu, sd), 4.0, 9.8), 1)
    oc = np.round(np.clip(r.lognormal(np.log(0.55), 0.35, n), 0.1, 2.5), 2)
    vals = {
        "ec": np.round(np.clip(r.lognormal(np.log(0.35), 0.5, n), 0.02, 4), 2),
        "n": np.round(np.clip(r.normal(240, 50, n) + 80 * (oc - 0.5), 80, 600)),
        "p": np.round(np.clip(r.lognormal(np.log(22), 0.45, n), 3, 120), 1),
        "k": np.round(np.clip(r.normal(260, 80, n), 60, 800)),
        "s": np.round(np.clip(r.lognormal(np.log(12), 0.4, n), 1, 60), 1),
        "zn": np.round(np.clip(r.lognormal(np.log(0.7), 0.5, n), 0.05, 6), 2),
        "fe": np.round(np.clip(r.lognormal(np.log(6), 0.6, n) * np.where(ph > 7.5, 0.6, 1.5), 0.5, 80), 2),
        "cu": np.round(np.clip(r.lognormal(np.log(0.9), 0.4, n), 0.05, 8), 2),
        "mn": np.round(np.clip(r.lognormal(np.log(5), 0.5, n), 0.3, 60), 2),
        "b": np.round(np.clip(r.lognormal(np.log(0.5), 0.4, n), 0.05, 4), 2),
    }
    sample_days = r.integers(60, 900, n)
    villages = pop.tables["farmers"]["village"].to_numpy(zero_copy_only=False)[pop.farm_farmer[sampled]]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(SHC_HEADER)
    for i, f in enumerate(sampled):
        b = geo.blocks[blocks[i]]
        w.writerow([f"KA/{b['block_code']}/{i + 1:07d}", pop.farm_ids[f], (start - dt.timedelta(days=int(sample_days[i]))).strftime("%d-%m-%Y"),
                    b["district"], b["block"], villages[i], ph[i], vals["ec"][i], oc[i], vals["n"][i], vals["p"][i],
                    vals["k"][i], vals["s"][i], vals["zn"][i], vals["fe"][i], vals["cu"][i], vals["mn"][i], vals["b"][i]])
    return buf.getvalue().encode("utf-8")
