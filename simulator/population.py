"""People and places of the demo world: FPOs, farmers, users, farms, crop plans, products."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from hasiru.config import IST
from hasiru.reference import season_of  # noqa: F401  (the calendar is master data; simulator users import it here)
from simulator.geography import CROPS_BY_REGION, crop_choices, geography
from simulator.rng import rng_for

FIRST_NAMES_KN = ["Basavaraj", "Manjunath", "Shivakumar", "Nagaraj", "Mahadevappa", "Ramesh", "Siddappa", "Chandrashekar",
                  "Hanumanthappa", "Mallikarjun", "Lakshmamma", "Savitha", "Geetha", "Parvathi", "Kavya", "Shobha",
                  "Renuka", "Yallappa", "Veeresh", "Girish", "Shankaregowda", "Puttaswamy", "Channamma", "Bhagya"]
FIRST_NAMES_HI = ["Ramesh", "Suresh", "Rajesh", "Sunita", "Anita", "Mohan", "Santosh", "Pooja", "Vijay", "Rekha"]
SURNAMES = ["Gowda", "Patil", "Naik", "Hegde", "Reddy", "Shetty", "Kulkarni", "Desai", "Hiremath", "Biradar",
            "Angadi", "Kamble", "Swamy", "Rao", "Poojary", "Lamani", "Badiger", "Jadhav", "Talawar", "Madiwalar"]
LANGUAGES = np.array(["kn", "en", "hi"])
LANGUAGE_P = [0.78, 0.12, 0.10]
SOIL_TYPES = {"coastal": ["laterite", "alluvial"], "malnad": ["laterite", "red_loam"],
              "north": ["black_cotton", "red_sandy"], "south": ["red_loam", "red_sandy"]}
IRRIGATION = np.array(["rainfed", "borewell", "canal", "drip", "sprinkler"])
IRRIGATION_P = [0.45, 0.3, 0.1, 0.1, 0.05]
PRODUCTS = [  # organic inputs sold through FPOs: (name, category, unit, price Rs)
    ("Vermicompost", "manure", "50 kg bag", 450), ("Neem cake", "pest_control", "25 kg bag", 900),
    ("Jeevamrutha concentrate", "bio_input", "5 L", 250), ("Trichoderma viride", "bio_fungicide", "1 kg", 180),
    ("Pseudomonas fluorescens", "bio_fungicide", "1 kg", 200), ("Azospirillum", "bio_fertilizer", "1 kg", 120),
    ("Phosphate solubilising bacteria", "bio_fertilizer", "1 kg", 120), ("Neem oil 1500 ppm", "pest_control", "1 L", 420),
    ("Pheromone trap (fall armyworm)", "pest_control", "each", 90), ("Yellow sticky traps", "pest_control", "pack of 10", 150),
    ("Ragi seed (GPU-28)", "seed", "5 kg", 350), ("Paddy seed (MTU-1001)", "seed", "25 kg", 1100),
    ("Tur seed (BRG-5)", "seed", "4 kg", 640), ("Groundnut seed (GPBD-4)", "seed", "30 kg", 3600),
    ("Drip lateral 16 mm", "irrigation", "100 m", 1400), ("Tarpaulin 6x4 m", "equipment", "each", 1250),
]


@dataclass
class Population:
    tables: dict[str, pa.Table]  # app tables (snapshot at the start of the world)
    farm_block: np.ndarray  # block index per farm
    farm_lat: np.ndarray
    farm_lon: np.ndarray
    farm_ids: np.ndarray
    farmer_ids: np.ndarray
    farm_farmer: np.ndarray  # farmer index per farm
    farmer_fpo: np.ndarray  # FPO index per farmer (-1: not a member)
    fpo_ids: np.ndarray
    farm_crop: np.ndarray  # the farm's crop of the current season (commodity key)
    sensor_farm: np.ndarray  # farm index per sensor
    sensor_ids: np.ndarray


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    if n == 0:  # e.g. no farm with a sensor in a tiny world; numpy's zfill fails on an empty array
        return np.array([], dtype=f"<U{len(prefix) + width}")
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width))


def _phones(seed: int, n: int) -> np.ndarray:
    # A bijection on [0, 4e9) keeps numbers unique without sampling from 4e9 values.
    i = np.arange(n, dtype=np.int64)
    x = (i * 2654435761 + (seed * 97_531) % 4_000_000_000) % 4_000_000_000
    return np.char.add("+91", (6_000_000_000 + x).astype(str))


def _ts(base: dt.datetime, seconds: np.ndarray) -> pa.Array:
    us = (int(base.timestamp() * 1e6) + (np.asarray(seconds, dtype=np.int64) * 1_000_000))
    return pa.array(us, pa.int64()).cast(pa.timestamp("us", tz="UTC"))




def build_population(seed: int, n_farmers: int, start: dt.date) -> Population:
    if n_farmers < 1:
        raise ValueError("--farmers must be at least 1")
    geo = geography()
    rng = rng_for(seed, "population")
    n_blocks = len(geo.blocks)
    block_region = np.array([b["agro_region"] for b in geo.blocks])
    block_lat = np.array([b["lat"] for b in geo.blocks])
    block_lon = np.array([b["lon"] for b in geo.blocks])
    block_code = np.array([b["block_code"] for b in geo.blocks])
    block_district = np.array([b["district"] for b in geo.blocks])
    start_dt = dt.datetime.combine(start, dt.time(6, 0), IST)

    # FPOs: about one per 250 farmers, each rooted in one block
    n_fpo = max(1, n_farmers // 250)
    fpo_ids = _ids("FPO", n_fpo, 5)
    fpo_block = rng.integers(0, n_blocks, n_fpo)
    # Farmers: 85% belong to an FPO and live in its block; the rest anywhere
    member = rng.random(n_farmers) < 0.85
    farmer_fpo = np.where(member, rng.integers(0, n_fpo, n_farmers), -1)
    farmer_block = np.where(member, fpo_block[np.maximum(farmer_fpo, 0)], rng.integers(0, n_blocks, n_farmers))
    farmer_ids = _ids("FR", n_farmers, 7)
    lang = LANGUAGES[rng.choice(3, n_farmers, p=LANGUAGE_P)]
    first = np.where(lang == "hi", np.array(FIRST_NAMES_HI)[rng.integers(0, len(FIRST_NAMES_HI), n_farmers)],
                     np.array(FIRST_NAMES_KN)[rng.integers(0, len(FIRST_NAMES_KN), n_farmers)])
    names = np.char.add(np.char.add(first, " "), np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n_farmers)])
    phones = _phones(seed, n_farmers)
    created_s = -rng.integers(30 * 86400, 3 * 365 * 86400, n_farmers)
    n_admins = n_fpo
    user_ids = _ids("U", n_farmers + n_admins + 2, 7)
    farmer_user = user_ids[:n_farmers]
    admin_user = user_ids[n_farmers:n_farmers + n_admins]

    # Farms: 1-3 per farmer (mean ~1.3), near the farmer's block centre
    farms_per = 1 + (rng.random(n_farmers) < 0.25) + (rng.random(n_farmers) < 0.05)
    farm_farmer = np.repeat(np.arange(n_farmers), farms_per)
    n_farms = len(farm_farmer)
    farm_ids = _ids("FM", n_farms, 8)
    farm_block = farmer_block[farm_farmer]
    farm_lat = np.round(block_lat[farm_block] + rng.normal(0, 0.05, n_farms), 5)
    farm_lon = np.round(block_lon[farm_block] + rng.normal(0, 0.05, n_farms), 5)
    area = np.round(np.clip(rng.lognormal(0.6, 0.6, n_farms), 0.2, 40), 2)
    region = block_region[farm_block]
    soil = np.empty(n_farms, dtype=object)
    for reg, kinds in SOIL_TYPES.items():
        m = region == reg
        soil[m] = np.array(kinds)[rng.integers(0, len(kinds), m.sum())]
    irrigation = IRRIGATION[rng.choice(len(IRRIGATION), n_farms, p=IRRIGATION_P)]

    # Crop plans for the three seasons of the crop year that contains `start`
    crop_year = start.year if start.month >= 6 else start.year - 1
    sowing = {"kharif": dt.date(crop_year, 6, 15), "rabi": dt.date(crop_year, 10, 20), "summer": dt.date(crop_year + 1, 2, 10)}
    plan_cols: dict[str, list] = {k: [] for k in ("farm", "season", "crop", "sow", "harvest")}
    current = season_of(start)
    farm_crop = np.empty(n_farms, dtype=object)
    for season in CROPS_BY_REGION["south"]:
        crops = np.empty(n_farms, dtype=object)
        for reg in CROPS_BY_REGION:
            m = region == reg
            names_, p = crop_choices(reg, season)
            crops[m] = np.array(names_)[rng.choice(len(names_), m.sum(), p=p)]
        grows = rng.random(n_farms) < {"kharif": 1.0, "rabi": 0.6, "summer": 0.25}[season]
        if season == current:
            farm_crop[:] = crops  # what the field carries now (fallow fields keep their last crop's sensors)
        idx = np.nonzero(grows)[0]
        sow_off = rng.integers(-10, 25, len(idx))
        plan_cols["farm"].append(idx)
        plan_cols["season"].append(np.full(len(idx), season))
        plan_cols["crop"].append(crops[idx])
        plan_cols["sow"].append(np.datetime64(sowing[season]) + sow_off.astype("timedelta64[D]"))
        plan_cols["harvest"].append(np.datetime64(sowing[season]) + (sow_off + rng.integers(100, 140, len(idx))).astype("timedelta64[D]"))
    pf = np.concatenate(plan_cols["farm"])
    n_plans = len(pf)

    # Sensors: one probe on ~12% of farms (more where farms are irrigated)
    has_sensor = rng.random(n_farms) < np.where(irrigation == "rainfed", 0.06, 0.2)
    sensor_farm = np.nonzero(has_sensor)[0]
    sensor_ids = _ids("SM", len(sensor_farm), 6)

    upd = lambda n: _ts(start_dt, -rng.integers(3600, 20 * 86400, n))  # noqa: E731
    null_ts = pa.nulls(n_farmers, pa.timestamp("us", tz="UTC"))
    tables = {
        "users": pa.table({
            "user_id": user_ids,
            "role": np.concatenate([np.full(n_farmers, "farmer"), np.full(n_admins, "fpo_admin"),
                                    ["platform_admin", "certification_body"]]),
            "phone": np.concatenate([phones, _phones(seed + 1, n_admins + 2)]),
            "language": np.concatenate([lang, np.full(n_admins + 2, "kn")]),
            "created_at": _ts(start_dt, np.concatenate([created_s, -rng.integers(400 * 86400, 900 * 86400, n_admins + 2)])),
            "updated_at": upd(n_farmers + n_admins + 2),
            "deleted_at": pa.nulls(n_farmers + n_admins + 2, pa.timestamp("us", tz="UTC")),
        }),
        "fpos": pa.table({
            "fpo_id": fpo_ids,
            "name": np.char.add(np.array([geo.blocks[i]["block"].title() for i in fpo_block]), " Organic Farmers Producer Company"),
            "district": block_district[fpo_block], "block_code": block_code[fpo_block],
            "registered_on": pa.array(np.datetime64(start) - rng.integers(400, 2500, n_fpo).astype("timedelta64[D]")),
            "admin_user_id": admin_user, "updated_at": upd(n_fpo),
        }),
        "farmers": pa.table({
            "farmer_id": farmer_ids, "user_id": farmer_user, "name": names, "phone": phones, "language": lang,
            "district": block_district[farmer_block], "block_code": block_code[farmer_block],
            "village": np.char.add("Village-", (rng.integers(1, 60, n_farmers)).astype(str)),
            "sms_opt_out": rng.random(n_farmers) < 0.02,
            "created_at": _ts(start_dt, created_s), "updated_at": upd(n_farmers), "deleted_at": null_ts,
        }),
        "fpo_memberships": pa.table({
            "membership_id": _ids("MB", int(member.sum()), 7), "fpo_id": fpo_ids[farmer_fpo[member]],
            "farmer_id": farmer_ids[member],
            "joined_on": pa.array(np.datetime64(start) - rng.integers(20, 900, int(member.sum())).astype("timedelta64[D]")),
            "status": np.where(rng.random(int(member.sum())) < 0.97, "active", "lapsed"),
            "updated_at": upd(int(member.sum())),
        }),
        "farms": pa.table({
            "farm_id": farm_ids, "farmer_id": farmer_ids[farm_farmer], "area_acres": area, "lat": farm_lat, "lon": farm_lon,
            "district": block_district[farm_block], "block_code": block_code[farm_block],
            "soil_type": soil.astype(str), "irrigation": irrigation, "updated_at": upd(n_farms),
        }),
        "crop_plans": pa.table({
            "crop_plan_id": _ids("CP", n_plans, 8), "farm_id": farm_ids[pf], "season": np.concatenate(plan_cols["season"]),
            "crop_year": np.full(n_plans, crop_year), "crop": np.concatenate(plan_cols["crop"]).astype(str),
            "area_acres": np.round(area[pf] * rng.uniform(0.5, 1.0, n_plans), 2),
            "sowing_date": pa.array(np.concatenate(plan_cols["sow"])),
            "expected_harvest_date": pa.array(np.concatenate(plan_cols["harvest"])),
            "updated_at": upd(n_plans),
        }),
        "products": pa.table({
            "product_id": _ids("PR", len(PRODUCTS), 4), "name": [p[0] for p in PRODUCTS], "category": [p[1] for p in PRODUCTS],
            "unit": [p[2] for p in PRODUCTS], "price_rs": [float(p[3]) for p in PRODUCTS], "updated_at": upd(len(PRODUCTS)),
        }),
    }
    return Population(tables, farm_block, farm_lat, farm_lon, farm_ids, farmer_ids, farm_farmer, farmer_fpo, fpo_ids,
                      farm_crop.astype(str), sensor_farm, sensor_ids)
