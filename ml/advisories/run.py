"""Compute advisories from silver and write them to gold.farm_advisories (MERGE by farm, day, type)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import pyarrow as pa

from hasiru import console
from hasiru.reference import district_climate
from lake import delta_io
from lake.catalog import table
from ml.advisories import crop_suitability, fertilizer, pest_model, pest_risk
from ml.advisories.irrigation import crop_today, advise


# What run() and verify() read from the lake (the Dagster assets' deps come from here; tests/test_transform.py
# runs them and fails if they read a table not named here, or name one they do not read)
READS = ("silver.app__farms", "silver.app__crop_plans", "silver.weather__observations", "silver.weather__forecasts",
         "silver.sensors__readings", "gold.fct_sensor_daily", "silver.soil_health__cards", "silver.app__advisory_feedback")
VERIFY_READS = ("gold.farm_advisories", "silver.app__farms", "silver.weather__observations", "silver.weather__forecasts",
                "silver.app__advisory_feedback")


class MissingInput(RuntimeError):
    pass


def _silver(name: str, columns: list[str] | None = None) -> pd.DataFrame:
    spec = table(f"silver.{name}")
    if not delta_io.exists(spec):
        raise MissingInput(f"{spec.name} is not in the lake yet: run `hasiru transform` (or `hasiru run`) first")
    return delta_io.read_arrow(spec, columns=columns).to_pandas()


def sensor_days() -> pd.DataFrame:
    """Daily mean moisture per farm from the probe days gold.fct_sensor_daily trusts: complete (80 % of the
    readings), not stuck, not spiking (the one rule, dbt's int_sensor_readings_flagged); its mean already
    leaves stuck and spiking readings out. Silver readings only map each sensor to its farm."""
    import duckdb

    con = duckdb.connect()
    con.register("r", delta_io.read_arrow(table("silver.sensors__readings"), columns=["sensor_id", "farm_id"]))
    con.register("d", delta_io.read_arrow(table("gold.fct_sensor_daily"),
                                          columns=["sensor_id", "date_day", "moisture_mean_vwc_pct", "is_stuck_day",
                                                   "has_spikes", "is_incomplete"]))
    return con.sql("""
        with farm_of as (select distinct sensor_id, farm_id from r)
        select f.farm_id, d.date_day as day, avg(d.moisture_mean_vwc_pct) as vwc_pct
        from d join farm_of as f using (sensor_id)
        where not d.is_stuck_day and not d.has_spikes and not d.is_incomplete and d.moisture_mean_vwc_pct is not null
        group by all
    """).df().assign(day=lambda d: pd.to_datetime(d["day"]).dt.date)


def _crop_plans(columns: list[str]) -> pd.DataFrame:
    """The farms' crop plans that still stand: a plan the farmer deleted advises nothing."""
    plans = _silver("app__crop_plans", columns + ["is_deleted"])
    return plans[~plans["is_deleted"]].drop(columns="is_deleted").reset_index(drop=True)


def _crop_suitability(farms: pd.DataFrame, seasons: pd.DataFrame, cards: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """seasons: the standing crop plans' farm_id, season, crop (what each farm grew in which season)."""
    latest = cards.sort_values("sample_date").drop_duplicates("farm_id", keep="last")[["farm_id", "ph", "organic_carbon_pct"]]
    f = farms.merge(latest, on="farm_id", how="left")
    if seasons.empty:
        return pd.DataFrame()
    model = crop_suitability.train(f, seasons)
    return crop_suitability.advise(model, f, day)


def _with_crop_and_weather(rows: pd.DataFrame, farms: pd.DataFrame, plans: pd.DataFrame, obs: pd.DataFrame) -> pd.DataFrame:
    """rows: farm_id, date -> plus the crop in the field that day and the block's observed weather."""
    p = rows.merge(plans, on="farm_id")
    p = p[(p["sowing_date"] <= p["date"]) & (p["expected_harvest_date"] >= p["date"])]
    p = p.sort_values("sowing_date").drop_duplicates(["farm_id", "date"], keep="last")
    p = p.merge(farms[["farm_id", "block_code"]], on="farm_id")
    w = obs.rename(columns={"obs_date": "date"})[["block_code", "date", "temp_min_c", "temp_max_c", "humidity_pct", "rain_mm"]]
    return p.merge(w, on=["block_code", "date"], how="left")


def _pest_model(farms: pd.DataFrame, plans: pd.DataFrame, obs: pd.DataFrame, day: dt.date):
    fb = _silver("app__advisory_feedback", ["farm_id", "created_at", "reported_issue"])
    if fb.empty:
        return pd.DataFrame(), None
    fb = fb.assign(date=pd.to_datetime(fb["created_at"]).dt.tz_convert("Asia/Kolkata").dt.date)
    reports = _with_crop_and_weather(fb, farms, plans, obs)
    model = pest_model.train(reports.assign(incident=reports["reported_issue"] != "none"))
    if model is None:
        return pd.DataFrame(), None
    today = _with_crop_and_weather(farms[["farm_id"]].assign(date=day), farms, plans, obs)
    return pest_model.advise(model, today), model


def run(days: list[dt.date] | None = None, now: dt.datetime | None = None,
        progress: Callable[[str], None] = lambda _: None) -> dict:
    now = now or dt.datetime.now(dt.timezone.utc)
    farms = _silver("app__farms", ["farm_id", "lat", "district", "block_code", "soil_type", "irrigation", "is_deleted"])
    farms = farms[~farms["is_deleted"]].drop(columns="is_deleted")
    climate = district_climate()  # ET0's elevation and coastal radiation coefficient, by the farm's district
    farms = farms.assign(elevation_m=farms["district"].map(lambda d: climate.get(d, (600.0, False))[0]),
                         coastal=farms["district"].map(lambda d: climate.get(d, (600.0, False))[1]))
    standing = _crop_plans(["farm_id", "crop", "sowing_date", "expected_harvest_date", "season"])
    plans = standing.drop(columns="season")
    obs = _silver("weather__observations")
    fc = _silver("weather__forecasts", ["block_code", "issued_date_ist", "forecast_date", "lead_days", "rain_mm",
                                        "temp_min_c", "temp_max_c", "humidity_pct"])
    if days is None:  # every observed day: the balance needs the days before the one it advises on
        days = sorted(obs["obs_date"].unique())
    progress(f"irrigation and pest-risk advice for {len(farms):,} farms over {len(days)} days")
    adv = advise(farms, plans, obs, fc, sensor_days(), days)
    pests = [pest_risk.advise(farms, crop_today(plans, d)[["farm_id", "crop"]], obs, fc, d) for d in days]
    cards = _silver("soil_health__cards")
    soil = fertilizer.advise(cards, max(days)) if len(cards) and days else pd.DataFrame()
    suit = _crop_suitability(farms, standing[["farm_id", "season", "crop"]], cards, max(days)) if days else pd.DataFrame()
    learned, model = _pest_model(farms, plans, obs, max(days)) if days else (pd.DataFrame(), None)
    progress("pest incident model: " + ("too few reports to learn from" if model is None else
             f"{model.reports} reports, Brier {model.brier_calibrated:.4f} vs base rate {model.brier_base:.4f}"
             + ("" if model.useful else " (not better: not used)")))
    adv = pd.concat([adv] + [p for p in pests if len(p)] + [x for x in (soil, suit, learned) if len(x)], ignore_index=True)
    adv["generated_at"] = now
    spec = table("gold.farm_advisories")
    delta_io.merge(spec, pa.Table.from_pandas(adv[spec.schema.names], schema=spec.schema, preserve_index=False))
    counts = adv.groupby("reason_code").size().to_dict()
    progress(f"advisories: {len(adv):,} rows; {console.counts(counts)}")
    return {"rows": len(adv), "reasons": counts}


def verify(now: dt.datetime | None = None, progress: Callable[[str], None] = lambda _: None) -> dict:
    """Score every stored advisory against what happened since (gold.advisory_verification, rebuilt whole)."""
    from ml.advisories.verification import verify as score

    now = now or dt.datetime.now(dt.timezone.utc)
    farms = _silver("app__farms", ["farm_id", "district", "block_code", "is_deleted"])
    adv = delta_io.read_arrow(table("gold.farm_advisories"),
                              columns=["farm_id", "advisory_date", "advisory_type", "severity", "reason_code", "inputs"]).to_pandas()
    obs = _silver("weather__observations", ["block_code", "obs_date", "rain_mm", "temp_min_c", "temp_max_c", "wind_speed_m_s"])
    fc = _silver("weather__forecasts", ["block_code", "forecast_date", "lead_days", "rain_mm", "temp_min_c", "temp_max_c",
                                        "wind_speed_m_s"])
    fb = _silver("app__advisory_feedback", ["farm_id", "created_at", "reported_issue"])
    fb = fb.assign(date=pd.to_datetime(fb["created_at"]).dt.tz_convert("Asia/Kolkata").dt.date)
    scores = score(adv, farms, obs, fc, fb).assign(generated_at=now)
    spec = table("gold.advisory_verification")
    delta_io.replace_all(spec, pa.Table.from_pandas(scores[spec.schema.names], schema=spec.schema, preserve_index=False))
    by_check = scores.groupby(scores["check"].str.split("_").str[0])[["advised", "hits"]].sum()
    progress(f"advisory verification: {len(scores):,} rows; hits/advised by kind: "
             + ", ".join(f"{k} {int(r.hits)}/{int(r.advised)}" for k, r in by_check.iterrows()))
    return {"rows": len(scores)}
