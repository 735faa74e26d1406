"""Members and farms: the farms on the district map, coloured by crop or by sensor status, and the member list."""

import altair as alt
import pandas as pd
import streamlit as st

from dashboards.fpo_app import basemap, data
from dashboards.fpo_app.page import current
from dashboards.fpo_app.present import table

p = current()
L, w = p.L, p.words
st.header(L["members"])
st.subheader(L["map"])
points = data.farm_points(p.v, p.fpo_id)
if len(points):
    colour = st.radio(L["colour_by"], ("crop", "sensor_status"), horizontal=True, key="map_colour",
                      format_func=lambda c: L["crop"] if c == "crop" else L["sensor_status"])
    shown = points.assign(crop=points["crop"].map(lambda c: w.value("crop", c)),
                          sensor_status=points["sensor_status"].map(lambda s: w.value("sensor_status", "none" if pd.isna(s) else s)),
                          farm=points["farm_id"], area=points["area_acres"].round(1))
    st.altair_chart(basemap.point_map(shown, colour, L["crop"] if colour == "crop" else L["sensor_status"], w.language,
                                      tooltip=[alt.Tooltip("farm:N", title=w.column("farm_id")),
                                               alt.Tooltip("crop:N", title=L["crop"]),
                                               alt.Tooltip("sensor_status:N", title=L["sensor_status"]),
                                               alt.Tooltip("area:Q", title=L["area_acres"])]), width="stretch")
    st.caption(L["map_note"])
else:
    st.info(L["no_location"])
m = data.members(p.v, p.fpo_id)
st.dataframe(table(m, w, {"language": "language", "current_crop": "crops"}), hide_index=True, width="stretch")
