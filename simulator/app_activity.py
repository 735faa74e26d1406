"""What farmers and FPOs do in the app each day: orders, certification steps, advisory feedback,
calls, profile changes. Each day's extract holds the rows created or updated that day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from simulator.population import IST, PRODUCTS, Population, _ids, _ts
from simulator.rng import rng_for

CERT_STEPS = ["submitted", "documents_verified", "inspection_scheduled", "inspected", "certified"]
PEST_ISSUES = ["fall_armyworm", "blast", "leaf_spot", "pod_borer", "early_blight", "late_blight", "thrips",
               "whitefly", "stem_borer", "none"]
INTENTS = ["price_enquiry", "pest_help", "irrigation_advice", "order_status", "certification_status", "scheme_info", "other"]


@dataclass
class AppState:
    next_order: int = 1
    next_item: int = 1
    next_app: int = 1
    next_event: int = 1
    next_feedback: int = 1
    next_call: int = 1
    app_ids: list = field(default_factory=list)
    app_farmer: list = field(default_factory=list)
    app_fpo: list = field(default_factory=list)
    app_step: list = field(default_factory=list)
    app_applied: list = field(default_factory=list)


def _seq(prefix: str, start: int, n: int, width: int) -> np.ndarray:
    return _ids(prefix, start + n - 1, width)[start - 1:] if n else np.array([], dtype=str)


# What farmers see in the field: pests and diseases follow the weather of the past days (the truth the
# pest model should learn). Humid, wet, mild days favour the fungi; warm dry spells the armyworm.
CROP_THREAT = {"paddy": "blast", "tomato": "late_blight", "potato": "late_blight", "maize": "fall_armyworm",
               "jowar": "fall_armyworm", "groundnut": "leaf_spot", "tur": "pod_borer", "bengal_gram": "pod_borer"}


def incident_probability(crop: np.ndarray, tmin: np.ndarray, tmax: np.ndarray, humidity: np.ndarray, rain: np.ndarray) -> np.ndarray:
    """Chance that a farmer reporting from the field reports the crop's main threat (else 'none')."""
    tmean = (tmin + tmax) / 2
    fungal = np.clip((humidity - 60) / 35, 0, 1) * np.where(rain > 1, 1.0, 0.5) * np.where((tmean > 16) & (tmean < 28), 1.0, 0.4)
    armyworm = np.where((tmean > 24) & (rain < 2), 0.8, 0.15)
    borer = np.clip((humidity - 50) / 40, 0, 1) * np.where((tmax > 25) & (tmax < 34), 1.0, 0.4)
    threat = np.array([CROP_THREAT.get(c, "") for c in crop])
    p = np.select([np.isin(threat, ["blast", "late_blight", "leaf_spot"]), threat == "fall_armyworm", threat == "pod_borer"],
                  [0.1 + 0.7 * fungal, armyworm, 0.1 + 0.6 * borer], 0.05)
    return np.clip(p, 0, 0.95)


def simulate_day(seed: int, pop: Population, day: dt.date, state: AppState, weather=None, j: int | None = None) -> dict[str, pa.Table]:
    r = rng_for(seed, "app", day.toordinal())
    nf = len(pop.farmer_ids)
    day0 = dt.datetime.combine(day, dt.time(0), IST)
    secs = lambda n: r.integers(6 * 3600, 21 * 3600, n)  # noqa: E731  (app use is in daylight hours)
    out: dict[str, pa.Table] = {}
    fpo_of = lambda idx: np.where(pop.farmer_fpo[idx] >= 0, pop.fpo_ids[np.maximum(pop.farmer_fpo[idx], 0)], None)  # noqa: E731

    # Orders of organic inputs through the farmer's FPO
    buyers = np.nonzero(r.random(nf) < 0.015)[0]
    n_o = len(buyers)
    order_ids = _seq("OR", state.next_order, n_o, 8)
    state.next_order += n_o
    items_per = r.integers(1, 4, n_o)
    item_order = np.repeat(np.arange(n_o), items_per)
    prod = r.integers(0, len(PRODUCTS), len(item_order))
    qty = r.integers(1, 6, len(item_order)).astype(float)
    price = np.array([float(PRODUCTS[p][3]) for p in prod])
    total = np.bincount(item_order, weights=qty * price, minlength=n_o)
    order_secs = secs(n_o)
    out["orders"] = pa.table({
        "order_id": order_ids, "farmer_id": pop.farmer_ids[buyers], "fpo_id": pa.array(fpo_of(buyers), pa.string()),
        "ordered_at": _ts(day0, order_secs), "status": np.where(r.random(n_o) < 0.9, "placed", "cancelled"),
        "total_rs": np.round(total, 2), "updated_at": _ts(day0, order_secs),
    })
    n_i = len(item_order)
    out["order_items"] = pa.table({
        "order_item_id": _seq("OI", state.next_item, n_i, 9), "order_id": order_ids[item_order],
        "product_id": _ids("PR", len(PRODUCTS), 4)[prod], "quantity": qty, "unit_price_rs": price,
        "updated_at": _ts(day0, order_secs[item_order]),
    })
    state.next_item += n_i

    # Organic certification: new applications, and open ones move one step on some days
    new = np.nonzero(r.random(nf) < 0.002)[0]
    new_ids = _seq("CA", state.next_app, len(new), 7)
    state.next_app += len(new)
    for i, f in enumerate(new):
        state.app_ids.append(new_ids[i]); state.app_farmer.append(f)  # noqa: E702
        state.app_fpo.append(fpo_of(np.array([f]))[0]); state.app_step.append(-1); state.app_applied.append(day)  # noqa: E702
    steps = np.array(state.app_step, dtype=int)
    moving = np.nonzero((steps < len(CERT_STEPS) - 1) & ((steps == -1) | (r.random(len(steps)) < 0.08)))[0]
    ev_status = []
    for k in moving:
        nxt = state.app_step[k] + 1
        status = "rejected" if (nxt == len(CERT_STEPS) - 1 and r.random() < 0.15) else CERT_STEPS[nxt]
        state.app_step[k] = len(CERT_STEPS) - 1 if status == "rejected" else nxt
        ev_status.append(status)
    ev_secs = secs(len(moving))
    out["certification_status_events"] = pa.table({
        "event_id": _seq("CE", state.next_event, len(moving), 8),
        "application_id": pa.array([state.app_ids[k] for k in moving], pa.string()),
        "status": pa.array(ev_status, pa.string()), "event_at": _ts(day0, ev_secs),
        "note": pa.array([None] * len(moving), pa.string()),
    })
    state.next_event += len(moving)
    out["certification_applications"] = pa.table({
        "application_id": pa.array([state.app_ids[k] for k in moving], pa.string()),
        "farmer_id": pa.array([pop.farmer_ids[state.app_farmer[k]] for k in moving], pa.string()),
        "fpo_id": pa.array([state.app_fpo[k] for k in moving], pa.string()),
        "scheme": pa.array(["PGS-India" if state.app_fpo[k] is not None else "NPOP" for k in moving], pa.string()),
        "applied_on": pa.array([state.app_applied[k] for k in moving], pa.date32()),
        "status": pa.array(ev_status, pa.string()), "updated_at": _ts(day0, ev_secs),
    })

    # Feedback on advisories (pest reports feed the pest-risk model) and calls to the helpline
    fb = np.nonzero(r.random(nf) < 0.005)[0]
    first_farm = np.searchsorted(pop.farm_farmer, fb)  # the farmer's first farm
    farms_of = pop.farm_ids[first_farm]
    crop = pop.farm_crop[first_farm]
    if weather is not None and len(fb):
        blocks = pop.farm_block[first_farm]
        p = incident_probability(crop, weather.tmin[blocks, j], weather.tmax[blocks, j], weather.humidity[blocks, j],
                                 weather.rain_mm[blocks, j])
        reported = np.where(r.random(len(fb)) < p, np.array([CROP_THREAT.get(c, "thrips") for c in crop]), "none")
    else:
        reported = np.array(PEST_ISSUES)[r.integers(0, len(PEST_ISSUES), len(fb))]
    out["advisory_feedback"] = pa.table({
        "feedback_id": _seq("FB", state.next_feedback, len(fb), 8), "farmer_id": pop.farmer_ids[fb], "farm_id": farms_of,
        "advisory_type": np.array(["pest_risk", "irrigation", "price", "fertilizer"])[r.integers(0, 4, len(fb))],
        "reported_issue": reported,
        "rating": r.integers(1, 6, len(fb)), "created_at": _ts(day0, secs(len(fb))),
    })
    state.next_feedback += len(fb)
    calls = np.nonzero(r.random(nf) < 0.01)[0]
    lang = pop.tables["farmers"]["language"].to_numpy(zero_copy_only=False)[calls]
    out["call_logs"] = pa.table({
        "call_id": _seq("CL", state.next_call, len(calls), 8), "farmer_id": pop.farmer_ids[calls],
        "started_at": _ts(day0, secs(len(calls))), "duration_s": np.round(r.lognormal(5, 0.6, len(calls))).astype(np.int64),
        "language": lang, "intent": np.array(INTENTS)[r.integers(0, len(INTENTS), len(calls))],
    })
    state.next_call += len(calls)

    # Profile changes: some farmers opt out of SMS or change language; a few leave (soft delete)
    changed = np.nonzero(r.random(nf) < 0.001)[0]
    farmers = pop.tables["farmers"].take(pa.array(changed, pa.int64()))
    opt = pc.invert(farmers["sms_opt_out"])
    leave = r.random(len(changed)) < 0.1
    upd = _ts(day0, secs(len(changed)))
    farmers = farmers.set_column(farmers.schema.get_field_index("sms_opt_out"), "sms_opt_out", opt)
    farmers = farmers.set_column(farmers.schema.get_field_index("updated_at"), "updated_at", upd)
    farmers = farmers.set_column(farmers.schema.get_field_index("deleted_at"), "deleted_at",
                                 pc.if_else(pa.array(leave), upd, pa.nulls(len(changed), upd.type)))
    out["farmers"] = farmers
    return out
