"""Severe weather in a block's forecast, by India Meteorological Department thresholds.

IMD, "Terminologies and Glossary" (rainfall intensity per 24 h: heavy 64.5-115.5 mm, very heavy
115.6-204.4 mm, extremely heavy above) and its heat-wave criterion for the plains (maximum
temperature of 40 C or more). Strong wind: sustained 45 km/h (12.5 m/s), the lower bound of IMD's
"squally weather" warnings. Cold wave: a minimum of 10 C or less (IMD's plains criterion). Looked at: the latest
forecast issued on or before the day, lead 1-3 days.
"""

from __future__ import annotations

import datetime as dt

import duckdb

# kind: (SQL condition on a forecast row, rank: lower is more severe)
KINDS: dict[str, tuple[str, int]] = {
    "very_heavy_rain": ("rain_mm >= 115.6", 0),
    "heavy_rain": ("rain_mm >= 64.5", 1),
    "heat_wave": ("temp_max_c >= 40", 2),
    "strong_wind": ("wind_speed_m_s >= 12.5", 3),
    "cold_wave": ("temp_min_c <= 10", 4),
}
# what a farmer should do differs by hazard: each kind's block and alert (sms/templates/<lang>.yaml)
HAZARD = {"very_heavy_rain": "rain", "heavy_rain": "rain", "heat_wave": "heat", "strong_wind": "wind", "cold_wave": "cold"}
LEAD_DAYS = (1, 3)


def severe_by_block(con: duckdb.DuckDBPyConnection, forecasts: str, day: dt.date) -> duckdb.DuckDBPyRelation:
    """One row per block with severe weather ahead: block_code, weather_kind, forecast_date (the first
    such day; the most severe kind on it). `forecasts` names a relation with the silver forecast columns."""
    kind_case = "case " + " ".join(f"when {cond} then '{k}'" for k, (cond, _) in KINDS.items()) + " end"
    rank_case = "case weather_kind " + " ".join(f"when '{k}' then {r}" for k, (_, r) in KINDS.items()) + " end"
    return con.sql(f"""
        with latest as (
            select * from {forecasts}
            where issued_date_ist <= $day and issued_date_ist >= $day - 2
            qualify issued_at = max(issued_at) over (partition by block_code)
        ), severe as (
            select block_code, forecast_date, {kind_case} as weather_kind
            from latest
            where forecast_date between $day + $first_lead and $day + $last_lead
        )
        select block_code, weather_kind, forecast_date
        from severe where weather_kind is not null
        qualify row_number() over (partition by block_code order by forecast_date, {rank_case}) = 1
    """, params={"day": day, "first_lead": LEAD_DAYS[0], "last_lead": LEAD_DAYS[1]})  # the day as a parameter, never in the text
