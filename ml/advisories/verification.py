"""Every advisory scored against what happened (gold.advisory_verification), per check, district and week.

  irrigation_balance_vs_probe  on farm-days where a trusted probe reading reset the balance: did the water
                               balance alone (before the reset) call the crop stressed (depletion above RAW)
                               when the probe did? precision, recall, and the MAE of its depletion (mm);
  rain_expected_vs_observed    "rain due, skip irrigation": did at least half the forecast 3-day rain fall?
  pest_<threat>                pest-risk alerts (medium, high) against the farmers' own reports of that pest
                               (app advisory feedback) on that farm within PEST_WINDOW_DAYS after the alert:
                               precision (alerts followed by a report), recall (reports that had an alert before);
  weather_<kind>               severe-weather forecasts (lead 1-3 days, the alert rules of sms/weather_alerts)
                               against the block's observed weather that day: precision (1 - false alarm ratio),
                               recall (probability of detection).
A score with nothing to count is left out rather than shown as zero."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import numpy as np
import pandas as pd

from ml.advisories.pest_risk import THREATS
from sms.weather_alerts import KINDS, LEAD_DAYS

PEST_WINDOW_DAYS = 14
REPORTED_AS = {"blast": "rice_blast"}  # the app's issue names where they differ from the threat's
COLUMNS = ["check", "district", "week_start", "advised", "events", "hits", "precision", "recall", "mae_mm", "n"]


def _week(d: pd.Series) -> pd.Series:
    d = pd.to_datetime(d)
    return (d - pd.to_timedelta(d.dt.day_of_week, unit="D")).dt.date


def _score(frame: pd.DataFrame, check: str) -> pd.DataFrame:
    """frame: district, day, advised (bool), event (bool)[, err_mm] -> one row per district and week."""
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    f = frame.assign(week_start=_week(frame["day"]), hit=frame["advised"] & frame["event"])
    if "err_mm" not in f:
        f["err_mm"] = np.nan
    g = f.groupby(["district", "week_start"], as_index=False).agg(
        advised=("advised", "sum"), events=("event", "sum"), hits=("hit", "sum"), mae_mm=("err_mm", "mean"), n=("hit", "size"))
    g["precision"] = np.where(g["advised"] > 0, g["hits"] / g["advised"].where(g["advised"] > 0, 1), np.nan)
    g["recall"] = np.where(g["events"] > 0, g["hits"] / g["events"].where(g["events"] > 0, 1), np.nan)
    return g.assign(check=check)[COLUMNS]


def irrigation(adv: pd.DataFrame, farms: pd.DataFrame) -> pd.DataFrame:
    irr = adv[adv["advisory_type"] == "irrigation"]
    rows = []
    for farm, day, inputs in zip(irr["farm_id"], irr["advisory_date"], irr["inputs"]):
        i = json.loads(inputs or "{}")
        if i.get("sensor_vwc_pct") is None or i.get("model_depletion_mm") is None:
            continue
        rows.append({"farm_id": farm, "day": day, "advised": i["model_depletion_mm"] > i["raw_mm"],
                     "event": i["depletion_mm"] > i["raw_mm"], "err_mm": abs(i["model_depletion_mm"] - i["depletion_mm"])})
    f = pd.DataFrame(rows, columns=["farm_id", "day", "advised", "event", "err_mm"]).merge(farms[["farm_id", "district"]], on="farm_id")
    return _score(f, "irrigation_balance_vs_probe")


def rain_expected(adv: pd.DataFrame, farms: pd.DataFrame, obs: pd.DataFrame) -> pd.DataFrame:
    r = adv[(adv["advisory_type"] == "irrigation") & (adv["reason_code"] == "RAIN_EXPECTED")]
    if r.empty:
        return pd.DataFrame(columns=COLUMNS)
    r = r.merge(farms[["farm_id", "district", "block_code"]], on="farm_id")
    fc = r["inputs"].map(lambda s: json.loads(s or "{}").get("rain_forecast_3d_mm") or 0.0)
    rain = obs.set_index(["block_code", "obs_date"])["rain_mm"]
    fell, seen = [], []
    for block, day in zip(r["block_code"], r["advisory_date"]):
        got = [rain.get((block, day + dt.timedelta(days=k))) for k in (1, 2, 3)]
        seen.append(all(g is not None for g in got))
        fell.append(sum(g or 0.0 for g in got))
    f = r.assign(day=r["advisory_date"], advised=True, event=np.array(fell) >= 0.5 * fc.to_numpy(), seen=seen)
    return _score(f[f["seen"]], "rain_expected_vs_observed")


def pests(adv: pd.DataFrame, farms: pd.DataFrame, feedback: pd.DataFrame) -> pd.DataFrame:
    alerts = adv[adv["advisory_type"].str.startswith("pest_risk_") & adv["severity"].isin(["medium", "high"])]
    alerts = alerts.assign(threat=alerts["advisory_type"].str.removeprefix("pest_risk_"))
    reports = feedback.assign(threat=feedback["reported_issue"].map(lambda x: REPORTED_AS.get(x, x)))
    reports = reports[reports["threat"].isin({t.name for t in THREATS})]  # the pests our rules warn of
    con = duckdb.connect()
    # an empty frame has no dtype to go by: without the casts DuckDB would read its dates as integers
    con.register("a_raw", alerts[["farm_id", "advisory_date", "threat"]])
    con.sql("select farm_id, cast(advisory_date as date) as advisory_date, threat from a_raw").create_view("a")
    con.register("r_raw", reports[["farm_id", "date", "threat"]])
    con.sql("select farm_id, cast(date as date) as date, threat from r_raw").create_view("r")
    # an alert is right if that farm reported that pest within the window after it; a report was foreseen if
    # an alert for it came in the window before it
    scored = con.sql(f"""
        select a.farm_id, a.advisory_date as day, a.threat, true as advised,
               exists (select 1 from r where r.farm_id = a.farm_id and r.threat = a.threat
                       and r.date between a.advisory_date and a.advisory_date + {PEST_WINDOW_DAYS}) as event
        from a
        union all
        select r.farm_id, r.date, r.threat, false, true
        from r where not exists (select 1 from a where a.farm_id = r.farm_id and a.threat = r.threat
                                 and r.date between a.advisory_date and a.advisory_date + {PEST_WINDOW_DAYS})
    """).df().merge(farms[["farm_id", "district"]], on="farm_id")
    out = [_score(g, f"pest_{t}") for t, g in scored.groupby("threat")]
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=COLUMNS)


def weather(forecasts: pd.DataFrame, obs: pd.DataFrame, farms: pd.DataFrame) -> pd.DataFrame:
    districts = farms.drop_duplicates("block_code")[["block_code", "district"]]
    con = duckdb.connect()
    con.register("f", forecasts)
    con.register("o", obs)
    parts = []
    for kind, (cond, _) in KINDS.items():
        f = con.sql(f"""select distinct block_code, forecast_date as day from f
                        where lead_days between {LEAD_DAYS[0]} and {LEAD_DAYS[1]} and {cond}""").df().assign(advised=True)
        o = con.sql(f"select block_code, obs_date as day, {cond} as event from o").df()
        j = o.merge(f, on=["block_code", "day"], how="left").fillna({"advised": False})
        j = j[j["advised"].astype(bool) | j["event"].fillna(False).astype(bool)]
        j = j.assign(advised=j["advised"].astype(bool), event=j["event"].fillna(False).astype(bool))
        parts.append(_score(j.merge(districts, on="block_code"), f"weather_{kind}"))
    return pd.concat(parts, ignore_index=True)


def verify(adv: pd.DataFrame, farms: pd.DataFrame, obs: pd.DataFrame, forecasts: pd.DataFrame,
           feedback: pd.DataFrame) -> pd.DataFrame:
    parts = [irrigation(adv, farms), rain_expected(adv, farms, obs), pests(adv, farms, feedback),
             weather(forecasts, obs, farms)]
    out = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else pd.DataFrame(columns=COLUMNS)
    return out.sort_values(["check", "district", "week_start"], ignore_index=True)[COLUMNS]
