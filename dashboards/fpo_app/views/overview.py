"""Overview: members, farms, area, the harvest due in 30 days, area by crop and season, harvests ahead."""

import altair as alt
import streamlit as st

from dashboards.fpo_app import data
from dashboards.fpo_app.page import current
from hasiru.numbers import grouped
from hasiru.reference import district_name

p = current()
L, w = p.L, p.words
o = data.overview(p.v, p.fpo_id)
st.header(f"{o['name']} · {district_name(o['district'], w.language)}" if o["district"] else o["name"])
c = st.columns(4)
c[0].metric(L["members_active"], grouped(o["members_active"]))
c[1].metric(L["farms"], grouped(o["farms"]))
c[2].metric(L["area_acres"], grouped(o["area_acres"], 1))
c[3].metric(L["harvest_30d"], grouped(o["harvest_30d_acres"], 1))
st.subheader(L["area_by_crop"])
if len(o["by_crop"]):
    by_crop = o["by_crop"].assign(crop=o["by_crop"]["crop"].map(w.crop),
                                  season=o["by_crop"]["season"].map(lambda s: w.value("season", s)))
    st.altair_chart(alt.Chart(by_crop).mark_bar().encode(
        x=alt.X("area_acres:Q", title=L["area_acres"], axis=alt.Axis(format=",.1~f")),
        y=alt.Y("crop:N", sort="-x", title=L["crop"]), color=alt.Color("season:N", title=L["season"]),
        tooltip=[alt.Tooltip("crop:N", title=L["crop"]), alt.Tooltip("season:N", title=L["season"]),
                 alt.Tooltip("area_acres:Q", title=L["area_acres"], format=",.1f")]), width="stretch")
else:
    st.info(L["nothing"])
st.subheader(L["harvests_ahead"])
if len(o["harvests"]):
    harvests = o["harvests"].assign(crop=o["harvests"]["crop"].map(w.crop))
    st.altair_chart(alt.Chart(harvests).mark_bar().encode(
        x=alt.X("week:T", title=L["week"], axis=alt.Axis(format="%d/%m")),
        y=alt.Y("area_acres:Q", title=L["area_acres"], axis=alt.Axis(format=",.1~f")),
        color=alt.Color("crop:N", title=L["crop"]),
        tooltip=[alt.Tooltip("week:T", title=L["week"], format="%d/%m/%Y"), alt.Tooltip("crop:N", title=L["crop"]),
                 alt.Tooltip("area_acres:Q", title=L["area_acres"], format=",.1f")]), width="stretch")
else:
    st.info(L["nothing"])
