"""SMS digests: the last 30 days' messages to the FPO's members, queued, sent and delivered."""

import altair as alt
import streamlit as st

from dashboards.fpo_app import data
from dashboards.fpo_app.page import current
from hasiru.numbers import grouped

p = current()
L, w = p.L, p.words
st.header(L["sms"])
msgs = data.sms(p.v, p.fpo_id)
total = int(msgs["messages"].sum()) if len(msgs) else 0
delivered = int(msgs.loc[msgs["status"] == "delivered", "messages"].sum()) if len(msgs) else 0
sent = int(msgs.loc[msgs["status"].isin(["sent", "delivered", "undelivered"]), "messages"].sum()) if len(msgs) else 0
c = st.columns(4)
c[0].metric(L["queued"], grouped(total - sent))
c[1].metric(L["sent"], grouped(sent))
c[2].metric(L["delivered"], grouped(delivered))
c[3].metric(L["delivery_rate"], f"{delivered / sent:.0%}" if sent else "–")
if len(msgs):
    st.subheader(L["by_day"])
    shown = msgs.assign(status=msgs["status"].map(lambda s: w.value("sms_status", s)))
    st.altair_chart(alt.Chart(shown).mark_bar().encode(
        x=alt.X("digest_date:T", title=L["date"], axis=alt.Axis(format="%d/%m")),
        y=alt.Y("sum(messages):Q", title=L["messages"], axis=alt.Axis(format="d", tickMinStep=1)),
        color=alt.Color("status:N", title=L["status"])), width="stretch")
