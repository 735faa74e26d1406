"""Certification: the FPO's organic-certification applications, by step, with those stuck over 30 days."""

import altair as alt
import streamlit as st

from dashboards.fpo_app import data
from dashboards.fpo_app.page import current
from dashboards.fpo_app.present import table
from hasiru.numbers import grouped

p = current()
L, w = p.L, p.words
st.header(L["certification"])
apps = data.certification(p.v, p.fpo_id)
c = st.columns(2)
c[0].metric(L["applications"], grouped(len(apps)))
c[1].metric(L["overdue"], grouped(int(apps["is_overdue"].sum()) if len(apps) else 0))
if len(apps):
    counts = apps.groupby("step", as_index=False).size()
    counts["step"] = counts["step"].map(lambda s: w.value("step", s))
    st.altair_chart(alt.Chart(counts).mark_bar().encode(
        x=alt.X("size:Q", title=L["applications"], axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y("step:N", title=L["step"])), width="stretch")
    st.dataframe(table(apps, w, {"step": "step", "is_overdue": "yes_no"}), hide_index=True, width="stretch")
