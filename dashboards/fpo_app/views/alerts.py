"""Alerts: sensors needing attention (gold's daily flags) on the map, high-severity advice, the severe-weather
alerts sent, and how right the advice was in the FPO's districts."""

import altair as alt
import streamlit as st

from dashboards.fpo_app import basemap, data
from dashboards.fpo_app.page import current
from dashboards.fpo_app.present import table

p = current()
L, w = p.L, p.words
st.header(L["alerts"])
sensors = data.sensor_alerts(p.v, p.fpo_id)
st.subheader(f"{L['sensor_alerts']}: {len(sensors):,}")
if len(sensors):
    located = sensors.dropna(subset=["lat", "lon"])
    if len(located):
        shown = located.assign(status=located["status"].map(lambda s: w.value("sensor_status", s)),
                               sensor=located["sensor_id"], farm=located["farm_id"])
        tips = [alt.Tooltip("sensor:N", title=w.column("sensor_id")), alt.Tooltip("farm:N", title=w.column("farm_id")),
                alt.Tooltip("status:N", title=L["status"])]
        st.altair_chart(basemap.point_map(shown, "status", L["status"], w.language, tooltip=tips, height=360), width="stretch")
    st.dataframe(table(sensors.drop(columns=["lat", "lon"]), w, {"status": "sensor_status"}), hide_index=True, width="stretch")
else:
    st.caption(L["nothing"])
advice = data.advice_alerts(p.v, p.fpo_id)
st.subheader(f"{L['advice_alerts']}: {len(advice):,}")
if len(advice):
    st.dataframe(table(advice, w, {"advisory_type": "advisory_type", "reason_code": "reason"}), hide_index=True, width="stretch")
else:
    st.caption(L["nothing"])
weather = data.weather_alerts(p.v, p.fpo_id)
st.subheader(f"{L['weather_alerts']}: {len(weather):,}")
if len(weather):
    st.dataframe(table(weather, w), hide_index=True, width="stretch")
else:
    st.caption(L["nothing"])
st.subheader(L["verification"])
checks = data.advice_verification(p.v, p.fpo_id)
if len(checks):
    st.caption(L["verification_help"])
    st.dataframe(table(checks, w, {"check": "check"}), hide_index=True, width="stretch")
else:
    st.caption(L["nothing"])
