"""Severe weather in a block's forecast, by India Meteorological Department thresholds.

The thresholds are reference data (`reference/imd_severe_weather.csv`, from IMD's "Terminologies and
Glossary": rainfall per 24 h heavy 64.5-115.5 mm, very heavy 115.6-204.4 mm, extremely heavy above;
heat wave in the plains at a maximum of 40 C or more; strong wind at IMD's "squally weather" 45 km/h,
12.5 m/s; cold wave in the plains at a minimum of 10 C or less). The SMS alerts apply them in dbt
(`dbt/models/serving/sms/int_sms__severe_weather.sql`: the latest forecast issued on or before the day,
lead 1-3 days); the advice verification applies the same rows here.
"""

from __future__ import annotations

from hasiru.reference import rows
from transform.dbt_env import project_vars

_ROWS = sorted(rows("imd_severe_weather.csv"), key=lambda r: int(r["severity_rank"]))
# kind: (SQL condition on a silver forecast or observation row, rank: lower is more severe)
KINDS: dict[str, tuple[str, int]] = {
    r["weather_kind"]: (f"{r['measure']} {r['comparison']} {float(r['threshold'])}", int(r["severity_rank"])) for r in _ROWS}
# what a farmer should do differs by hazard: each kind's block and alert (sms/templates/<lang>.yaml)
HAZARD = {r["weather_kind"]: r["hazard"] for r in _ROWS}
# the forecast leads an alert looks at (days after the digest day): the dbt project's var alert_lead_days
LEAD_DAYS = tuple(project_vars()["alert_lead_days"])
