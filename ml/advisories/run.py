"""Compute advisories from silver and write them to gold.farm_advisories (MERGE by farm, day, type)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import pyarrow as pa

from lake import delta_io
from lake.catalog import TableSpec, table
from ml.advisories import crop_suitability, fertilizer, pest_risk
from ml.advisories.irrigation import crop_today, advise


def _silver(name: str, columns: list[str] | None = None) -> pd.DataFrame:
    return delta_io.read_arrow(TableSpec(f"silver.{name}", None, ""), columns=columns).to_pandas()


def sensor_days() -> pd.DataFrame:
    """Daily mean moisture per farm from probes whose day is reliable: half the readings or more,
    not stuck (some variation), implausible readings left out."""
    import duckdb

    con = duckdb.connect()
    con.register("r", delta_io.read_arrow(TableSpec("silver.sensors__readings", None, ""),
                                          columns=["farm_id", "reading_date_ist", "soil_moisture_vwc_pct", "is_moisture_above_saturation"]))
    return con.sql("""
        select farm_id, reading_date_ist as day, avg(soil_moisture_vwc_pct) as vwc_pct
        from r where not is_moisture_above_saturation and soil_moisture_vwc_pct is not null
        group by all having count(*) >= 48 and stddev_pop(soil_moisture_vwc_pct) > 0
    """).df().assign(day=lambda d: pd.to_datetime(d["day"]).dt.date)


def _crop_suitability(farms: pd.DataFrame, plans: pd.DataFrame, cards: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    latest = cards.sort_values("sample_date").drop_duplicates("farm_id", keep="last")[["farm_id", "ph", "organic_carbon_pct"]]
    detail = _silver("app__farms", ["farm_id", "district"])
    f = farms.merge(detail, on="farm_id").merge(latest, on="farm_id", how="left")
    seasons = _silver("app__crop_plans", ["farm_id", "season", "crop"])
    if seasons.empty:
        return pd.DataFrame()
    model = crop_suitability.train(f, seasons)
    return crop_suitability.advise(model, f, day)


def run(days: list[dt.date] | None = None, now: dt.datetime | None = None,
        progress: Callable[[str], None] = lambda _: None) -> dict:
    now = now or dt.datetime.now(dt.timezone.utc)
    farms = _silver("app__farms", ["farm_id", "lat", "block_code", "soil_type", "irrigation", "is_deleted"])
    farms = farms[~farms["is_deleted"]].drop(columns="is_deleted")
    plans = _silver("app__crop_plans", ["farm_id", "crop", "sowing_date", "expected_harvest_date"])
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
    suit = _crop_suitability(farms, plans, cards, max(days)) if days else pd.DataFrame()
    adv = pd.concat([adv] + [p for p in pests if len(p)] + [x for x in (soil, suit) if len(x)], ignore_index=True)
    adv["generated_at"] = now
    spec = table("gold.farm_advisories")
    delta_io.merge(spec, pa.Table.from_pandas(adv[spec.schema.names], schema=spec.schema, preserve_index=False))
    counts = adv.groupby("reason_code").size().to_dict()
    progress(f"advisories: {len(adv):,} rows {counts}")
    return {"rows": len(adv), "reasons": counts}
