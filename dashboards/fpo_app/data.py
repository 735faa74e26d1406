"""What the FPO app shows, read from the published API database, always for one FPO.

Every function takes the FPO id the signed-in manager may see (the app decides it from the principal,
never from user input) and filters by it; nothing here can return another FPO's members, farms,
applications or messages. Market data (prices, forecasts) is not FPO-private.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from serving.api.db import Version


def fpos(v: Version) -> pd.DataFrame:
    return v.frame("select distinct fpo_id, fpo_name, district from api_fpo_overview order by fpo_id", [])


def overview(v: Version, fpo_id: str) -> dict:
    head = v.frame("select fpo_name, district, max(members_active) as members_active, "
                   "coalesce(sum(harvest_due_30d_acres), 0) as harvest_30d_acres from api_fpo_overview "
                   "where fpo_id = ? group by all", [fpo_id])
    farms = v.frame("select count(*) as farms, coalesce(sum(area_acres), 0) as area_acres from api_farms where fpo_id = ?",
                    [fpo_id])
    by_crop = v.frame("select crop, season, sum(area_acres) as area_acres from api_fpo_overview "
                      "where fpo_id = ? and crop is not null group by all order by area_acres desc", [fpo_id])
    harvests = v.frame("select week, crop, area_acres from api_fpo_harvest_weeks where fpo_id = ? order by week, crop",
                       [fpo_id])
    return {"name": head["fpo_name"].iloc[0] if len(head) else fpo_id,
            "district": head["district"].iloc[0] if len(head) else "",
            "members_active": int(head["members_active"].iloc[0]) if len(head) and pd.notna(head["members_active"].iloc[0]) else 0,
            "farms": int(farms["farms"].iloc[0]), "area_acres": float(farms["area_acres"].iloc[0]),
            "harvest_30d_acres": float(head["harvest_30d_acres"].iloc[0]) if len(head) else 0.0,
            "by_crop": by_crop, "harvests": harvests}


def members(v: Version, fpo_id: str) -> pd.DataFrame:
    return v.frame("select farmer_id, name, village, language, farms, area_acres, current_crop from api_fpo_members "
                   "where fpo_id = ? order by name, farmer_id", [fpo_id])


def farm_points(v: Version, fpo_id: str) -> pd.DataFrame:
    """The FPO's farms with a location, their current crop, and their sensors' most urgent status (null: no sensor)."""
    return v.frame("""
        with sensors as (
            select farm_id, arg_min(status, list_position(['stuck', 'spiking', 'stale', 'battery_low', 'very_dry', 'ok'],
                                                          status)) as sensor_status
            from api_sensor_status group by farm_id)
        select f.farm_id, f.lat, f.lon, f.area_acres, c.crop, s.sensor_status
        from api_farms as f left join api_farm_crops as c using (farm_id) left join sensors as s using (farm_id)
        where f.fpo_id = ? and f.lat is not null order by f.farm_id""", [fpo_id])


def commodities(v: Version, fpo_id: str) -> list[str]:
    df = v.frame("""select c.crop, sum(c.area_acres) as acres from api_farms as f join api_farm_crops as c using (farm_id)
                   where f.fpo_id = ? group by all order by acres desc""", [fpo_id])
    return df["crop"].tolist()


def nearby_mandis(v: Version, fpo_id: str, commodity: str, limit: int = 3) -> pd.DataFrame:
    """Mandis with a forecast for the commodity, nearest to the FPO's farms' centre first."""
    return v.frame("""
        with centre as (select avg(lat) as lat, avg(lon) as lon from api_farms where fpo_id = ?),
        with_fc as (select distinct mandi_code from api_price_forecasts where commodity = ?)
        select p.mandi_code, p.mandi_name,
               round(distance_km(c.lat, c.lon, p.lat, p.lon), 1) as distance_km
        from api_mandi_latest_prices as p join with_fc using (mandi_code), centre as c
        where p.commodity = ? order by distance_km limit ?""", [fpo_id, commodity, commodity, limit])


def price_series(v: Version, mandi_code: str, commodity: str) -> pd.DataFrame:
    """History (actual) and forecast (yhat with its 80 % interval) in one frame: date, kind, price, lo80, hi80."""
    return v.frame("""
        select arrival_date as date, 'actual' as kind, modal_price_rs_per_qtl as price, null::double as lo80, null::double as hi80
        from api_mandi_price_history where mandi_code = ? and commodity = ?
        union all
        select forecast_date, 'forecast', yhat, lo80, hi80 from api_price_forecasts where mandi_code = ? and commodity = ?
        order by date""", [mandi_code, commodity, mandi_code, commodity])


def forecast_accuracy(v: Version, mandi_code: str, commodity: str) -> dict | None:
    """The model behind the forecast shown and how it did on this series in backtests."""
    rows = v.rows("""select model, champion_reason, backtest_rel_mae_naive, backtest_coverage80, backtest_days, interval_basis,
                            trained_through
                     from api_price_forecasts where mandi_code = ? and commodity = ? order by forecast_date limit 1""",
                  [mandi_code, commodity])
    return rows[0] if rows else None


def advice_verification(v: Version, fpo_id: str) -> pd.DataFrame:
    """How right the platform's advice was in the districts of the FPO's farms, over all weeks."""
    return v.frame("""
        with districts as (select distinct district from api_farms where fpo_id = ?)
        select "check", sum(advised)::bigint as advised, sum(hits)::bigint as hits, sum(events)::bigint as events,
               round(100.0 * sum(hits) / nullif(sum(advised), 0)) as precision_pct,
               round(100.0 * sum(hits) / nullif(sum(events), 0)) as recall_pct, round(avg(mae_mm), 1) as mae_mm
        from api_advisory_verification join districts using (district)
        group by "check"
        order by "check"
    """, [fpo_id])


def sensor_alerts(v: Version, fpo_id: str) -> pd.DataFrame:
    return v.frame("""
        select m.name, s.farm_id, s.sensor_id, s.status, s.last_reading_at, s.soil_moisture_vwc_pct, s.battery_v, f.lat, f.lon
        from api_sensor_status as s join api_farms as f using (farm_id) join api_farmers as m using (farmer_id)
        where f.fpo_id = ? and s.status <> 'ok' order by s.status, m.name""", [fpo_id])


def advice_alerts(v: Version, fpo_id: str) -> pd.DataFrame:
    return v.frame("""
        select m.name, a.farm_id, a.advisory_date, a.advisory_type, a.reason_code, a.amount_mm
        from api_advisories as a join api_farms as f using (farm_id) join api_farmers as m using (farmer_id)
        where f.fpo_id = ? and a.severity = 'high' order by a.advisory_date desc, a.advisory_type, m.name""", [fpo_id])


def weather_alerts(v: Version, fpo_id: str) -> pd.DataFrame:
    return v.frame("""
        select d.digest_date, m.village, count(*) as farmers, any_value(d.text) as example
        from api_digests as d join api_farmers as m using (farmer_id)
        where m.fpo_id = ? and d.kind = 'alert' group by all order by d.digest_date desc, farmers desc""", [fpo_id])


def certification(v: Version, fpo_id: str) -> pd.DataFrame:
    return v.frame("""
        select p.application_id, m.name, p.scheme, p.step, p.applied_on, cast(p.step_since as date) as step_since,
               p.days_at_step, p.is_overdue
        from api_certification_pipeline as p left join api_farmers as m using (farmer_id)
        where p.fpo_id = ? order by p.is_overdue desc, p.days_at_step desc""", [fpo_id])


def sms(v: Version, fpo_id: str, days: int = 30) -> pd.DataFrame:
    since = dt.date.today() - dt.timedelta(days=days)
    return v.frame("""
        select d.digest_date, d.kind, d.status, d.language, count(*) as messages, sum(d.segments) as segments
        from api_digests as d join api_farmers as m using (farmer_id)
        where m.fpo_id = ? and d.digest_date >= ? group by all order by d.digest_date, d.status""", [fpo_id, since])
